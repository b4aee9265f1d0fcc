/**
 * The demo pipeline on the local stack: the example monorepo app goes through every Runway action,
 * each run from its dist/ bundle exactly as the GitHub runner runs it, against the Cloud Run emulator.
 *
 * Releases go through the composite action actions/release step by step, as the runner runs it
 * (scripts/composite-runner.mjs), with an Artifact Registry path served by the emulator, so
 * promote's `live-SERVICE` tag is set in the (emulated) registry end to end.
 *
 *   release 1  check → build-image → deploy-cloudrun (migration job, first deploy takes 100 %) → health-gate → promote
 *   release 2  the same, no traffic until promoted, gate beside stable, promote 10 → 50 → 100 %
 *   release 3  a broken DATABASE_URL → health-gate fails on its body → never promoted, traffic untouched
 *   on call    rollback with only service and region → release 1, in one traffic update
 *   release 4  two regions (us-central1, europe-west1): one digest deployed to both, each gated,
 *              promoted 50 → 100 % together (europe-west1's service is new, so it takes 100 % at once)
 *   release 5  release 2's image plus a Prisma-generated rename (drop + add): deploy-cloudrun refuses
 *              the destructive migration before its job runs, at its migration.sql line; nothing changes
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../emulator/server';
import { createClients } from '../src/cloudrun/clients';
import { node24, repoRoot, runBundle, type ActionRun } from '../src/runtime/step-runner';

const SERVICE = 'demo-web';
const REGION = 'us-central1';
const PROJECT = 'runway-demo';
// An Artifact Registry path: the emulator keeps it in the local registry under the same path.
const IMAGE = `${REGION}-docker.pkg.dev/${PROJECT}/apps/web`;
const DATABASE = 'runway_demo';
// The ports scripts/stack.sh serves PostgreSQL and Redis on (its defaults, or the same settings).
const PG_PORT = process.env.RUNWAY_PG_PORT || '5432';
const REDIS_PORT = process.env.RUNWAY_REDIS_PORT || '6379';
const DATABASE_URL = `postgresql://runway:runway@127.0.0.1:${PG_PORT}/${DATABASE}`;
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;
const APP_ENV = `DATABASE_URL=${DATABASE_URL}\nREDIS_URL=${REDIS_URL}`;

interface DemoStepRecord {
  release: string;
  action: string;
  result: string;
  seconds: string;
  detail: string;
}

const records: DemoStepRecord[] = [];
const summaries: string[] = [];

function ensureDatabase(): void {
  const psql = (sql: string) =>
    execFileSync('psql', [`postgresql://runway:runway@127.0.0.1:${PG_PORT}/runway`, '-tAc', sql], { encoding: 'utf8' });
  if (psql(`SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'`).trim() !== '1') psql(`CREATE DATABASE ${DATABASE}`);
}

/** `[{revision, percent}...]` as `rev 90 %, rev 10 %`, leaving out tag-only entries. */
function describeTraffic(json: string | undefined): string {
  if (!json) return '';
  const entries = JSON.parse(json) as { revision?: string; type: string; percent: number }[];
  return entries
    .filter((e) => e.percent > 0)
    .map((e) => `${e.revision ?? e.type} ${e.percent} %`)
    .join(', ');
}

/** The step's log as a person wants it in a terminal: workflow commands hidden, groups folded. */
function printLog(stdout: string): void {
  let folded = -1;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('::group::')) {
      folded = 0;
      process.stdout.write(`  ${line.slice('::group::'.length)}`);
    } else if (line.startsWith('::endgroup::')) {
      process.stdout.write(` (${folded} lines folded)\n`);
      folded = -1;
    } else if (folded >= 0) folded++;
    else if (!line.startsWith('::') && line.trim() !== '') process.stdout.write(`  ${line}\n`);
  }
}

async function step(
  release: string,
  action: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
  detail: (run: ActionRun) => string,
  expectFailure = false,
): Promise<ActionRun> {
  process.stdout.write(`\n▶ ${release}: ${action}\n`);
  const run = await runBundle(`dist/${action}/index.js`, { inputs, env, timeoutMs: 600_000 });
  printLog(run.stdout);
  for (const e of run.errors) process.stdout.write(`  ✖ ${e}\n`);
  for (const w of run.warnings) process.stdout.write(`  ⚠ ${w}\n`);
  const ok = run.code === 0;
  records.push({ release, action, result: ok ? 'ok' : 'failed', seconds: (run.ms / 1000).toFixed(1), detail: detail(run) });
  summaries.push(`# ${release}: ${action}\n\n${run.summary}`);
  if (ok === expectFailure) {
    throw new Error(
      `${action} (${release}) ${ok ? 'passed but was expected to fail' : `failed: ${run.errors.join('; ') || run.stderr.slice(-2000)}`}`,
    );
  }
  return run;
}

