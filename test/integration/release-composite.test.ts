/**
 * The composite release action (actions/release/action.yml) run step by step as the runner runs it
 * (scripts/composite-runner.mjs: inputs, `if:`, `env:` and step outputs evaluated with
 * @actions/expressions), against the emulator, the local registry and a GitHub API stand-in:
 * a good release, a release whose health gate fails, a hostile service name, and a job cancelled
 * mid-promotion with the runner's signals.
 */
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { startGitHubApi, type GitHubApiStandIn } from '../helpers/github-api';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator-fixture';
import { freshBundle, node24, repoRoot } from '../helpers/run-action';

jest.setTimeout(600_000);

const PROJECT = `runway-rel-${randomBytes(3).toString('hex')}`;
const SERVICE = `web-${randomBytes(2).toString('hex')}`;
const IMAGE = `us-central1-docker.pkg.dev/${PROJECT}/apps/web`;
const APP = join(repoRoot, 'test', 'fixtures', 'release-app');

interface CompositeRun {
  steps: { id: string; outcome: string; outputs: Record<string, string>; log: string }[];
  outputs: Record<string, string>;
  signals: { signal: string; ms: number }[];
}

let emu: TestEmulator;
let github: GitHubApiStandIn;
let work: string;
let actionYml: string;

/**
 * The composite as the runner lays it out (actions/release next to dist/), with dist/ being this
 * run's fresh bundles of src/ (test/global-setup.ts), not the committed ones.
 */
function layout(): string {
  const root = mkdtempSync(join(tmpdir(), 'runway-composite-layout-'));
  mkdirSync(join(root, 'actions', 'release'), { recursive: true });
  copyFileSync(join(repoRoot, 'actions', 'release', 'action.yml'), join(root, 'actions', 'release', 'action.yml'));
  symlinkSync(dirname(freshBundle('dist/release')), join(root, 'dist'));
  return join(root, 'actions', 'release', 'action.yml');
}

/** Runs the composite; `during` gets the runner's process while it runs (to cancel the job). */
async function runComposite(
  inputs: Record<string, string>,
  sha: string,
  during?: (runner: ChildProcess) => Promise<void>,
): Promise<CompositeRun> {
  const request = {
    inputs,
    cwd: work,
    env: {
      PATH: `${join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH}`,
      HOME: process.env.HOME,
      ...emu.emulator.env,
      GITHUB_WORKSPACE: APP,
      GITHUB_SHA: sha,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '77',
      GITHUB_API_URL: github.url,
    },
  };
  const child = promisify(execFile)(node24, [join(repoRoot, 'scripts', 'composite-runner.mjs'), actionYml], {
    maxBuffer: 256 * 1024 * 1024,
    env: { PATH: process.env.PATH },
  });
  child.child.stdin!.end(JSON.stringify(request));
  await during?.(child.child);
  const { stdout } = await child;
  return JSON.parse(stdout) as CompositeRun;
}

const outcomes = (run: CompositeRun) => Object.fromEntries(run.steps.map((s) => [s.id, s.outcome]));
const log = (run: CompositeRun, id: string) => run.steps.find((s) => s.id === id)?.log ?? '';

async function served(): Promise<{ revision: string; percent: number }[]> {
  const [service] = await emu.clients.services.getService({
    name: `projects/${PROJECT}/locations/us-central1/services/${SERVICE}`,
  });
  return (service.trafficStatuses ?? [])
    .filter((t) => (t.percent ?? 0) > 0)
    .map((t) => ({ revision: t.revision ?? '', percent: t.percent ?? 0 }));
}

const release = (mode: string) => ({
  service: SERVICE,
  'project-id': PROJECT,
  image: IMAGE,
  // This machine has no bridge network.
  network: 'host',
  'env-vars': `APP_MODE=${mode}`,
  paths: '/healthz',
  assert: '$.database == "connected"',
  bake: '1s',
  environment: 'production',
});

