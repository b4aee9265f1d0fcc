/**
 * The demo pipeline on the local stack: the example monorepo app goes through every Runway action,
 * each run from its dist/ bundle exactly as the GitHub runner runs it, against the Cloud Run emulator.
 *
 *   release 1  build-image → deploy-cloudrun (migration job, first deploy takes 100 %) → health-gate → promote
 *   release 2  build-image → deploy-cloudrun (no traffic) → health-gate beside stable → promote 10 → 50 → 100 %
 *   release 3  deploy-cloudrun with a broken DATABASE_URL → health-gate fails on its body → never promoted
 *   on call    rollback with only service and region → release 1, in one traffic update
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../emulator/server';
import { repoRoot, runBundle, type ActionRun } from '../src/runtime/step-runner';

const SERVICE = 'demo-web';
const REGION = 'us-central1';
const IMAGE = '127.0.0.1:5000/runway-demo/web';
const DATABASE = 'runway_demo';
const DATABASE_URL = `postgresql://runway:runway@127.0.0.1:5432/${DATABASE}`;
const REDIS_URL = 'redis://127.0.0.1:6379';
const APP_ENV = `DATABASE_URL=${DATABASE_URL}\nREDIS_URL=${REDIS_URL}`;

interface StepRecord {
  release: string;
  action: string;
  result: string;
  seconds: string;
  detail: string;
}

const records: StepRecord[] = [];
const summaries: string[] = [];

function ensureDatabase(): void {
  const exists = execFileSync(
    'psql',
    ['-h', '127.0.0.1', '-U', 'runway', '-d', 'runway', '-tAc', `SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'`],
    {
      env: { ...process.env, PGPASSWORD: 'runway' },
      encoding: 'utf8',
    },
  );
  if (exists.trim() !== '1') {
    execFileSync('psql', ['-h', '127.0.0.1', '-U', 'runway', '-d', 'runway', '-c', `CREATE DATABASE ${DATABASE}`], {
      env: { ...process.env, PGPASSWORD: 'runway' },
      stdio: 'ignore',
    });
  }
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

async function main(): Promise<void> {
  ensureDatabase();
  const emulator = await startEmulator({ port: 0 });
  console.log(`Cloud Run emulator on ${emulator.endpoint} (admin ${emulator.adminUrl})`);
  const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const env = { ...emulator.env, GCLOUD_PROJECT: 'runway-demo', GITHUB_ACTOR: 'demo', GITHUB_REPOSITORY: 'local/runway-demo' };
  const target = { service: SERVICE, region: REGION };
  const started = Date.now();

  try {
    const releases = [
      { name: 'release 1', appName: 'Runway demo (release 1)', tag: 'rel-1' },
      { name: 'release 2', appName: 'Runway demo (release 2)', tag: 'rel-2' },
    ];
    let image = '';
    for (const [i, r] of releases.entries()) {
      const stepEnv = { ...env, GITHUB_SHA: sha };
      const built = await step(
        r.name,
        'build-image',
        {
          image: IMAGE,
          context: 'examples/monorepo',
          dockerfile: 'examples/monorepo/Dockerfile',
          'build-args': `NEXT_PUBLIC_APP_NAME=${r.appName}`,
          workspace: 'examples/monorepo/apps/web',
          // This machine has no bridge network; users keep Docker's default.
          network: 'host',
        },
        stepEnv,
        (run) => (run.outputs['image-ref'] ?? '').replace(/(@sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…'),
      );
      image = built.outputs['image-ref'];
      const deployed = await step(
        r.name,
        'deploy-cloudrun',
        {
          ...target,
          image,
          'env-vars': APP_ENV,
          tag: r.tag,
          'migration-command': 'node packages/db/scripts/migrate.mjs',
        },
        stepEnv,
        (run) => `${run.outputs.revision} at ${run.outputs['tag-url']}`,
      );
      await step(
        r.name,
        'health-gate',
        {
          url: deployed.outputs['tag-url'],
          paths: '/healthz',
          assert: '$.database == "connected"\n$.redis == "connected"',
          ...(i > 0 ? { 'baseline-url': deployed.outputs.url } : {}),
        },
        stepEnv,
        (run) => `verdict ${run.outputs.verdict}`,
      );
      await step(
        r.name,
        'promote',
        {
          ...target,
          revision: deployed.outputs.revision,
          steps: i === 0 ? '100' : '10,50,100',
          'previous-traffic': deployed.outputs['previous-traffic'],
          paths: '/healthz',
          assert: '$.database == "connected"',
          samples: '30',
          bake: '5',
        },
        stepEnv,
        (run) => describeTraffic(run.outputs.traffic),
      );
    }

    const brokenEnv = { ...env, GITHUB_SHA: sha };
    // Release 3 reuses release 2's image: only its configuration is broken.
    const broken = await step(
      'release 3',
      'deploy-cloudrun',
      { ...target, image, tag: 'rel-3', 'env-vars': APP_ENV.replace(':5432/', ':5433/') },
      brokenEnv,
      (run) => `${run.outputs.revision} (DATABASE_URL points at a closed port)`,
    );
    await step(
      'release 3',
      'health-gate',
      { url: broken.outputs['tag-url'], paths: '/healthz', assert: '$.database == "connected"', 'expected-status': '200-299' },
      brokenEnv,
      (run) => `verdict ${run.outputs.verdict}: never promoted, serving traffic untouched`,
      true,
    );

    await step('on call', 'rollback', target, env, (run) => `${run.outputs.revision} takes 100 % in ${run.outputs.seconds} s`);
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
