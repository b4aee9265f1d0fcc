/**
 * Migration safety end to end: deploy-cloudrun's bundle against the Cloud Run emulator, with the
 * example app's real image (pushed to the local registry), its real migration runner as the job (exec
 * form, no shell) and the local PostgreSQL. Three images of one app: v0 (the example as it is: init and
 * its expand migration), v1 (+ another expand: a nullable column) and rename (+ a Prisma-generated rename).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PARENT, serviceName, startTestEmulator, type TestEmulator } from '../helpers/emulator-fixture';
import { exampleImage } from '../helpers/example-image';
import { runBundle, type ActionRun } from '../helpers/run-action';
import { TEST_REGISTRY } from '../helpers/test-images';

jest.setTimeout(300_000);

const run = promisify(execFile);
const BUNDLE = 'dist/deploy-cloudrun/index.js';
const PROJECT = PARENT.split('/')[1];
const MIGRATIONS = '/app/packages/db/prisma/migrations';
const EXPAND = '20261201000000_expand_items_note';
const RENAME = '20261202000000_rename_items_name';
const LABEL = '20261203000000_expand_items_label';
const RENAME_FILE = `packages/db/prisma/migrations/${RENAME}/migration.sql`;
const ADMIN_URL = 'postgresql://runway:runway@127.0.0.1:5432/runway';

const suffix = randomBytes(4).toString('hex');
const database = `runway_i20_${suffix}`;
const databaseUrl = `postgresql://runway:runway@127.0.0.1:5432/${database}`;
const service = `migrations-${suffix}`;
const images: Record<'v0' | 'v1' | 'rename', string> = { v0: '', v1: '', rename: '' };
let emu: TestEmulator;

async function psql(sql: string, url = ADMIN_URL): Promise<string> {
  const { stdout } = await run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-Atc', sql]);
  return stdout.trim();
}

/** An image FROM the example, changed by `lines`, pushed to the local registry; returns it pinned by digest. */
async function derived(name: string, base: string, lines: string[], files: Record<string, string> = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'runway-i20-image-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), [`FROM ${base}`, ...lines].join('\n'));
    for (const [to, from] of Object.entries(files)) cpSync(from, join(dir, to), { recursive: true });
    const ref = `${TEST_REGISTRY}/runway-test-i20/example:${name}-${suffix}`;
    await run('docker', ['build', '--network', 'host', '-q', '-t', ref, dir]);
    const { stdout } = await run('docker', ['push', ref]);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(stdout)?.[1];
    if (!digest) throw new Error(`no digest in the push output of ${ref}: ${stdout}`);
    return `${TEST_REGISTRY}/runway-test-i20/example@${digest}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function deploy(image: string, inputs: Record<string, string> = {}, sha = '1'): Promise<ActionRun> {
  return runBundle(BUNDLE, {
    inputs: {
      service,
      image,
      'wait-timeout': '90s',
      // Public: the test and its load read the app directly (the probe mints a token in emulator mode).
      'allow-unauthenticated': 'true',
      'env-vars': `DATABASE_URL=${databaseUrl},REDIS_URL=redis://127.0.0.1:6379`,
      'migration-command': '["node","packages/db/scripts/migrate.mjs"]',
      ...inputs,
    },
    env: { ...emu.emulator.env, GCLOUD_PROJECT: PROJECT, GITHUB_SHA: sha.repeat(40) },
    timeoutMs: 240_000,
  });
}

const jobExecutions = async () =>
  Number((await emu.clients.jobs.getJob({ name: `${PARENT}/jobs/${service}-migrate` }))[0].executionCount ?? 0);
const getService = async () => (await emu.clients.services.getService({ name: serviceName(service) }))[0];
const columns = () =>
  psql(
    `SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'items'`,
    databaseUrl,
  );