beforeAll(async () => {
  emu = await startTestEmulator();
  github = await startGitHubApi();
  work = mkdtempSync(join(tmpdir(), 'runway-release-'));
  actionYml = layout();
  // The repository must exist (build-image checks); the emulator has one once it holds an image.
  execFileSync('docker', ['tag', 'node:24-bookworm-slim', `127.0.0.1:5000/${IMAGE}-seed:v1`]);
  execFileSync('docker', ['push', '-q', `127.0.0.1:5000/${IMAGE}-seed:v1`]);
});

afterAll(async () => {
  await emu?.close();
  await github?.close();
  rmSync(work, { recursive: true, force: true });
});

let first: CompositeRun;

it('a good release: built, deployed, gated, promoted, live-tagged and recorded as a GitHub deployment', async () => {
  first = await runComposite(release('ok'), 'a1'.repeat(20));
  expect(outcomes(first)).toEqual({
    __0: 'success',
    check: 'success',
    build: 'success',
    deployment: 'success',
    deploy: 'success',
    gate: 'success',
    promote: 'success',
    restore: 'skipped',
    finish: 'success',
  });
  const { outputs } = first;
  expect(outputs['image-ref']).toMatch(new RegExp(`^${IMAGE}@sha256:[0-9a-f]{64}$`));
  expect(outputs.verdict).toBe('pass');
  expect(outputs['tag-url']).toMatch(/^http/);
  expect(await served()).toEqual([{ revision: outputs.revision, percent: 100 }]);

  // promote set live-SERVICE on the image in (emulated) Artifact Registry.
  const [tag] = await emu.clients.artifactRegistry.getTag({
    name: `projects/${PROJECT}/locations/us-central1/repositories/apps/packages/web/tags/live-${SERVICE}`,
  });
  expect(tag.version).toMatch(new RegExp(`${outputs['image-ref'].split('@')[1]}$`));

  const deployment = github.deployments.find(
    (d) => d.id === Number(first.steps.find((s) => s.id === 'deployment')!.outputs['deployment-id']),
  )!;
  expect(deployment.payload).toEqual({ image: outputs['image-ref'], service: SERVICE });
  expect(deployment.statuses.map((s) => s.state)).toEqual(['success', 'in_progress']);
  expect(deployment.statuses[0].environment_url).toBe(outputs.url);
  expect(github.violations).toEqual([]);
});

it('a release whose gate fails is never promoted: traffic untouched, deployment marked failed', async () => {
  const before = await served();
  const run = await runComposite(release('broken'), 'b2'.repeat(20));
  expect(outcomes(run)).toMatchObject({
    build: 'success',
    deploy: 'success',
    gate: 'failure',
    promote: 'skipped',
    restore: 'skipped',
    finish: 'success',
  });
  expect(run.outputs.verdict).toBe('fail');
  expect(run.outputs.revision).not.toBe(first.outputs.revision);
  expect(await served()).toEqual(before);
  const id = Number(run.steps.find((s) => s.id === 'deployment')!.outputs['deployment-id']);
  const statuses = github.deployments.find((d) => d.id === id)!.statuses;
  expect(statuses[0]).toMatchObject({ state: 'failure', description: 'health gate failed; traffic untouched' });
  expect(github.violations).toEqual([]);
});

it('a service name with shell syntax reaches no shell: validation fails first, nothing runs', async () => {
  const hostile = 'web"; touch pwned; "';
  const run = await runComposite({ ...release('ok'), service: hostile, environment: '' }, 'c3'.repeat(20));
  expect(outcomes(run)).toMatchObject({
    check: 'failure',
    build: 'skipped',
    deploy: 'skipped',
    promote: 'skipped',
    restore: 'skipped',
    finish: 'skipped',
  });
  expect(log(run, 'check')).toContain(
    '::error title=Invalid input%3A service::Input "service": "web\\"; touch pwned; \\"" is not valid',
  );
  expect(existsSync(join(work, 'pwned'))).toBe(false);
  expect(existsSync(join(APP, 'pwned'))).toBe(false);
  expect(readdirSync(work).filter((f) => f.includes('pwned'))).toEqual([]);
});

