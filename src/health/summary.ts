/** The job summary of a gate run: verdict, reasons, a table per path and a latency chart (Mermaid). */
import { md } from '../report';
import type { GateResult, PathReport, SideStats } from './model';
import { formatMs, formatP, formatPercent } from './judge';

const ICON = { pass: '✅', fail: '❌', inconclusive: '⚠️' } as const;

function row(path: string, target: string, s: SideStats): (string | number)[] {
  return [
    md.code(path),
    target,
    s.samples,
    s.errors,
    formatPercent(s.errorRate),
    formatMs(s.p50),
    formatMs(s.p95),
    formatMs(s.p99),
    formatMs(s.max),
  ];
}

function failureRows(p: PathReport): (string | number)[][] {
  const targets = [['candidate', p.candidate] as const, ...(p.baseline ? [['stable', p.baseline] as const] : [])];
  return targets.flatMap(([target, stats]) =>
    stats.failures.map((f) => [
      md.code(p.path),
      target,
      f.count,
      f.kind === 'assertion' ? md.code(f.path ?? '') : f.kind,
      f.kind === 'assertion' ? `${f.expected}` : f.message,
      f.kind === 'assertion' ? `${f.actual}` : '',
    ]),
  );
}

function chartValue(ms: number | null): string {
  return ms === null ? '0' : String(Math.round(ms * 10) / 10);
}

/** Mermaid xychart-beta: latency percentiles per path, candidate as bars and stable as a line. */
export function latencyChart(paths: readonly PathReport[]): string {
  const labels = paths.flatMap((p) => (['p50', 'p95', 'p99'] as const).map((q) => `"${p.path.replace(/"/g, "'")} ${q}"`));
  const values = (pick: (p: PathReport) => SideStats | undefined) =>
    paths.flatMap((p) => [pick(p)?.p50 ?? null, pick(p)?.p95 ?? null, pick(p)?.p99 ?? null].map(chartValue)).join(', ');
  const withBaseline = paths.some((p) => p.baseline);
  return [
    '```mermaid',
    'xychart-beta',
    `  title "Latency (ms): ${withBaseline ? 'bars candidate, line stable' : 'candidate'}"`,
    `  x-axis [${labels.join(', ')}]`,
    '  y-axis "ms"',
    `  bar [${values((p) => p.candidate)}]`,
    ...(withBaseline ? [`  line [${values((p) => p.baseline)}]`] : []),
    '```',
    '',
    '',
  ].join('\n');
}

export function renderGateSummary(result: GateResult): string {
  const r = result.report;
  let out = md.heading(`${ICON[result.verdict]} Health gate: ${result.verdict}`);
  out += result.reasons.map((reason) => `- ${reason}`).join('\n') + '\n\n';
  const startup =
    r.startup.attempts > 0
      ? `, first success after ${(r.startup.ms / 1000).toFixed(1)} s (${r.startup.attempts} attempt(s))`
      : '';
  out += `Probed ${md.code(r.url)}${r.baselineUrl ? ` against stable ${md.code(r.baselineUrl)}` : ''} in ${(r.ms / 1000).toFixed(1)} s${startup}.`;
  out += r.stoppedEarly ? ' Stopped early: the outcome was already certain.\n\n' : '\n\n';
  if (r.paths.length === 0) return out;
  out += md.table(
    ['path', 'target', 'requests', 'errors', 'error rate', 'p50', 'p95', 'p99', 'max'],
    r.paths.flatMap((p) => [row(p.path, 'candidate', p.candidate), ...(p.baseline ? [row(p.path, 'stable', p.baseline)] : [])]),
  );
  const failures = r.paths.flatMap(failureRows);
  if (failures.length > 0)
    out += md.heading('Failed checks', 4) + md.table(['path', 'target', 'count', 'check', 'expected', 'actual'], failures);
  const compared = r.paths.filter((p) => p.comparison);
  if (compared.length > 0)
    out +=
      md.heading('Candidate against stable', 4) +
      md.table(
        ['path', 'errors', 'errors p', 'latency shift', 'P(slower)', 'Mann-Whitney p'],
        compared.map((p) => {
          const c = p.comparison!;
          const l = c.latency;
          return [
            md.code(p.path),
            `${c.errors.candidate} vs ${c.errors.baseline}`,
            `${formatP(c.errors.pValue)} (${c.errors.test === 'boschloo' ? 'Boschloo' : 'Fisher'})`,
            l ? `${l.shiftMs >= 0 ? '+' : ''}${formatMs(l.shiftMs)} (${formatPercent(l.relativeShift)})` : '–',
            l ? formatPercent(l.probabilitySlower) : '–',
            l ? `${formatP(l.pValue)}${l.exact ? ' (exact)' : ''}` : '–',
          ];
        }),
      );
  return out + latencyChart(r.paths);
}
