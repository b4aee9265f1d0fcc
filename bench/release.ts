/**
 * Whole releases of the example app (examples/monorepo) the way the demo runs them (scripts/demo.ts):
 * every action from its dist/ bundle through the step runner, against the emulator and the local
 * stack (registry, PostgreSQL, Redis).
 *
 *   release.stepped  cached build → deploy (no traffic) → gate beside stable → promote 10 → 50 → 100 %
 *   release.direct   cached build → deploy (no traffic) → gate → promote 100 %
 *   deploy.overhead  the deploy step's wall time minus its revision's container start
 *   load.failed-requests  failed requests at the service URL, at ~50 requests/s, through the
 *                    stepped release's deploy and each promote step
 *
 *   npx tsx bench/run.ts release [--runs N]
 *
 * Bounded: one setup release, then runs × (direct + stepped) releases of one service; the load is
 * 50 requests/s to 127.0.0.1 only for the length of the stepped releases.
 */
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startEmulator } from '../emulator/server';
import { createClients } from '../src/cloudrun/clients';
import { runBundle, type ActionRun } from '../src/runtime/step-runner';
import { median, round, type Group, type Result } from './result';
import { startLoad } from './load';
import { mintIdToken } from '../src/identity/id-token';

const SERVICE = 'bench-web';
const REGION = 'us-central1';
const PROJECT = 'runway-bench';
const IMAGE = '127.0.0.1:5000/runway-bench/web';
const DATABASE = 'runway_bench';
const APP_ENV = `DATABASE_URL=postgresql://runway:runway@127.0.0.1:5432/${DATABASE}\nREDIS_URL=redis://127.0.0.1:6379`;
const GATE = { paths: '/healthz', assert: '$.database == "connected"\n$.redis == "connected"' };

function ensureDatabase(): void {
  const psql = (sql: string) =>
    execFileSync('psql', ['-h', '127.0.0.1', '-U', 'runway', '-d', 'runway', '-tAc', sql], {
      env: { ...process.env, PGPASSWORD: 'runway' },
      encoding: 'utf8',
    });
  if (psql(`SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'`).trim() !== '1') psql(`CREATE DATABASE ${DATABASE}`);
}

/** Where each step is run from, and with what environment. */
interface Steps {
  readonly bundles: string;
  readonly env: Record<string, string>;
}

async function step(action: string, inputs: Record<string, string>, { bundles, env }: Steps): Promise<ActionRun> {
  const run = await runBundle(join(bundles, action, 'index.js'), { inputs, env, timeoutMs: 600_000 });
  if (run.code !== 0) throw new Error(`${action} failed: ${run.errors.join('; ') || run.stderr.slice(-1000)}`);
  return run;
}

/** Milliseconds from the revision's creation to its Ready condition: the container's start as the emulator saw it. */
async function containerStartMs(clients: ReturnType<typeof createClients>, revision: string): Promise<number> {
  const name = `projects/${PROJECT}/locations/${REGION}/services/${SERVICE}/revisions/${revision}`;
  const [r] = await clients.revisions.getRevision({ name });
  const ready = r.conditions?.find((c) => c.type === 'Ready');
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
  if (!ready?.lastTransitionTime || !r.createTime) throw new Error(`${revision} has no createTime or Ready transition time`);
  return ms(ready.lastTransitionTime) - ms(r.createTime);
}

interface Release {
  ms: number;
  deployMs: number;
  revision: string;
  /** Wall time of each step, to show where a release's time goes. */
  steps: Record<string, number>;
}

/** `build-image 6.1 s, deploy-cloudrun 8.0 s, …`: the median of each step over the releases. */
function breakdown(releases: readonly Release[]): string {
  return Object.keys(releases[0].steps)
    .map((name) => `${name} ${round(median(releases.map((r) => r.steps[name])) / 1000, 1)} s`)
    .join(', ');
}

