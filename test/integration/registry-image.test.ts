/**
 * readImageFiles against the real local registry (Registry HTTP API v2, no Docker on the reading
 * side): the working directory from the config, files from every layer, a later layer's whiteout
 * removing a migration, and the migrations folders found in the result.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { imageMigrations, migrationFileWanted } from '../../src/migrations/image-migrations';
import { readImageFiles } from '../../src/migrations/registry-image';
import { repoRoot } from '../helpers/run-action';
import { TEST_REGISTRY } from '../helpers/test-images';

jest.setTimeout(180_000);

const run = promisify(execFile);
const suffix = randomBytes(4).toString('hex');
const corpus = join(repoRoot, 'test/fixtures/migrations');

/** Builds `lines` on top of `from` with the corpus as context, pushes it and returns the reference by tag. */
async function image(name: string, from: string, lines: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'runway-registry-image-'));
  try {
    cpSync(corpus, join(dir, 'migrations'), { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), [`FROM ${from}`, ...lines].join('\n'));
    const ref = `${TEST_REGISTRY}/runway-test-i20/registry-image:${name}-${suffix}`;
    await run('docker', ['build', '--network', 'host', '-q', '-t', ref, dir]);
    await run('docker', ['push', '-q', ref]);
    return ref;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

it('reads WORKDIR and the migrations as the container sees them, whiteouts applied', async () => {
  const base = await image('base', 'node:24-bookworm-slim', [
    'WORKDIR /srv/app',
    'COPY migrations/20260101000000_init prisma/migrations/20260101000000_init',
    'COPY migrations/20260103000000_rename_field prisma/migrations/20260103000000_rename_field',
    'COPY migrations/20260106000000_add_index db/migrations/20260106000000_add_index',
    'RUN echo \'provider = "postgresql"\' > db/migrations/migration_lock.toml',
  ]);
  const later = await image('later', base, ['RUN rm -r prisma/migrations/20260103000000_rename_field']);

  const files = await readImageFiles(later, migrationFileWanted, {});
  expect(files.workdir).toBe('/srv/app');
  expect(imageMigrations(files).map((m) => m.file)).toEqual([
    'db/migrations/20260106000000_add_index/migration.sql',
    'prisma/migrations/20260101000000_init/migration.sql',
  ]);
  const before = imageMigrations(await readImageFiles(base, migrationFileWanted, {}));
  expect(before.map((m) => m.name)).toContain('20260103000000_rename_field');
  expect(before.find((m) => m.name === '20260101000000_init')?.sql).toMatch(/^-- CreateEnum/);
});

it('names the image when the registry does not have it', async () => {
  await expect(
    readImageFiles(`${TEST_REGISTRY}/runway-test-i20/registry-image:missing-${suffix}`, migrationFileWanted, {}),
  ).rejects.toThrow(
    /Could not read 127\.0\.0\.1:5000\/runway-test-i20\/registry-image from its registry: the registry answered HTTP 404/,
  );
});
