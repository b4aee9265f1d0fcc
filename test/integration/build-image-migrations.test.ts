/**
 * build-image `check-only` on a pull request: its bundle, in a git checkout whose branch adds a
 * Prisma-generated rename to the good-debian fixture's migrations, annotates the SQL lines and fails;
 * with allow-migrations it passes and the summary says what was allowed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runBundle } from '../helpers/run-action';

const RENAME = '20260103000000_rename_field';
const FILE = `prisma/migrations/${RENAME}/migration.sql`;
let root = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'runway-pr-check-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root, stdio: 'pipe' });
  cpSync(join(repoRoot, 'test/fixtures/prisma/good-debian'), root, { recursive: true });
  const corpus = join(repoRoot, 'test/fixtures/migrations');
  mkdirSync(join(root, 'prisma/migrations'), { recursive: true });
  writeFileSync(join(root, 'prisma/migrations/migration_lock.toml'), 'provider = "postgresql"\n');
  cpSync(join(corpus, '20260101000000_init'), join(root, 'prisma/migrations/20260101000000_init'), { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
  git('checkout', '-qb', 'rename');
  cpSync(join(corpus, RENAME), join(root, 'prisma/migrations', RENAME), { recursive: true });
  git('add', '-A');
  git('commit', '-qm', 'rename a field');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const check = (inputs: Record<string, string> = {}) =>
  runBundle('dist/build-image/index.js', {
    inputs: { 'check-only': 'true', ...inputs },
    env: { GITHUB_WORKSPACE: root, GITHUB_BASE_REF: 'main' },
    timeoutMs: 60_000,
  });

describe('build-image check-only: the migrations a pull request adds', () => {
  it('fails with annotations on the SQL lines of the rename', async () => {
    const run = await check();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `::error file=${FILE},line=9,endLine=9::[prisma-rename] destructive, breaking: ${RENAME} drops "name"`,
    );
    expect(run.stdout).toContain(`::error file=${FILE},line=10,endLine=10::[adding-required-field]`);
    expect(run.stdout).toContain(`Migrations this pull request adds (against main): ${FILE}`);
    expect(run.summary).toMatch(/Migrations added against main/);
  }, 90_000);

  it('passes with allow-migrations, the allowed findings still in the summary', async () => {
    const run = await check({ 'allow-migrations': RENAME });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.summary).toMatch(/allowed \(allow-migrations\) \| prisma-rename/);
  }, 90_000);
});