/** GET requests to `url` from `workers` loops until stopped (or 120 s, whichever is first); counts the failures. */
function load(url: string, workers = 4): { stop(): Promise<{ total: number; failed: string[] }> } {
  const failed: string[] = [];
  let total = 0;
  let stopped = false;
  const deadline = Date.now() + 120_000;
  const loops = Array.from({ length: workers }, async () => {
    while (!stopped && Date.now() < deadline) {
      total++;
      const r = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch((e: Error) => e);
      if (r instanceof Error) failed.push(r.message);
      else if (!r.ok) failed.push(`HTTP ${r.status}: ${await r.text()}`);
      else await r.arrayBuffer();
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return { total, failed };
    },
  };
}

beforeAll(async () => {
  emu = await startTestEmulator();
  const base = await exampleImage();
  const fixture = (name: string) => join(__dirname, '..', 'fixtures', 'example-migrations', name);
  [images.v0, images.v1, images.rename] = await Promise.all([
    derived('v0', base, []),
    derived('v1', base, [`COPY ${LABEL} ${MIGRATIONS}/${LABEL}`], { [LABEL]: fixture(LABEL) }),
    derived('rename', base, [`COPY ${RENAME} ${MIGRATIONS}/${RENAME}`], { [RENAME]: fixture(RENAME) }),
  ]);
  await psql(`CREATE DATABASE ${database}`);
}, 900_000);

afterAll(async () => {
  await emu?.close();
  await psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
});

describe('deploy-cloudrun migration safety', () => {
  let url = '';

  it('first release: every migration is new; the job applies them with the exec form (no shell)', async () => {
    const first = await deploy(images.v0);
    expect(first.errors).toEqual([]);
    expect(first.stdout).toMatch(/First release: all 2 migrations in the image are new/);
    expect(first.stdout).toContain('new: packages/db/prisma/migrations/20261125180000_init/migration.sql');
    expect(first.stdout).toContain(`new: packages/db/prisma/migrations/${EXPAND}/migration.sql`);
    expect(await psql("SELECT string_agg(name, ',' ORDER BY name) FROM _runway_migrations", databaseUrl)).toBe(
      `20261125180000_init,${EXPAND}`,
    );
    url = first.outputs.url;
    expect((await fetch(`${url}/items`)).status).toBe(200);
  });

  it('a safe (expand) release migrates with zero failed requests to the serving revision under load', async () => {
    const traffic = load(`${url}/items`);
    const safe = await deploy(images.v1, { 'migration-probe': '/items' }, '2');
    const { total, failed } = await traffic.stop();
    expect(safe.errors).toEqual([]);
    expect(safe.stdout).toContain(`new since the serving revision's image`);
    expect(safe.stdout).toContain(`new: packages/db/prisma/migrations/${LABEL}/migration.sql`);
    expect(safe.stdout).toMatch(/Serving revision before the migration .*: pass/);
    expect(safe.stdout).toMatch(/Serving revision after the migration .*: pass/);
    expect(await columns()).toBe('created_at,id,label,name,note');
    console.info(`load on the serving revision during the safe release: ${total} requests, ${failed.length} failed`);
    expect(total).toBeGreaterThan(20);
    expect(failed).toEqual([]);
  });

  it('refuses a Prisma rename before its job runs, with the finding at its migration.sql line', async () => {
    const [executions, before] = [await jobExecutions(), await getService()];
    const refused = await deploy(images.rename, {}, '3');
    expect(refused.code).toBe(1);
    const errors = refused.errors.join('\n');
    expect(errors).toContain(
      `${RENAME_FILE}:9: [prisma-rename] destructive, breaking: ${RENAME} drops "name" and adds "title" on "items"`,
    );
    expect(errors).toContain(`${RENAME_FILE}:10: [adding-required-field]`);
    expect(errors).toMatch(/nothing was changed \(the migration job did not run\)/);
    expect(errors).toMatch(/@map\("old_name"\)/);
    expect(await jobExecutions()).toBe(executions);
    expect((await getService()).etag).toBe(before.etag);
    expect(await columns()).toBe('created_at,id,label,name,note');
  });

  it('lets it run with allow-migrations, and the serving-revision probe catches the broken old code', async () => {
    const before = await getService();
    const allowed = await deploy(images.rename, { 'allow-migrations': RENAME, 'migration-probe': '/items' }, '4');
    expect(allowed.code).toBe(1);
    expect(allowed.stdout).toMatch(/Serving revision before the migration .*: pass/);
    expect(allowed.errors.join('\n')).toMatch(
      new RegExp(
        `passed before the migration and fails after it \\(fail\\): [^\\n]*${RENAME} broke the code that serves now\\. Rolling back to \\S+ will not restore the schema: roll forward`,
      ),
    );
    expect(allowed.summary).toMatch(/allowed \(allow-migrations\) \| prisma-rename/);
    expect(allowed.summary).toMatch(/The migration broke the serving revision/);
    expect(await columns()).toBe('created_at,id,label,note,title');
    // Nothing moved: the deploy failed before the rollout.
    const after = await getService();
    expect(after.latestCreatedRevision).toBe(before.latestCreatedRevision);
    expect(after.traffic).toEqual(before.traffic);
  });
});
