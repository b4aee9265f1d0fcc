/**
 * Checks migrations' SQL: parse each with PostgreSQL's grammar, classify every statement, apply the
 * policy. The same check serves deploy-cloudrun (migrations new to the serving image) and build-image's
 * pull-request check (migrations the pull request adds).
 */
import { classifyMigration, type MigrationFile } from './classify';
import { blocking, judge, type JudgedFinding, type MigrationPolicy } from './policy';
import { loadParser, parseStatements, SqlSyntaxError } from './sql';

export interface MigrationSource extends MigrationFile {
  readonly sql: string;
}

/** A migration PostgreSQL would refuse to parse: the check fails on it. */
export interface UnreadableMigration {
  readonly migration: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface MigrationCheck {
  readonly migrations: readonly string[];
  readonly findings: readonly JudgedFinding[];
  readonly unreadable: readonly UnreadableMigration[];
  /** Findings that fail the check (error level, not allowed). */
  readonly failing: readonly JudgedFinding[];
}

export async function checkMigrations(
  migrations: readonly MigrationSource[],
  policy: MigrationPolicy,
  allowMigrations: readonly string[],
): Promise<MigrationCheck> {
  await loadParser();
  const unreadable: UnreadableMigration[] = [];
  const raw = migrations.flatMap((m) => {
    try {
      return classifyMigration(m, parseStatements(m.sql));
    } catch (e) {
      if (!(e instanceof SqlSyntaxError)) throw e;
      unreadable.push({ migration: m.name, file: m.file, line: e.line, message: e.message });
      return [];
    }
  });
  const findings = judge(raw, policy, allowMigrations);
  return { migrations: migrations.map((m) => m.name), findings, unreadable, failing: blocking(findings) };
}

/** Whether the check lets the migrations run. */
export const passes = (check: MigrationCheck): boolean => check.failing.length === 0 && check.unreadable.length === 0;
