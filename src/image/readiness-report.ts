/** The Prisma readiness report: the `prisma-report` JSON output and the job-summary table. Pure. */
import { md } from '../report';
import type { ImageFacts } from './image-facts';
import type { EngineMode, Finding, Level } from './prisma-rules';

export type Phase = 'static' | 'image';

export interface PrismaReport {
  readonly mode: 'strict' | 'warn' | 'off';
  readonly verdict: 'pass' | 'warn' | 'fail' | 'skipped';
  readonly prisma?: { readonly version?: string; readonly lockfile?: string; readonly engines: EngineMode; readonly why: string };
  readonly schema?: { readonly file: string; readonly note: string };
  readonly dockerfile: { readonly file: string; readonly runtimeStage: string; readonly runtimeBase: string };
  readonly image?: ImageFacts & { readonly target?: string };
  readonly findings: readonly (Finding & { readonly phase: Phase })[];
}

export function verdictOf(findings: readonly Finding[], mode: PrismaReport['mode']): PrismaReport['verdict'] {
  if (mode === 'off') return 'skipped';
  if (findings.some((f) => f.level === 'error')) return 'fail';
  if (findings.some((f) => f.level === 'warning')) return 'warn';
  return 'pass';
}

const ICON: Record<Level, string> = { pass: '✅ pass', notice: 'ℹ️ note', warning: '⚠️ warning', error: '❌ error' };

const where = (f: Finding & { phase: Phase }): string =>
  f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : f.phase === 'image' ? 'built image' : '';

export function readinessMarkdown(report: PrismaReport): string {
  const title = { pass: '✅ ready', warn: '⚠️ ready with warnings', fail: '❌ not ready', skipped: 'skipped' }[report.verdict];
  let out = md.heading(`Prisma readiness: ${title}`);
  const facts: string[][] = [];
  if (report.prisma)
    facts.push([
      'Prisma',
      `${report.prisma.version ?? 'version unknown'}${report.prisma.lockfile ? ` (${report.prisma.lockfile})` : ''}: ${report.prisma.why}`,
    ]);
  if (report.schema) facts.push(['Schema', `${report.schema.file} (${report.schema.note})`]);
  facts.push([
    'Runtime stage',
    `${report.dockerfile.runtimeStage} FROM ${report.dockerfile.runtimeBase} (${report.dockerfile.file})`,
  ]);
  if (report.image)
    facts.push([
      'Image',
      `${report.image.osName ?? report.image.osId ?? '?'}, ${report.image.libc ?? 'libc ?'}${report.image.target ? ` → ${report.image.target}` : ''}`,
    ]);
  out += md.table(['', ''], facts);
  if (report.findings.length > 0) {
    out += md.table(
      ['Check', 'Result', 'Where', 'Fix'],
      report.findings.map((f) => [f.check, `${ICON[f.level]}: ${f.message}`, where(f), f.fix ? md.code(f.fix) : '']),
    );
  }
  return out;
}