interface CompositeStep {
  id: string;
  name: string;
  outcome: string;
  outputs: Record<string, string>;
  log: string;
  summary: string;
  ms: number;
}

/** What each composite step is worth a line for in the table. */
/** A per-region output (a JSON object keyed by region with several regions) as `region: text; …`. */
function eachRegion(value: string | undefined, show: (v: string) => string): string {
  if (!value?.startsWith('{')) return show(value ?? '');
  return Object.entries(JSON.parse(value) as Record<string, unknown>)
    .map(([region, v]) => `${region}: ${show(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('; ');
}

const DETAIL: Record<string, (o: Record<string, string>) => string> = {
  build: (o) => (o['image-ref'] ?? '').replace(/(@sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…'),
  deploy: (o) => eachRegion(o['tag-url'], (url) => url) + ` (${eachRegion(o.revision, (r) => r)})`,
  gate: (o) => `verdict ${o.verdict}`,
  promote: (o) => eachRegion(o.traffic, describeTraffic),
  restore: (o) => `restored: ${eachRegion(o.traffic, describeTraffic)}`,
};

/** One run of actions/release, step by step as the runner runs it; `ok` says whether it should pass. */
async function release(name: string, inputs: Record<string, string>, env: Record<string, string>, ok: boolean): Promise<void> {
  process.stdout.write(`\n▶ ${name}: actions/release\n`);
  const request = {
    inputs: { ...inputs, environment: '' },
    cwd: repoRoot,
    env: { ...env, PATH: `${join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH}`, HOME: process.env.HOME ?? '' },
  };
  // Asynchronously: the emulator answers from this process.
  const child = promisify(execFile)(
    node24,
    [join(repoRoot, 'scripts', 'composite-runner.mjs'), join(repoRoot, 'actions', 'release', 'action.yml')],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  child.child.stdin?.end(JSON.stringify(request));
  const run = await child.catch((e: Error & { stderr?: string }) => {
    throw new Error(`the composite runner failed: ${(e.stderr ?? e.message).slice(-2000)}`);
  });
  const { steps } = JSON.parse(run.stdout) as { steps: CompositeStep[] };
  for (const s of steps.filter((st) => st.outcome !== 'skipped' && st.id !== '__0')) {
    process.stdout.write(`  · ${s.name}\n`);
    printLog(s.log);
    const detail = DETAIL[s.id]?.(s.outputs) ?? '';
    records.push({
      release: name,
      action: s.id,
      result: s.outcome === 'success' ? 'ok' : 'failed',
      seconds: (s.ms / 1000).toFixed(1),
      detail,
    });
    summaries.push(`# ${name}: ${s.name}\n\n${s.summary}`);
  }
  const failed = steps.find((s) => s.outcome === 'failure');
  if (ok && failed) throw new Error(`${name}: ${failed.name} failed:\n${failed.log.slice(-2000)}`);
  if (!ok && !failed) throw new Error(`${name} passed but was expected to fail`);
  if (!ok && steps.find((s) => s.id === 'promote')?.outcome !== 'skipped') throw new Error(`${name} reached promote`);
}

/** The registry tag promote sets: which digest is live. */
async function liveTag(emulatorEnv: Record<string, string>): Promise<string> {
  const clients = createClients(emulatorEnv);
  try {
    const [tag] = await clients.artifactRegistry.getTag({
      name: `projects/${PROJECT}/locations/${REGION}/repositories/apps/packages/web/tags/live-${SERVICE}`,
    });
    return `live-${SERVICE} → ${(tag.version ?? '').split('/').pop()?.slice(0, 19)}…`;
  } finally {
    await clients.close();
  }
}

/**
 * Release 2's image (pushed under GITHUB_SHA) plus a Prisma-generated rename of items.name, as
 * `IMAGE:rename-demo` in the emulator's registry.
 */
function renameImage(sha: string): string {
  const local = `127.0.0.1:5000/${IMAGE}`;
  const migration = '20261202000000_rename_items_name';
  const context = join(repoRoot, 'test', 'fixtures', 'example-migrations');
  writeFileSync(
    join(repoRoot, '.runway', 'rename.Dockerfile'),
    `FROM ${local}:${sha}\nCOPY ${migration} /app/packages/db/prisma/migrations/${migration}\n`,
  );
  execFileSync('docker', [
    'build',
    '--network',
    'host',
    '-q',
    '-f',
    join(repoRoot, '.runway', 'rename.Dockerfile'),
    '-t',
    `${local}:rename-demo`,
    context,
  ]);
  execFileSync('docker', ['push', '-q', `${local}:rename-demo`], { stdio: 'ignore' });
  return `${IMAGE}:rename-demo`;
}

