/**
 * From samples to a verdict. Absolute limits are budgets (see budget.ts); with a baseline the
 * candidate is also compared with the stable revision, Kayenta-style, on request-level samples:
 * errors by a one-sided exact test (Boschloo's), latency by a one-sided Mann-Whitney U test that only
 * fails when the shift is also large enough to matter.
 */
import { allowedAbove, allowedErrors, budgetOutcome, combine, type Budget, type Outcome } from './budget';
import type {
  Comparison,
  FailureCount,
  GateConfig,
  GateReport,
  GateResult,
  PathReport,
  Sample,
  SideStats,
  Verdict,
} from './model';
import { boschlooGreater, hodgesLehmannShift, mannWhitneyGreater, median, percentile } from './stats';

/** Significance level of the comparisons with the baseline (one-sided). */
export const ALPHA = 0.05;
/** Below this p-value (but not below ALPHA) a worse-looking candidate is inconclusive rather than a pass. */
export const SUGGESTIVE = 0.1;
/**
 * Latency shifts smaller than this share of the baseline median, or than LATENCY_MIN_MS, never fail.
 * 25 ms: a shared runner's scheduling noise alone has moved a median by 12 ms between two revisions
 * of one image (a false abort in CI); a regression worth stopping a release for is larger.
 */
export const LATENCY_MIN_RELATIVE = 0.2;
export const LATENCY_MIN_MS = 25;
/** Fewer samples per side than this cannot be compared. */
export const MIN_COMPARE = 5;

export type Limits = Pick<GateConfig, 'maxErrorRate' | 'maxP95Ms' | 'maxP99Ms' | 'baselineUrl'>;

export interface Criterion {
  readonly path: string;
  readonly budget: Budget;
  readonly outcome: Outcome;
  /** Why it fails, phrased for people (computed only when needed: the early-stop rule runs per sample). */
  readonly failure: () => string;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  return `${Number.isInteger(p) ? p : p.toFixed(1)} %`;
}

function isError(s: Sample): boolean {
  return s.failures.length > 0;
}

function of(samples: readonly Sample[], side: Sample['side'], path: string): Sample[] {
  return samples.filter((s) => s.side === side && s.path === path);
}

/** The candidate's absolute budgets for one path after the samples so far, out of `planned` per path. */
export function pathCriteria(limits: Limits, path: string, candidate: readonly Sample[], planned: number): Criterion[] {
  const done = candidate.length;
  const errors = candidate.filter(isError).length;
  const allowed = allowedErrors(planned, limits.maxErrorRate);
  const budget = { bad: errors, done, total: planned, allowed };
  const result: Criterion[] = [
    {
      path,
      budget,
      outcome: budgetOutcome(budget),
      failure: () =>
        `${errors} of ${done} requests failed; max-error-rate ${formatPercent(limits.maxErrorRate)} allows ${allowed} of ${planned}. ` +
        failureCounts(candidate)
          .slice(0, 3)
          .map((f) => `${f.count}× ${f.message}`)
          .join('; '),
    },
  ];
  for (const [p, limit] of [
    [95, limits.maxP95Ms],
    [99, limits.maxP99Ms],
  ] as const) {
    if (limit === undefined) continue;
    const slow = candidate.filter((s) => s.ms > limit).length;
    const slowBudget = { bad: slow, done, total: planned, allowed: allowedAbove(planned, p) };
    result.push({
      path,
      budget: slowBudget,
      outcome: budgetOutcome(slowBudget),
      failure: () =>
        `p${p} latency ${formatMs(
          percentile(
            candidate.map((s) => s.ms),
            p,
          ),
        )} exceeds max-p${p}-ms ${limit}: ${slow} of ${done} requests took longer, at most ${slowBudget.allowed} of ${planned} may`,
    });
  }
  return result;
}

/**
 * Whether probing can stop: 'fail' as soon as any budget is spent, 'pass' once no budget can be
 * (never before the end with a baseline, whose comparison needs every sample), 'open' otherwise.
 */
export function earlyOutcome(limits: Limits, paths: readonly string[], samples: readonly Sample[], planned: number): Outcome {
  const outcome = combine(
    paths.flatMap((path) => pathCriteria(limits, path, of(samples, 'candidate', path), planned).map((c) => c.outcome)),
  );
  return outcome === 'pass' && limits.baselineUrl !== undefined ? 'open' : outcome;
}

function failureCounts(samples: readonly Sample[]): FailureCount[] {
  const counts = new Map<string, FailureCount>();
  for (const s of samples)
    for (const f of s.failures) {
      const key = `${f.kind}\n${f.message}`;
      const seen = counts.get(key);
      counts.set(key, seen ? { ...seen, count: seen.count + 1 } : { ...f, count: 1 });
    }
  return [...counts.values()].sort((a, b) => b.count - a.count).slice(0, 20);
}

