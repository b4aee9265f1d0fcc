import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingReporter } from '../report';
import { runLocally } from '../runtime/local';
import { DEFAULT_POLICY } from './policy';
import { checkPullRequestMigrations } from './pr-check';

const CORPUS = join(__dirname, '..', '..', 'test', 'fixtures', 'migrations');
const MIGRATIONS = 'packages/db/prisma/migrations';

/** A repository whose main has the init migration and whose pull request branch adds `added`. */
function repository(added: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'runway-pr-migrations-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root });
  git('init', '-q', '-b', 'main');
  mkdirSync(join(root, MIGRATIONS), { recursive: true });
  writeFileSync(join(root, MIGRATIONS, 'migration_lock.toml'), 'provider = "postgresql"\n');
  cpSync(join(CORPUS, '20260101000000_init'), join(root, MIGRATIONS, '20260101000000_init'), { recursive: true });
  git('add', '-A');
  git('commit', '-qm', 'init');
  git('checkout', '-qb', 'feature');
  for (const name of added) cpSync(join(CORPUS, name), join(root, MIGRATIONS, name), { recursive: true });
  mkdirSync(join(root, 'docs', 'x'), { recursive: true });
  writeFileSync(join(root, 'docs', 'x', 'migration.sql'), 'DROP TABLE "User";'); // not in a Prisma migrations folder
  git('add', '-A');
  git('commit', '-qm', 'change');
  return root;
}

describe('checkPullRequestMigrations', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  it('refuses a Prisma rename the pull request adds, annotated at its migration.sql line', async () => {
    const root = repository(['20260102000000_add_optional_field', '20260103000000_rename_field']);
    roots.push(root);
    const reporter = new RecordingReporter();
    await expect(
      checkPullRequestMigrations(root, 'main', { policy: DEFAULT_POLICY, allow: [] }, runLocally, reporter),
    ).rejects.toThrow(/refused 2 statement/);
    const file = `${MIGRATIONS}/20260103000000_rename_field/migration.sql`;
    expect(reporter.lines.filter((l) => l.level === 'error').map((l) => [l.message.split(']')[0], l.at])).toEqual([
      ['[prisma-rename', { file, line: 9 }],
      ['[adding-required-field', { file, line: 10 }],
    ]);
    expect(reporter.lines.some((l) => l.message.includes(`${MIGRATIONS}/20260102000000_add_optional_field/migration.sql`))).toBe(
      true,
    );
    expect(reporter.markdown).toMatch(/Migrations added against main/);
  });

  it('lets it through when allow-migrations names it, and says so in the summary', async () => {
    const root = repository(['20260103000000_rename_field']);
    roots.push(root);
    const reporter = new RecordingReporter();
    const check = await checkPullRequestMigrations(
      root,
      'main',
      { policy: DEFAULT_POLICY, allow: ['20260103000000_rename_field'] },
      runLocally,
      reporter,
    );
    expect(check.findings.map((f) => f.allowedBy)).toEqual(['allow-migrations', 'allow-migrations']);
    expect(reporter.markdown).toMatch(/allowed \(allow-migrations\) \| prisma-rename/);
  });

  it('names the fix when the base ref is not in the checkout', async () => {
    const root = repository([]);
    roots.push(root);
    await expect(
      checkPullRequestMigrations(root, 'release', { policy: DEFAULT_POLICY, allow: [] }, runLocally, new RecordingReporter()),
    ).rejects.toThrow(/base ref release is not in the checkout.*fetch-depth: 0/);
  });
});