it('a two-region release: one image deployed, gated and promoted in both regions, recorded once', async () => {
  const run = await runComposite({ ...release('ok'), region: 'us-central1, europe-west1', steps: '50,100' }, 'd4'.repeat(20));
  expect(outcomes(run)).toMatchObject({
    check: 'success',
    build: 'success',
    deploy: 'success',
    gate: 'success',
    promote: 'success',
    restore: 'skipped',
    finish: 'success',
  });
  const revisions = JSON.parse(run.outputs.revision) as Record<string, string>;
  expect(Object.keys(revisions)).toEqual(['us-central1', 'europe-west1']);
  expect(Object.keys(JSON.parse(run.outputs['tag-url']) as object)).toEqual(['us-central1', 'europe-west1']);
  expect(run.outputs.verdict).toBe('pass');
  expect(await served()).toEqual([{ revision: revisions['us-central1'], percent: 100 }]);
  const [europe] = await emu.clients.services.getService({
    name: `projects/${PROJECT}/locations/europe-west1/services/${SERVICE}`,
  });
  expect(europe.trafficStatuses?.filter((t) => (t.percent ?? 0) > 0).map((t) => [t.revision, t.percent])).toEqual([
    [revisions['europe-west1'], 100],
  ]);
  expect(log(run, 'gate')).toMatch(/\[europe-west1\]/);
  // One GitHub deployment for the release; no single URL to show for two regions.
  const id = Number(run.steps.find((s) => s.id === 'deployment')!.outputs['deployment-id']);
  const [finished] = github.deployments.find((d) => d.id === id)!.statuses;
  expect(finished.state).toBe('success');
  expect(finished.environment_url ?? '').toBe('');
  expect(github.violations).toEqual([]);
});

it('a job cancelled mid-promotion: promote (exec) gets SIGINT itself and restores the previous traffic, exactly once', async () => {
  const before = await served();
  const name = `projects/${PROJECT}/locations/us-central1/services/${SERVICE}`;
  const [{ generation: generationBefore }] = await emu.clients.services.getService({ name });
  const run = await runComposite({ ...release('ok'), steps: '10,100', bake: '120s' }, 'e5'.repeat(20), async (runner) => {
    // Cancel once the first step serves (the candidate at 10 %), as a person pressing "Cancel workflow".
    const deadline = Date.now() + 300_000;
    while (!(await served()).some((t) => t.percent === 10)) {
      if (Date.now() > deadline) throw new Error('the first promotion step never served');
      await new Promise((r) => setTimeout(r, 200));
    }
    runner.kill('SIGINT');
  });
  expect(outcomes(run)).toMatchObject({
    deploy: 'success',
    gate: 'success',
    promote: 'cancelled',
    restore: 'skipped',
    finish: 'success',
  });
  // The step's entry process was node itself: SIGINT reached promote's handler, which exited before
  // the runner's SIGTERM (7.5 s later) was due.
  expect(run.signals.map((s) => s.signal)).toEqual(['SIGINT']);
  expect(log(run, 'promote')).toContain('Received SIGINT: stopping the promotion and restoring the previous traffic');
  expect(run.steps.find((s) => s.id === 'promote')!.outputs.verdict).toBe('fail');
  expect(await served()).toEqual(before);
  // Three changes: the deploy's tagged revision, the 10 % step, one restore (none by the restore step).
  const [{ generation }] = await emu.clients.services.getService({ name });
  expect(Number(generation) - Number(generationBefore)).toBe(3);
  const id = Number(run.steps.find((s) => s.id === 'deployment')!.outputs['deployment-id']);
  expect(github.deployments.find((d) => d.id === id)!.statuses[0]).toMatchObject({
    state: 'failure',
    description: 'cancelled during promotion; previous traffic restored',
  });
});