/** One release of the demo: the app's name baked in at build, its env vars, and whether it should pass. */
interface DemoRelease {
  readonly name: string;
  readonly appName: string;
  readonly tag: string;
  readonly steps: string;
  readonly env: string;
  readonly ok: boolean;
}

const RELEASES: readonly DemoRelease[] = [
  { name: 'release 1', appName: 'Runway demo (release 1)', tag: 'rel-1', steps: '100', env: APP_ENV, ok: true },
  { name: 'release 2', appName: 'Runway demo (release 2)', tag: 'rel-2', steps: '10,50,100', env: APP_ENV, ok: true },
  // Release 3's configuration is broken: the gate refuses it and traffic stays on release 2.
  {
    name: 'release 3',
    appName: 'Runway demo (release 2)', // the same image as release 2: only the configuration is broken
    tag: 'rel-3',
    steps: '100',
    env: APP_ENV.replace(`:${PG_PORT}/`, ':1/'), // nothing listens on port 1
    ok: false,
  },
];

/** The release composite's inputs for one release of the example app. */
const releaseInputs = (r: DemoRelease, region = REGION): Record<string, string> => ({
  service: SERVICE,
  region,
  'project-id': PROJECT,
  image: IMAGE,
  context: 'examples/monorepo',
  dockerfile: 'examples/monorepo/Dockerfile',
  workspace: 'examples/monorepo/apps/web',
  'build-args': `NEXT_PUBLIC_APP_NAME=${r.appName}`,
  // This machine has no bridge network; users keep Docker's default.
  network: 'host',
  tag: r.tag,
  'env-vars': r.env,
  // Release 3 skips it: its migration would fail first, before the gate can show the failure.
  'migration-command': r.ok ? 'node packages/db/scripts/migrate.mjs' : '',
  paths: '/healthz',
  assert: '$.database == "connected"\n$.redis == "connected"',
  steps: r.steps,
  bake: '5s',
});

async function main(): Promise<void> {
  ensureDatabase();
  const emulator = await startEmulator({ port: 0 });
  console.log(`Cloud Run emulator on ${emulator.endpoint} (admin ${emulator.adminUrl})`);
  const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const env = { ...emulator.env, GCLOUD_PROJECT: 'runway-demo', GITHUB_ACTOR: 'demo', GITHUB_REPOSITORY: 'local/runway-demo' };
  const target = { service: SERVICE, region: REGION };
  const started = Date.now();

  try {
    // `gcloud artifacts repositories create apps`: the emulator has a repository once it holds an image.
    execFileSync('docker', ['tag', 'node:24-bookworm-slim', `127.0.0.1:5000/${IMAGE}-base:v1`]);
    execFileSync('docker', ['push', '-q', `127.0.0.1:5000/${IMAGE}-base:v1`], { stdio: 'ignore' });
    const releaseEnv = { ...env, GITHUB_SHA: sha, GITHUB_WORKSPACE: repoRoot };
    for (const r of RELEASES) await release(r.name, releaseInputs(r), releaseEnv, r.ok);
    const live = await liveTag(emulator.env);
    records.push({ release: 'release 2', action: 'Artifact Registry', result: 'ok', seconds: '', detail: live });

    await step(
      'on call',
      'rollback',
      { ...target, 'project-id': PROJECT },
      env,
      (run) => `${run.outputs.revision} takes 100 % in ${run.outputs.seconds} s`,
    );

    // The same image (release 2's build, from the layer cache) released to two regions as one.
    const twoRegions = { ...RELEASES[1], name: 'release 4 (two regions)', tag: 'rel-4', steps: '50,100' };
    await release(twoRegions.name, releaseInputs(twoRegions, `${REGION}, europe-west1`), releaseEnv, true);

    // A renamed field, as `prisma migrate dev` writes it: refused before the migration job runs.
    mkdirSync(join(repoRoot, '.runway'), { recursive: true });
    await step(
      'release 5 (a Prisma rename)',
      'deploy-cloudrun',
      {
        ...target,
        'project-id': PROJECT,
        image: renameImage(sha),
        tag: 'rel-5',
        'env-vars': APP_ENV,
        'migration-command': '["node","packages/db/scripts/migrate.mjs"]',
      },
      { ...env, GITHUB_SHA: sha },
      (run) => run.errors.find((e) => e.includes('[prisma-rename]'))?.split('\n')[0] ?? '',
      true,
    );
  } finally {
    await emulator.stop();
    const dir = join(repoRoot, '.runway');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'demo-summary.md'), summaries.join('\n\n'));
    console.log('\nDemo pipeline');
    console.table(records);
    console.log(`Total ${((Date.now() - started) / 1000).toFixed(0)} s. Job summaries of every step: .runway/demo-summary.md`);
  }
}

main().catch((e: Error) => {
  console.error(`\ndemo failed: ${e.message}`);
  process.exit(1);
});