/** Report precision: a tenth of a millisecond. */
function round(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 10) / 10;
}

/** How a response's status is counted in a report: its code, or "none" for a request without a response. */
export const statusKey = (status: number | undefined): string => (status === undefined ? 'none' : String(status));

export function sideStats(samples: readonly Sample[]): SideStats {
  const ms = samples.map((s) => s.ms);
  const errors = samples.filter(isError).length;
  const statuses: Record<string, number> = {};
  for (const s of samples) {
    const key = statusKey(s.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  return {
    samples: samples.length,
    errors,
    errorRate: samples.length === 0 ? 0 : errors / samples.length,
    p50: round(percentile(ms, 50)),
    p95: round(percentile(ms, 95)),
    p99: round(percentile(ms, 99)),
    max: round(percentile(ms, 100)),
    statuses,
    retried: samples.filter((s) => s.retried).length,
    failures: failureCounts(samples),
  };
}

/** Compares candidate with baseline; latency only over successful requests (errors are the other test's job). */
export function compare(candidate: readonly Sample[], baseline: readonly Sample[]): Comparison {
  const candidateErrors = candidate.filter(isError).length;
  const baselineErrors = baseline.filter(isError).length;
  const errors = {
    candidate: candidateErrors,
    baseline: baselineErrors,
    ...boschlooGreater(candidateErrors, candidate.length, baselineErrors, baseline.length),
  };
  const x = candidate.filter((s) => !isError(s)).map((s) => s.ms);
  const y = baseline.filter((s) => !isError(s)).map((s) => s.ms);
  if (x.length < MIN_COMPARE || y.length < MIN_COMPARE) return { errors, latency: null };
  const test = mannWhitneyGreater(x, y);
  const shiftMs = hodgesLehmannShift(x, y);
  const baselineMedian = median(y)!;
  return {
    errors,
    latency: {
      u: test.u,
      pValue: test.pValue,
      exact: test.exact,
      shiftMs: round(shiftMs)!,
      relativeShift: baselineMedian > 0 ? shiftMs / baselineMedian : 0,
      probabilitySlower: test.u / (x.length * y.length),
    },
  };
}

export function formatP(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : p.toFixed(4);
}

/** Whether `fail` holds failures and every one is a `slower` one: runGate measures such a failure again. */
export const onlySlower = (fail: readonly string[], slower: readonly (string | undefined)[]): boolean =>
  fail.length > 0 && fail.every((f) => slower.includes(f));

/** The comparison's findings: failures ("clearly worse") and inconclusive findings ("worse-looking, not significant"). */
export function comparisonFindings(
  path: string,
  c: Comparison,
  candidate: SideStats,
  baseline: SideStats,
): { fail: string[]; inconclusive: string[]; slower?: string } {
  const fail: string[] = [];
  const inconclusive: string[] = [];
  const rates = `${c.errors.candidate}/${candidate.samples} vs ${c.errors.baseline}/${baseline.samples}`;
  const testName = c.errors.test === 'boschloo' ? 'Boschloo' : 'Fisher';
  if (candidate.samples < MIN_COMPARE || baseline.samples < MIN_COMPARE)
    inconclusive.push(
      `${path}: too few samples to compare with stable (${candidate.samples} and ${baseline.samples}; need ${MIN_COMPARE} each)`,
    );
  else if (c.errors.pValue < ALPHA)
    fail.push(
      `${path}: candidate fails more often than stable: ${rates} (one-sided ${testName} exact p = ${formatP(c.errors.pValue)})`,
    );
  else if (c.errors.pValue < SUGGESTIVE && c.errors.candidate > 0)
    inconclusive.push(
      `${path}: candidate had more errors than stable (${rates}), not significant (${testName} p = ${formatP(c.errors.pValue)})`,
    );

  if (!c.latency) {
    if (candidate.samples >= MIN_COMPARE && baseline.samples >= MIN_COMPARE)
      inconclusive.push(`${path}: too few successful requests to compare latency with stable (need ${MIN_COMPARE} on each side)`);
    return { fail, inconclusive };
  }
  const l = c.latency;
  const large = l.shiftMs >= LATENCY_MIN_MS && l.relativeShift >= LATENCY_MIN_RELATIVE;
  const shift = `+${formatMs(l.shiftMs)} (${l.relativeShift >= 0 ? '+' : ''}${formatPercent(l.relativeShift)} of stable's median)`;
  if (large && l.pValue < ALPHA) {
    const slower = `${path}: candidate is slower than stable by ${shift} (one-sided Mann-Whitney U p = ${formatP(l.pValue)})`;
    return { fail: [...fail, slower], inconclusive, slower };
  }
  if (large)
    inconclusive.push(
      `${path}: candidate looks slower than stable by ${shift}, not significant (Mann-Whitney U p = ${formatP(l.pValue)})`,
    );
  return { fail, inconclusive };
}

export interface Run {
  readonly samples: readonly Sample[];
  /** Requests planned per path and per side. */
  readonly planned: number;
  readonly startup: GateReport['startup'] & { readonly failure?: string };
  readonly warmUp?: GateReport['warmUp'];
  readonly stoppedEarly: boolean;
  readonly ms: number;
}

/** The verdict of a gate run, with its reasons and the full report. */
export function judge(config: GateConfig, run: Run): GateResult {
  const fail: string[] = [];
  const inconclusive: string[] = [];
  const passed: string[] = [];
  const paths: PathReport[] = [];
  const slower: string[] = [];
  if (!run.startup.ready) fail.push(run.startup.failure ?? `no successful response within startup-timeout`);
  else
    for (const path of config.paths) {
      const candidateSamples = of(run.samples, 'candidate', path);
      const candidate = sideStats(candidateSamples);
      const criteria = pathCriteria(config, path, candidateSamples, run.planned);
      for (const c of criteria) if (c.outcome === 'fail') fail.push(`${path}: ${c.failure()}`);
      // Open after the run means it ended early without a certain outcome (cancelled): too few samples.
      if (criteria.some((c) => c.outcome === 'open'))
        inconclusive.push(`${path}: too few samples to judge (${candidate.samples} of ${run.planned} requests made)`);
      const report: PathReport = { path, candidate };
      const retried = candidate.retried > 0 ? ` (${candidate.retried} asked twice after the platform's own error)` : '';
      let passing = `${path}: ${candidate.samples - candidate.errors} of ${candidate.samples} requests passed${retried}, p95 ${formatMs(candidate.p95)}`;
      if (config.baselineUrl !== undefined && !run.stoppedEarly) {
        const baselineSamples = of(run.samples, 'baseline', path);
        const baseline = sideStats(baselineSamples);
        const comparison = compare(candidateSamples, baselineSamples);
        const findings = comparisonFindings(path, comparison, candidate, baseline);
        fail.push(...findings.fail);
        inconclusive.push(...findings.inconclusive);
        if (findings.slower !== undefined) slower.push(findings.slower);
        paths.push({ ...report, baseline, comparison });
        const shift = comparison.latency
          ? `, latency shift ${comparison.latency.shiftMs >= 0 ? '+' : ''}${formatMs(comparison.latency.shiftMs)}`
          : '';
        passing += `; no worse than stable (errors ${comparison.errors.candidate} vs ${comparison.errors.baseline}${shift})`;
      } else paths.push(report);
      passed.push(passing);
    }
  const verdict: Verdict = fail.length > 0 ? 'fail' : inconclusive.length > 0 ? 'inconclusive' : 'pass';
  const reasons = verdict === 'fail' ? fail : verdict === 'inconclusive' ? inconclusive : passed;
  const report: GateReport = {
    verdict,
    reasons,
    url: config.url,
    ...(config.baselineUrl !== undefined ? { baselineUrl: config.baselineUrl } : {}),
    startup: { ms: Math.round(run.startup.ms), attempts: run.startup.attempts, ready: run.startup.ready },
    warmUp: run.warmUp ?? { requests: 0, candidateStatuses: {} },
    stoppedEarly: run.stoppedEarly,
    ms: Math.round(run.ms),
    paths,
  };
  return { verdict, reasons, report, ...(onlySlower(fail, slower) ? { onlySlower: true } : {}) };
}

/**
 * A failure for latency alone is confirmed by a second, independent batch before it stands: on a
 * busy runner scheduling noise alone passes the 5 % test about once in 20 comparisons, and a
 * stepped promotion makes several (seen: one healthy release in 20 stopped at +32 ms, p = 0.03).
 * Requiring both batches keeps a same-image false alarm near 5 % × 5 %, while a real slowdown fails
 * both. The second batch decides; the first stays in the reasons and in the report.
 */
export function confirmed(first: GateResult, second: GateResult): GateResult {
  const outcome = second.verdict === 'fail' ? 'confirmed it' : `did not confirm it (${second.verdict})`;
  const reasons = [...second.reasons, `A first batch of requests found: ${first.reasons.join('; ')}; a second batch ${outcome}.`];
  return {
    verdict: second.verdict,
    reasons,
    report: { ...second.report, reasons, firstBatch: { reasons: first.reasons, paths: first.report.paths } },
  };
}
