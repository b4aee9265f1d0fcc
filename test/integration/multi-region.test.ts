/**
 * Multi-region releases (issue 14), bundle after bundle as a workflow runs them on the emulator: one
 * image deployed to three regions as tagged no-traffic revisions, gated in each, promoted in steps
 * together, restored together when one region fails, and rolled back by hand in every region.
 */
import { randomBytes } from 'node:crypto';
import { runBundle, type BundleOptions } from '../helpers/run-action';
import { ensureTestImage } from '../helpers/test-images';
import { readService } from '../../src/cloudrun/service-state';
import type { ServiceTarget } from '../../src/cloudrun/target';
import { decodeHistory, HISTORY_ANNOTATION } from '../../src/traffic/history';
import { parseSnapshot } from '../../src/traffic/snapshot';
import { admin, releaseEnv, revisionsAt, startStack, type Stack } from './rollback.fixtures';

jest.setTimeout(300_000);

const REGIONS = ['us-central1', 'europe-west1', 'asia-northeast1'];
const REGION_INPUT = REGIONS.join(', ');
// Fewer samples than the latency comparison needs (5): three regions' gates side by side on a loaded
// machine make a fresh revision look slower than stable by chance. Errors and statuses still count.
const GATE = { paths: '/', samples: '4', interval: '0', 'startup-timeout': '5s' };

let stack: Stack;
let hello: string;
beforeAll(async () => {
  hello = await ensureTestImage('hello');
  stack = await startStack();
});
afterAll(async () => stack?.stop());

const env = (n: number) => releaseEnv(stack, n);
const targets = (service: string): ServiceTarget[] => REGIONS.map((region) => ({ ...stack.target, region, service }));
const newService = () => `multi-${randomBytes(3).toString('hex')}`;
/** A per-region output, parsed: the object keyed by region. */
const map = (json: string): Record<string, string> => JSON.parse(json) as Record<string, string>;
/** Every region's traffic as the spec says and as it serves, keyed by region. */
const trafficOf = async (service: string) =>
  Object.fromEntries(
    await Promise.all(
      targets(service).map(async (t) => {
        const s = await readService(stack.clients, t);
        return [t.region, { traffic: s.traffic, served: s.served }] as const;
      }),
    ),
  );
/** Which revision each region's service URL answers with, three requests each. */
const servingOf = async (service: string) =>
  Object.fromEntries(
    await Promise.all(
      targets(service).map(
        async (t) => [t.region, await revisionsAt(stack, (await readService(stack.clients, t)).url!, 3)] as const,
      ),
    ),
  );

function deploy(service: string, n: number, region = REGION_INPUT) {
  return runBundle('dist/deploy-cloudrun/index.js', {
    inputs: { service, region, image: hello, 'env-vars': `APP_RELEASE=${n}`, 'wait-timeout': '60s' },
    env: env(n),
    timeoutMs: 200_000,
  });
}

function promote(
  service: string,
  n: number,
  outputs: Record<string, string>,
  steps: string,
  bake = '0',
  { region = REGION_INPUT, ...options }: BundleOptions & { region?: string } = {},
) {
  return runBundle('dist/promote/index.js', {
    inputs: {
      service,
      region,
      revision: outputs.revision,
      'previous-traffic': outputs['previous-traffic'],
      steps,
      bake,
      ...GATE,
    },
    env: env(n),
    timeoutMs: 200_000,
    ...options,
  });
}

/** A new service's releases 1 and 2, both deployed (2 takes no traffic); `before`: every region's traffic between them. */
async function twoDeploys() {
  const service = newService();
  const one = await deploy(service, 1);
  expect(one.errors).toEqual([]);
  // The traffic deploy-cloudrun reports as previous-traffic: what a failed promotion puts back.
  const before = await trafficOf(service);
  const two = await deploy(service, 2);
  expect(two.errors).toEqual([]);
  return { service, one, before, two };
}

