/**
 * build-image's pull-request check: the migrations the pull request adds relative to its base ref
 * (git), checked as deploy-cloudrun will check them, as annotations on their SQL lines. The checkout
 * needs the base ref's history (actions/checkout with `fetch-depth: 0`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Reporter, RunProgram } from '../report';
import { checkMigrations, type MigrationCheck } from './check';
import { imageMigrations, migrationFileWanted } from './image-migrations';
import type { MigrationPolicy } from './policy';
import { reportCheck } from './report';

async function git(run: RunProgram, root: string, args: string[]): Promise<string | undefined> {
  const r = await run('git', args, { cwd: root });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** The base ref as fetched (`origin/main`), else as given; throws when neither is known to git. */
async function baseCommit(run: RunProgram, root: string, baseRef: string): Promise<string> {
  for (const ref of [`origin/${baseRef}`, baseRef]) {
    const commit = await git(run, root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    if (commit) return commit;
  }
  throw new Error(
    `The base ref ${baseRef} is not in the checkout, so the migrations this pull request adds cannot be found: check out with fetch-depth: 0`,
  );
}

/** Migration files the pull request adds, with the Prisma files that mark their folders (paths relative to root). */
async function addedMigrationFiles(run: RunProgram, root: string, base: string): Promise<Map<string, string>> {
  const diff = await git(run, root, ['diff', '--name-only', '--diff-filter=A', '--no-renames', `${base}...HEAD`]);
  if (diff === undefined) throw new Error(`git diff against ${base} failed in ${root}`);
  const files = new Map<string, string>();
  const read = (path: string) => files.set(`/${path}`, readFileSync(join(root, path), 'utf8'));
  for (const path of diff.split('\n').filter((p) => p.endsWith('/migration.sql') && migrationFileWanted(`/${p}`))) {
    read(path);
    const folder = posix.dirname(posix.dirname(path));
    for (const marker of [posix.join(folder, 'migration_lock.toml'), posix.join(posix.dirname(folder), 'schema.prisma')])
      if (existsSync(join(root, marker))) read(marker);
  }
  return files;
}

/** Checks the pull request's new migrations; throws (after annotating them) when the policy refuses one. */
export async function checkPullRequestMigrations(
  root: string,
  baseRef: string,
  options: { policy: MigrationPolicy; allow: readonly string[] },
  run: RunProgram,
  reporter: Reporter,
): Promise<MigrationCheck> {
  const base = await baseCommit(run, root, baseRef);
  const added = imageMigrations({ workdir: '/', files: await addedMigrationFiles(run, root, base) });
  reporter.info(
    `Migrations this pull request adds (against ${baseRef}): ${added.length ? added.map((m) => m.file).join(', ') : 'none'}`,
  );
  const check = await checkMigrations(added, options.policy, options.allow);
  const refused = reportCheck(check, `Migrations added against ${baseRef}`, reporter);
  if (refused.length)
    throw new Error(
      `The migration check refused ${refused.length} statement(s) in the migrations this pull request adds (see the annotations on their lines). Name a migration in allow-migrations, or add \`-- runway-ignore RULE reason\` above a statement, to let it through on purpose.`,
    );
  return check;
}
