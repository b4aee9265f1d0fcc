/** How a migration check is told: one annotation per finding at its SQL line, and a summary table. Pure. */
import { md, type Reporter } from '../report';
import { passes, type MigrationCheck } from './check';
import type { JudgedFinding } from './policy';

const verdict = (f: JudgedFinding): string => (f.allowedBy ? `allowed (${f.allowedBy})` : f.level);

/** One line per finding: rule, kinds, what it does and the safe way. */
export const findingLine = (f: JudgedFinding): string =>
  `[${f.rule}] ${f.kinds.join(', ')}: ${f.migration} ${f.message}. Safe way: ${f.safe}.${f.allowedBy ? ` Allowed by ${f.allowedBy}.` : ''}`;

/** Annotations on the SQL lines: errors fail, warnings and allowed findings are notes that stay visible. */
function annotate(check: MigrationCheck, reporter: Reporter): void {
  for (const u of check.unreadable)
    reporter.error(`${u.migration}: PostgreSQL cannot parse it: ${u.message}`, { file: u.file, line: u.line });
  for (const f of check.findings) {
    const at = { file: f.file, line: f.line };
    if (f.allowedBy) reporter.notice(findingLine(f), at);
    else if (f.level === 'error') reporter.error(findingLine(f), at);
    else reporter.warning(findingLine(f), at);
  }
}

/** The job summary's section: which migrations were checked and every finding, allowed ones included. */
function checkSummary(check: MigrationCheck, title: string): string {
  const list = check.migrations.length ? check.migrations.map(md.code).join(', ') : 'none';
  const rows = [
    ...check.unreadable.map((u) => ['error', 'sql-syntax', '', `${u.file}:${u.line}`, u.message, '']),
    ...check.findings.map((f) => [verdict(f), f.rule, f.kinds.join(', '), `${f.file}:${f.line}`, f.message, f.safe]),
  ];
  return (
    md.heading(title) +
    `Migrations checked: ${list}\n\n` +
    (rows.length ? md.table(['verdict', 'rule', 'kind', 'where', 'what', 'safe way'], rows) : 'No findings.\n\n')
  );
}

/**
 * Tells a check (annotations, then the summary section under `title`) and returns the refused
 * statements, one `file:line: why` each, unreadable ones first: none when the check passes.
 */
export function reportCheck(check: MigrationCheck, title: string, reporter: Reporter): string[] {
  annotate(check, reporter);
  reporter.summary(checkSummary(check, title));
  if (passes(check)) return [];
  return [
    ...check.unreadable.map((u) => `${u.file}:${u.line}: PostgreSQL cannot parse it: ${u.message}`),
    ...check.failing.map((f) => `${f.file}:${f.line}: ${findingLine(f)}`),
  ];
}