async function releaseOnce(
  env: Steps,
  tag: string,
  steps: string,
  baseline: boolean,
  extra: Record<string, string> = {},
): Promise<Release> {
  const started = Date.now();
  const built = await step(
    'build-image',
    {
      image: IMAGE,
      context: 'examples/monorepo',
      dockerfile: 'examples/monorepo/Dockerfile',
      'build-args': 'NEXT_PUBLIC_APP_NAME=Runway bench',
      workspace: 'examples/monorepo/apps/web',
    },
    env,
  );
  const deployed = await step(
    'deploy-cloudrun',
    { service: SERVICE, region: REGION, image: built.outputs['image-ref'], 'env-vars': APP_ENV, tag, ...extra },
    env,
  );
  const gated = await step(
    'health-gate',
    { url: deployed.outputs['tag-url'], ...GATE, ...(baseline ? { 'baseline-url': deployed.outputs.url } : {}) },
    env,
  );
  const promoted = await step(
    'promote',
    {
      service: SERVICE,
      region: REGION,
      revision: deployed.outputs.revision,
      steps,
      'previous-traffic': deployed.outputs['previous-traffic'],
      ...GATE,
      samples: '30',
      bake: '5',
    },
    env,
  );
  return {
    ms: Date.now() - started,
    deployMs: deployed.ms,
    revision: deployed.outputs.revision,
    steps: { 'build-image': built.ms, 'deploy-cloudrun': deployed.ms, 'health-gate': gated.ms, promote: promoted.ms },
  };
}

const COMMAND = 'npx tsx bench/run.ts release';

export const release: Group = {
  name: 'release',
  async run({ runs, bundles }): Promise<Result[]> {
    ensureDatabase();
    const emulator = await startEmulator({ port: 0 });
    const clients = createClients(emulator.env);
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const env: Steps = {
      bundles,
      env: {
        ...emulator.env,
        GCLOUD_PROJECT: PROJECT,
        GITHUB_ACTOR: 'bench',
        GITHUB_REPOSITORY: 'local/runway-bench',
        GITHUB_SHA: sha,
      },
    };
    try {
      // Setup (not measured): the first release creates the service, runs the migrations, warms the build cache.
      await releaseOnce(env, 'setup', '100', false, { 'migration-command': 'node packages/db/scripts/migrate.mjs' });
      const url = (await clients.services.getService({ name: `projects/${PROJECT}/locations/${REGION}/services/${SERVICE}` }))[0]
        .uri!;
      const direct: Release[] = [];
      const stepped: Release[] = [];
      let failed = 0;
      let sent = 0;
      for (let i = 0; i < runs; i++) {
        direct.push(await releaseOnce(env, `direct-${i}`, '100', false));
        const load = startLoad(url, 50, await mintIdToken(url, emulator.env));
        stepped.push(await releaseOnce(env, `stepped-${i}`, '10,50,100', true));
        const counts = await load.stop();
        failed += counts.failed;
        sent += counts.sent;
      }
      const overheads = await Promise.all(
        [...direct, ...stepped].map(async (r) => r.deployMs - (await containerStartMs(clients, r.revision))),
      );
      const how = `example app, ${runs} run(s) each after a setup release; bundles through the step runner against the emulator`;
      return [
        {
          name: 'release.stepped',
          value: round(median(stepped.map((r) => r.ms)) / 1000, 1),
          unit: 's',
          goal: 60,
          better: 'lower',
          command: COMMAND,
          how: `${how}; gate beside stable; promote 10,50,100 with 30 samples and bake 5s per step (the demo's settings); steps: ${breakdown(stepped)}`,
        },
        {
          name: 'release.direct',
          value: round(median(direct.map((r) => r.ms)) / 1000, 1),
          unit: 's',
          goal: 25,
          better: 'lower',
          command: COMMAND,
          how: `${how}; promote 100; steps: ${breakdown(direct)}`,
        },
        {
          name: 'deploy.overhead',
          value: round(median(overheads)),
          unit: 'ms',
          goal: 1000,
          better: 'lower',
          command: COMMAND,
          how: `deploy-cloudrun step wall time (process start to exit) minus its revision's creation-to-Ready time, median of ${overheads.length} deploys`,
        },
        {
          name: 'load.failed-requests',
          value: failed,
          unit: 'requests',
          goal: 0,
          better: 'lower',
          command: COMMAND,
          how: `${sent} requests at ~50/s to the service URL through each stepped release's deploy, gate and promote 10/50/100`,
        },
      ];
    } finally {
      await clients.close();
      await emulator.stop();
    }
  },
};