describe('a three-region release', () => {
  const service = newService();
  let first: Record<string, string>;
  let second: Record<string, string>;

  it('deploys one digest to three regions as tagged no-traffic revisions, gates each, and promotes them in steps', async () => {
    const one = await deploy(service, 1);
    expect(one.errors).toEqual([]);
    first = one.outputs;
    // The first deploy creates the service in every region; it takes the traffic there.
    expect((await promote(service, 1, first, '100')).outputs.verdict).toBe('pass');

    const two = await deploy(service, 2);
    expect(two.errors).toEqual([]);
    second = two.outputs;
    const revisions = map(second.revision);
    expect(Object.keys(revisions)).toEqual(REGIONS);
    // One name for the new revision in every region, one digest.
    expect(new Set(Object.values(revisions)).size).toBe(1);
    expect(second['image-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    const tagUrls = map(second['tag-url']);
    expect(new Set(Object.values(tagUrls)).size).toBe(3);
    for (const region of REGIONS) {
      expect(await revisionsAt(stack, tagUrls[region], 1)).toEqual({ [revisions[region]]: 1 });
      // previous-traffic holds each region's snapshot as a JSON array, as with one region.
      expect(parseSnapshot(JSON.stringify(map(second['previous-traffic'])[region]))).toEqual([
        expect.objectContaining({ type: 'REVISION', revision: map(first.revision)[region], percent: 100 }),
      ]);
    }
    // No traffic moved anywhere.
    expect(await servingOf(service)).toEqual(Object.fromEntries(REGIONS.map((r) => [r, { [map(first.revision)[r]]: 3 }])));
    expect(two.summary).toContain(`Deployed ${service} in europe-west1`);

    const gate = await runBundle('dist/health-gate/index.js', {
      // Every region's candidate on its own (the baseline per region is unit-tested with health-gate's inputs).
      inputs: { url: second['tag-url'], ...GATE, samples: '30' },
      env: env(2),
    });
    expect(gate.errors).toEqual([]);
    expect(gate.outputs.verdict).toBe('pass');
    expect(Object.keys(map(gate.outputs.report))).toEqual(REGIONS);

    const promoted = await promote(service, 2, second, '25,50,100');
    expect(promoted.errors).toEqual([]);
    expect(promoted.outputs.verdict).toBe('pass');
    // Every region went through every step.
    for (const region of REGIONS)
      for (const [i, step] of ['25', '50', '100'].entries())
        expect(promoted.stdout).toContain(`[${region}] Step ${i + 1}/3: ${step} % to ${revisions[region]}: pass`);
    const traffic = map(promoted.outputs.traffic) as unknown as Record<string, unknown>;
    expect(await servingOf(service)).toEqual(Object.fromEntries(REGIONS.map((r) => [r, { [revisions[r]]: 3 }])));
    for (const t of targets(service)) {
      const s = await readService(stack.clients, t);
      expect(traffic[t.region]).toEqual(s.traffic);
      expect(decodeHistory(s.annotations[HISTORY_ANNOTATION]).map((r) => r.revision)).toEqual([
        revisions[t.region],
        map(first.revision)[t.region],
      ]);
    }
  });

  it('rolls every region back by hand, each to its own last good revision, in one run', async () => {
    const rollback = await runBundle('dist/rollback/index.js', {
      inputs: { service, region: REGION_INPUT, reason: 'bad release' },
      env: env(3),
    });
    expect(rollback.errors).toEqual([]);
    expect(map(rollback.outputs.revision)).toEqual(map(first.revision));
    expect(Number(rollback.outputs.seconds)).toBeGreaterThan(0);
    expect(await servingOf(service)).toEqual(Object.fromEntries(REGIONS.map((r) => [r, { [map(first.revision)[r]]: 3 }])));
    for (const t of targets(service)) {
      const [last] = decodeHistory((await readService(stack.clients, t)).annotations[HISTORY_ANNOTATION]);
      expect(last).toMatchObject({ action: 'rollback', revision: map(first.revision)[t.region], reason: 'bad release' });
    }
  });
});

it('restores all three regions exactly when one region fails at the 50 % step', async () => {
  const { service, one, before, two } = await twoDeploys();
  const candidate = map(two.outputs.revision)['europe-west1'];

  // Once europe-west1 serves the 25 % step, its next traffic update (the 50 % step) fails.
  let armed = false;
  const watcher = (async () => {
    const europe = targets(service)[1];
    for (let i = 0; i < 400 && !armed; i++) {
      const s = await readService(stack.clients, europe);
      if (s.served.some((e) => e.revision === candidate && e.percent === 25)) {
        await admin(stack, 'POST', '/faults', {
          method: 'UpdateService',
          code: 'INTERNAL',
          message: 'Internal error in europe-west1',
          location: 'europe-west1',
        });
        armed = true;
      } else await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const promoted = await promote(service, 2, two.outputs, '25,50,100', '4s');
  await watcher;
  expect(armed).toBe(true);
  expect(promoted.errors.join('\n')).toMatch(/The 50 % step failed in europe-west1:[\s\S]*Internal error in europe-west1/);
  expect(promoted.outputs.verdict).toBe('fail');
  // The other regions had reached 50 % before the restore.
  expect(promoted.stdout).toMatch(/\[us-central1\] Restored the traffic of/);
  expect(promoted.stdout).toMatch(/\[asia-northeast1\] Restored the traffic of/);
  expect(await trafficOf(service)).toEqual(before);
  expect(map(promoted.outputs.traffic)).toEqual(Object.fromEntries(REGIONS.map((r) => [r, before[r].traffic])));
  expect(await servingOf(service)).toEqual(Object.fromEntries(REGIONS.map((r) => [r, { [map(one.outputs.revision)[r]]: 3 }])));
});

it('a promotion killed mid-step in three regions: the post step restores every region exactly', async () => {
  const { service, one, before, two } = await twoDeploys();

  // SIGKILL once every region has passed the 25 % step's gate and bakes: only the post step can restore.
  let pid = 0;
  let stdout = '';
  const main = await promote(service, 2, two.outputs, '25,50,100', '60s', {
    onStart: (p) => (pid = p),
    onStdout: (chunk) => {
      stdout += chunk;
      if (REGIONS.every((r) => stdout.includes(`[${r}] 25 %: gates passed; baking`))) process.kill(pid, 'SIGKILL');
    },
  });
  expect(main.signal).toBe('SIGKILL');
  const candidate = map(two.outputs.revision);
  for (const [region, now] of Object.entries(await trafficOf(service)))
    expect(now.served).toContainEqual(expect.objectContaining({ revision: candidate[region], percent: 25 }));

  const post = await runBundle('dist/promote/post/index.js', {
    inputs: { service, region: REGION_INPUT, revision: two.outputs.revision, ...GATE },
    env: env(2),
    state: main.state,
  });
  expect(post.errors).toEqual([]);
  expect(post.code).toBe(0);
  for (const region of REGIONS) expect(post.stdout).toMatch(new RegExp(`\\[${region}\\] Restored the traffic of`));
  expect(await trafficOf(service)).toEqual(before);
  expect(await servingOf(service)).toEqual(Object.fromEntries(REGIONS.map((r) => [r, { [map(one.outputs.revision)[r]]: 3 }])));
});

it('leaves every region as it was when the deploy fails in one region, and says which and why', async () => {
  const service = newService();
  const one = await deploy(service, 1);
  expect(one.errors).toEqual([]);
  const before = await trafficOf(service);
  await admin(stack, 'POST', '/next-revision-fails', {
    message: 'Container failed to start in Asia',
    location: 'asia-northeast1',
  });

  const two = await deploy(service, 2);
  expect(two.code).not.toBe(0);
  expect(two.errors.join('\n')).toMatch(/Deploy failed in asia-northeast1:[\s\S]*Container failed to start in Asia/);
  expect(two.summary).toContain(`Deploy of ${service} failed in asia-northeast1`);
  expect(two.summary).toContain('Container failed to start in Asia');
  // The revisions made in the other regions took no traffic and keep no tag: every region as before.
  expect(await trafficOf(service)).toEqual(before);
  expect(await servingOf(service)).toEqual(Object.fromEntries(REGIONS.map((r) => [r, { [map(one.outputs.revision)[r]]: 3 }])));
});

it.each([
  ['us-central1, europe-west1, us-central1', /"us-central1" is given more than once/],
  ['us-central1, europe-westt1', /"europe-westt1" is not a Cloud Run region/],
])('refuses region %j before any change, naming it', async (region, message) => {
  const service = newService();
  const run = await runBundle('dist/deploy-cloudrun/index.js', {
    inputs: { service, region, image: hello },
    env: env(1),
  });
  expect(run.code).not.toBe(0);
  expect(run.errors.join('\n')).toMatch(message);
  const state = (await admin(stack, 'GET', '/state')) as { services?: unknown[] };
  expect(JSON.stringify(state)).not.toContain(service);
});

it('adds a region: the new one serves at its first deploy and is left alone while the others step', async () => {
  const service = newService();
  const [us, europe] = REGIONS;
  const one = await deploy(service, 1, us);
  expect(one.errors).toEqual([]);

  const two = await deploy(service, 2, `${us}, ${europe}`);
  expect(two.errors).toEqual([]);
  const revisions = map(two.outputs.revision);
  const [usTarget, europeTarget] = targets(service);
  const created = await readService(stack.clients, europeTarget);
  // The service is new in europe-west1: its first revision takes all traffic there at once.
  expect(created.served).toEqual([expect.objectContaining({ revision: revisions[europe], percent: 100 })]);
  expect(await revisionsAt(stack, (await readService(stack.clients, usTarget)).url!, 3)).toEqual({ [one.outputs.revision]: 3 });

  const promoted = await promote(service, 2, two.outputs, '50,100', '0', { region: `${us}, ${europe}` });
  expect(promoted.errors).toEqual([]);
  expect(promoted.outputs.verdict).toBe('pass');
  expect(promoted.stdout).toContain(`[${us}] Step 1/2: 50 % to ${revisions[us]}: pass`);
  // europe-west1 already served the plan at every step: no traffic update was sent there.
  for (const step of ['50', '100']) {
    expect(promoted.stdout).toContain(`[${europe}] ${step} %: already served as planned; no traffic update sent.`);
    expect(promoted.stdout).not.toContain(`[${us}] ${step} %: already served`);
  }
  for (const t of [usTarget, europeTarget])
    expect(await revisionsAt(stack, (await readService(stack.clients, t)).url!, 3)).toEqual({ [revisions[t.region]]: 3 });
});

it("the release's restore after a release that added a region: the old region as before, the new one left as it is", async () => {
  const service = newService();
  const [us, europe] = REGIONS;
  const [usTarget, europeTarget] = targets(service);
  const one = await deploy(service, 1, us);
  expect(one.errors).toEqual([]);
  const usBefore = await readService(stack.clients, usTarget);
  const two = await deploy(service, 2, `${us}, ${europe}`);
  expect(two.errors).toEqual([]);
  expect(map(two.outputs['previous-traffic'])[europe]).toEqual([]);

  // What the composite release's restore step runs when the promotion did not finish.
  const restore = await runBundle('dist/rollback/index.js', {
    inputs: {
      service,
      region: `${us}, ${europe}`,
      to: two.outputs['previous-traffic'],
      reason: `release of ${two.outputs.revision} did not finish`,
    },
    env: env(2),
  });
  expect(restore.errors).toEqual([]);
  expect((await readService(stack.clients, usTarget)).traffic).toEqual(usBefore.traffic);
  expect(await revisionsAt(stack, (await readService(stack.clients, usTarget)).url!, 3)).toEqual({ [one.outputs.revision]: 3 });
  // The service is new in europe-west1: no traffic before, so nothing to put back; it still serves.
  const revisions = map(two.outputs.revision);
  expect(await revisionsAt(stack, (await readService(stack.clients, europeTarget)).url!, 3)).toEqual({ [revisions[europe]]: 3 });
});
