/**
 * The promote bundle against the emulator with real containers: steps behind health gates, the
 * exact restore on failure, and the post step that restores a promotion killed between steps.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runBundle, type ActionRun, type BundleOptions } from '../helpers/run-action';
import { decodeHistory, HISTORY_ANNOTATION, LAST_GOOD_ANNOTATION } from '../../src/traffic/history';
import { readService } from '../../src/cloudrun/service-state';
import { RecordingReporter } from '../../src/report';
import { memoryState } from '../../src/runtime/local';
import { promoteRevision, type PromoteOptions } from '../../src/traffic/promote';
import { rollBackService } from '../../src/traffic/rollback';
import { toTargets, type TrafficEntry } from '../../src/cloudrun/traffic-entry';
import { formatSnapshot, parseSnapshot } from '../../src/traffic/snapshot';
import { updateService } from '../../src/cloudrun/services';
import { PROMOTION_ANNOTATION, promotionOf, withPromotion } from '../../src/traffic/override';
import {
  admin,
  deploy,
  FAST_GATE,
  freshStackPerTest,
  invoke,
  promoteBundle,
  promotePost,
  revisionOf,
  revisionsAt,
  setSplit,
  startStack,
} from './rollback.fixtures';

jest.setTimeout(240_000);
const exec = promisify(execFile);

/**
 * The candidate's container stops answering (paused, as a hung instance): its requests time out. A
 * killed one would not do: the emulator starts a new instance on the next request, as Cloud Run would.
 */
const hangContainer = async (revision: string) => {
  const { stdout } = await exec('docker', ['ps', '-q', '--filter', `name=-${revision}$`]);
  expect(stdout.trim()).not.toBe('');
  hung.push(...stdout.trim().split('\n'));
  await exec('docker', ['pause', ...stdout.trim().split('\n')]);
};
const hung: string[] = [];
/** Unpaused once the promotion ended, so the emulator can stop them (one it removed already is gone). */
const unhang = async () => {
  for (const id of hung.splice(0)) await exec('docker', ['unpause', id]).catch(() => undefined);
};
// Registered before the stack's own afterEach, so it runs first: the stack stops with nothing paused.
afterEach(unhang);

const t = freshStackPerTest();

const current = () => readService(t.stack.clients, t.stack.target);

/** A split with several tags (v1 70 % + tag, v2 30 %, tags on both), then v3 deployed beside it without traffic. */
async function splitThenCandidate(): Promise<TrafficEntry[]> {
  await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  const previous: TrafficEntry[] = [
    { type: 'REVISION', revision: revisionOf(t.stack, 'v1'), percent: 70, tag: 'stable' },
    { type: 'REVISION', revision: revisionOf(t.stack, 'v2'), percent: 30 },
    { type: 'REVISION', revision: revisionOf(t.stack, 'v1'), percent: 0, tag: 'one' },
    { type: 'REVISION', revision: revisionOf(t.stack, 'v2'), percent: 0, tag: 'two' },
  ];
  await setSplit(t.stack, previous);
  await deploy(t.stack, t.hello, 'v3', 'three');
  return previous;
}

/**
 * The candidate's share on the service as the emulator holds it, sampled while `run` goes on, and once
 * more after it ended (a restore just before the bundle exits can fall between two samples).
 */
async function watchShares(revision: string, run: Promise<ActionRun>, onShare?: (percent: number) => void): Promise<number[]> {
  const seen: number[] = [];
  let done = false;
  void run.finally(() => (done = true));
  const sample = async () => {
    const s = await readService(t.stack.clients, t.stack.target);
    const share = s.traffic.filter((e) => e.revision === revision).reduce((sum, e) => sum + e.percent, 0);
    if (seen[seen.length - 1] !== share) {
      seen.push(share);
      onShare?.(share);
    }
  };
  while (!done) {
    await sample();
    await new Promise((r) => setTimeout(r, 100));
  }
  await run.catch(() => undefined);
  await sample();
  return seen;
}

const promote = (inputs: Record<string, string>, options: Pick<BundleOptions, 'onStart' | 'onStdout'> = {}) =>
  promoteBundle(t.stack, inputs, options);
const postStep = (revision: string, state: Record<string, string>) => promotePost(t.stack, revision, state);

it('promotes in steps with every gate passing, keeps every tag and records the release', async () => {
  const v1 = await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  const candidate = revisionOf(t.stack, 'v2');

  const run = promote({ revision: candidate, steps: '10,50,100', bake: '1s', 'previous-traffic': formatSnapshot(v1.traffic) });
  const shares = await watchShares(candidate, run);
  const result = await run;

  expect(result.errors).toEqual([]);
  expect(result.code).toBe(0);
  expect(result.outputs.verdict).toBe('pass');
  expect(shares).toEqual([0, 10, 50, 100]);
  const after = await current();
  expect(parseSnapshot(result.outputs.traffic)).toEqual(after.traffic);
  expect(after.traffic).toEqual([
    { type: 'REVISION', revision: candidate, percent: 100, tag: 'two' },
    { type: 'REVISION', revision: revisionOf(t.stack, 'v1'), percent: 0, tag: 'one' },
  ]);
  expect(await revisionsAt(t.stack, after.url!, 4)).toEqual({ [candidate]: 4 });
  expect(after.annotations[LAST_GOOD_ANNOTATION]).toBe(candidate);
  expect(decodeHistory(after.annotations[HISTORY_ANNOTATION])).toEqual([
    {
      action: 'promote',
      revision: candidate,
      digest: t.hello.split('@')[1],
      commit: 'c0ffee'.repeat(6) + 'abcd',
      actor: 'release-bot',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      tags: ['two'],
    },
  ]);
  // The finished promotion leaves no record of its steps behind.
  expect(after.annotations[PROMOTION_ANNOTATION]).toBeUndefined();
  // Annotations change without a new revision.
  expect(after.latestReady).toBe(candidate);
  expect(result.summary).toMatch(/\| 10 % to `svc-[a-f0-9]+-v2` \| pass \|[\s\S]*\| 50 % [\s\S]*\| 100 % /);
  expect(result.summary).toMatch(/gate on svc-[a-f0-9]+-v2 beside svc-[a-f0-9]+-v1: pass/);
  expect(result.summary).toMatch(/Traffic before[\s\S]*Traffic after/);
  expect(result.summary).toMatch(/not in Artifact Registry; tag live-svc-[a-f0-9]+ not set/);
});

it('restores the exact previous traffic (a split with several tags) when the 50 % step fails', async () => {
  const previous = await splitThenCandidate();
  const candidate = revisionOf(t.stack, 'v3');

  // The candidate hangs during its 10 % step's bake, once that step's gates passed (said in the log,
  // however slow the machine): the 50 % step's gates must catch it.
  let out = '';
  let killed = false;
  const run = promote(
    { revision: candidate, steps: '10,50,100', bake: '8s', 'previous-traffic': formatSnapshot(previous) },
    {
      onStdout: (chunk) => {
        out += chunk;
        if (killed || !/^10 %: gates passed; baking/m.test(out)) return;
        killed = true;
        void hangContainer(candidate);
      },
    },
  );
  const shares = await watchShares(candidate, run);
  const result = await run;

  expect(result.code).not.toBe(0);
  expect(result.outputs.verdict).toBe('fail');
  expect(shares).toEqual([0, 10, 50, 0]);
  expect((await current()).traffic).toEqual(previous);
  expect(parseSnapshot(result.outputs.traffic)).toEqual(previous);
  expect(result.errors.join('\n')).toMatch(/Promotion of svc-[a-f0-9]+-v3 failed: step 50 % failed: gate on/);
  expect(result.summary).toMatch(/failed; previous traffic restored/);
  expect(result.summary).toMatch(
    /\| 10 % to `svc-[a-f0-9]+-v3` \| pass \|[\s\S]*\| 50 % to `svc-[a-f0-9]+-v3` \| \*\*fail\*\* \|/,
  );
  const s = await current();
  expect(s.annotations[LAST_GOOD_ANNOTATION]).toBeUndefined();
  // The post step finds nothing left to do.
  const post = await postStep(candidate, result.state);
  expect(post.code).toBe(0);
  expect(post.stdout).toMatch(/nothing to restore/);
});

it('leaves no half-shifted traffic when killed between steps: the post step restores it', async () => {
  const previous = await splitThenCandidate();
  const candidate = revisionOf(t.stack, 'v3');
  let pid = 0;

  const run = promote(
    { revision: candidate, steps: '10,50,100', bake: '60s', 'previous-traffic': formatSnapshot(previous) },
    { onStart: (p) => (pid = p) },
  );
  const shares = await watchShares(candidate, run, (share) => {
    if (share === 10) process.kill(pid, 'SIGKILL');
  });
  const main = await run;
  expect(main.signal).toBe('SIGKILL');
  expect(shares).toEqual([0, 10]);
  expect((await current()).traffic.find((e) => e.revision === candidate && e.percent > 0)?.percent).toBe(10);

  const post = await postStep(candidate, main.state);

  expect(post.errors).toEqual([]);
  expect(post.code).toBe(0);
  expect((await current()).traffic).toEqual(previous);
  expect(post.summary).toMatch(/restored by the post step[\s\S]*Traffic before[\s\S]*10 %[\s\S]*Traffic after/);
});

/** Starts a promotion of v3 in 10 % steps and SIGKILLs it once v3 serves 10 %: only the post step can restore. */
async function killedAtTenPercent(candidate: string, previous: TrafficEntry[]): Promise<ActionRun> {
  let pid = 0;
  const run = promote(
    { revision: candidate, steps: '10,50,100', bake: '60s', 'previous-traffic': formatSnapshot(previous) },
    { onStart: (p) => (pid = p) },
  );
  await watchShares(candidate, run, (share) => {
    if (share === 10) process.kill(pid, 'SIGKILL');
  });
  return run;
}

/** What serves, as revision and percent. */
const servedShares = async () => (await current()).served.filter((e) => e.percent > 0).map((e) => [e.revision, e.percent]);

it('the post step moves the served traffic back after a restore whose rollout failed left the step serving', async () => {
  const previous = await splitThenCandidate();
  const candidate = revisionOf(t.stack, 'v3');
  const main = await killedAtTenPercent(candidate, previous);
  expect(main.signal).toBe('SIGKILL');
  // A restore by Runway that Cloud Run accepted but could not roll out (one of its tags names a
  // revision deleted since): the spec holds the previous split, the 10 % step keeps serving. Like
  // every traffic change of a promotion, it records itself as what the promotion set last.
  const stale = await current();
  const restore: TrafficEntry[] = [
    ...previous,
    { type: 'REVISION', revision: revisionOf(t.stack, 'gone'), percent: 0, tag: 'old' },
  ];
  const record = promotionOf(stale.annotations, candidate)!;
  const op = await updateService(
    t.stack.clients,
    t.stack.target,
    {
      name: stale.service.name,
      etag: stale.service.etag,
      traffic: toTargets(restore),
      annotations: withPromotion(stale.annotations, { ...record, traffic: restore }),
    },
    { updateMask: ['traffic', 'annotations'] },
  );
  await expect(op.done()).rejects.toThrow(/does not exist or is deleted/);
  expect((await current()).traffic.filter((e) => e.percent > 0)).toEqual(previous.filter((e) => e.percent > 0));
  expect((await servedShares()).find(([r]) => r === candidate)).toEqual([candidate, 10]);

  const post = await postStep(candidate, main.state);

  expect(post.errors).toEqual([]);
  expect(post.code).toBe(0);
  expect((await current()).traffic).toEqual(previous);
  expect(await servedShares()).toEqual(previous.filter((e) => e.percent > 0).map((e) => [e.revision, e.percent]));
});

it('a failed step and the post step after a killed promotion both restore exactly the traffic before the deploy', async () => {
  // `previous` is the split the release's deploy found (its previous-traffic output).
  const previous = await splitThenCandidate();
  const candidate = revisionOf(t.stack, 'v3');
  const beforeDeploy = previous.filter((e) => e.percent > 0).map((e) => [e.revision, e.percent]);

  const killed = await killedAtTenPercent(candidate, previous);
  expect((await servedShares()).find(([r]) => r === candidate)).toEqual([candidate, 10]);
  expect((await postStep(candidate, killed.state)).code).toBe(0);
  const byPost = { spec: (await current()).traffic, served: await servedShares() };

  const failed = promote({ revision: candidate, steps: '10,50,100', bake: '8s', 'previous-traffic': formatSnapshot(previous) });
  await watchShares(candidate, failed, (share) => {
    if (share === 10) setTimeout(() => void hangContainer(candidate), 3000);
  });
  const failedRun = await failed;
  expect(failedRun.outputs.verdict).toBe('fail');
  const byStep = { spec: (await current()).traffic, served: await servedShares() };

  expect(byPost).toEqual({ spec: previous, served: beforeDeploy });
  expect(byStep).toEqual(byPost);
});

it('the post step restores the traffic after the emulator restarted (--state-dir) in the middle of a promotion', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runway-promote-restart-'));
  let stack = await startStack({ stateDir: dir });
  try {
    await deploy(stack, t.hello, 'v1', 'one');
    await deploy(stack, t.hello, 'v2', 'two');
    const candidate = revisionOf(stack, 'v2');
    const previous = (await readService(stack.clients, stack.target)).traffic;
    let pid = 0;
    const main = runBundle('dist/promote/index.js', {
      inputs: { ...stack.where, ...FAST_GATE, revision: candidate, steps: '10,50,100', bake: '60s' },
      env: { ...stack.env, GITHUB_SHA: 'c0ffee'.repeat(6) + 'abcd' },
      timeoutMs: 180_000,
      onStart: (p) => (pid = p),
    });
    const share = async () =>
      (await readService(stack.clients, stack.target)).served.find((e) => e.revision === candidate && e.percent > 0)?.percent;
    while ((await share()) !== 10) await new Promise((r) => setTimeout(r, 100));
    // The job is lost (killed mid-step) and the emulator restarts from its state directory on the same port.
    process.kill(pid, 'SIGKILL');
    const killed = await main;
    const port = stack.emulator.port;
    await stack.stop();
    stack = await startStack({ stateDir: dir, port }, stack.target.service);
    expect(await share()).toBe(10);

    const post = await promotePost(stack, candidate, killed.state);

    expect(post.errors).toEqual([]);
    expect(post.code).toBe(0);
    const after = await readService(stack.clients, stack.target);
    expect(after.traffic).toEqual(previous);
    expect(await revisionsAt(stack, after.url!, 4)).toEqual({ [revisionOf(stack, 'v1')]: 4 });
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('restores the traffic itself on SIGTERM (a cancelled job) and leaves nothing for post', async () => {
  const previous = await splitThenCandidate();
  const candidate = revisionOf(t.stack, 'v3');
  let pid = 0;

  const run = promote({ revision: candidate, steps: '10,50,100', bake: '120s' }, { onStart: (p) => (pid = p) });
  // The signal arrives during the 10 % step's bake (its gates take well under 3 s here).
  await watchShares(candidate, run, (share) => {
    if (share === 10) setTimeout(() => process.kill(pid, 'SIGTERM'), 3000);
  });
  const main = await run;

  // The bake's wait ends with the cancellation: the step exits instead of lingering for its 120 s.
  expect(main.ms).toBeLessThan(60_000);
  expect(main.stdout).toMatch(/Probed 16\/16 requests[\s\S]*Received SIGTERM/);

  expect(main.code).not.toBe(0);
  expect(main.outputs.verdict).toBe('fail');
  expect(main.stdout).toMatch(/Received SIGTERM/);
  // Without previous-traffic, the traffic when the promotion started is restored (v3's tag included).
  const after = (await current()).traffic;
  expect(after.filter((e) => e.percent > 0)).toEqual(previous.filter((e) => e.percent > 0));
  expect(after.map((e) => e.tag).filter(Boolean)).toEqual(['stable', 'one', 'two', 'three']);
  expect(main.state.phase).toBe('restored');
});

it('with rollback-on-failure false leaves the failed step in place, fails, and leaves nothing for post', async () => {
  const v1 = await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  const candidate = revisionOf(t.stack, 'v2');

  // The body names the revision that answered: only v1 passes this assertion.
  const result = await promote({
    revision: candidate,
    steps: '10,100',
    bake: '0',
    assert: `$.revision == "${revisionOf(t.stack, 'v1')}"`,
    'rollback-on-failure': 'false',
    'previous-traffic': formatSnapshot(v1.traffic),
  });

  expect(result.code).not.toBe(0);
  expect(result.outputs.verdict).toBe('fail');
  expect(result.errors.join('\n')).toMatch(/step 10 % failed: gate on .*\$\.revision/);
  const after = await current();
  expect(after.traffic.filter((e) => e.percent > 0)).toEqual([
    { type: 'REVISION', revision: candidate, percent: 10, tag: 'two' },
    { type: 'REVISION', revision: revisionOf(t.stack, 'v1'), percent: 90 },
  ]);
  expect(parseSnapshot(result.outputs.traffic)).toEqual(after.traffic);
  expect(result.summary).toMatch(/traffic left at the failed step \(rollback-on-failure: false\)/);
  expect(result.state.phase).toBe('left');
});

it('tags the live image digest in Artifact Registry as live-SERVICE, creating then moving the tag', async () => {
  const digest = t.hello.split('@')[1];
  const arImage = `us-central1-docker.pkg.dev/${t.stack.target.project}/apps/promote-live`;
  // The emulator keeps Artifact Registry images in the local registry under the same path.
  await exec('docker', ['pull', '-q', t.hello]);
  await exec('docker', ['tag', t.hello, `127.0.0.1:5000/${arImage}:base`]);
  await exec('docker', ['push', '-q', `127.0.0.1:5000/${arImage}:base`]);
  await exec('docker', ['rmi', `127.0.0.1:5000/${arImage}:base`]);
  await deploy(t.stack, `${arImage}@${digest}`, 'v1', 'one');
  await deploy(t.stack, `${arImage}@${digest}`, 'v2', 'two');
  const tagName = `projects/${t.stack.target.project}/locations/us-central1/repositories/apps/packages/promote-live/tags/live-${t.stack.target.service}`;

  // The tag is created, then the answer is lost: a re-read finds it, nothing is sent twice.
  await admin(t.stack, 'POST', '/faults', { method: 'CreateTag', code: 'DEADLINE_EXCEEDED', when: 'after' });
  const first = await promote({ revision: revisionOf(t.stack, 'v2'), bake: '0' });
  expect(first.outputs.verdict).toBe('pass');
  expect(first.warnings).toEqual([]);
  expect(first.summary).toContain(`Tagged ${digest} as live-${t.stack.target.service} in Artifact Registry.`);
  const [tag] = await t.stack.clients.artifactRegistry.getTag({ name: tagName });
  expect(tag.version).toMatch(new RegExp(`/versions/${digest}$`));

  // The tag exists now: promoting again moves it (UpdateTag) instead of failing.
  const second = await promote({ revision: revisionOf(t.stack, 'v1'), bake: '0' });
  expect(second.outputs.verdict).toBe('pass');
  expect(second.warnings).toEqual([]);
  expect(second.summary).toContain(`Tagged ${digest} as live-${t.stack.target.service}`);
});

it('retries transient API errors while shifting traffic', async () => {
  const v1 = await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  await admin(t.stack, 'POST', '/faults', { method: 'UpdateService', code: 'UNAVAILABLE', times: 2 });
  await admin(t.stack, 'POST', '/faults', { method: 'GetService', code: 'UNAVAILABLE', times: 2 });

  const result = await promote({
    revision: revisionOf(t.stack, 'v2'),
    steps: '50,100',
    bake: '0',
    'previous-traffic': formatSnapshot(v1.traffic),
  });

  expect(result.errors).toEqual([]);
  expect(result.outputs.verdict).toBe('pass');
  expect(((await admin(t.stack, 'GET', '/faults')) as { faults: unknown[] }).faults).toEqual([]);
});

it('refuses a candidate that is not Ready, and bad steps, before changing anything', async () => {
  await deploy(t.stack, t.hello, 'v1', 'one');
  await admin(t.stack, 'POST', '/next-revision-fails', {});
  await deploy(t.stack, t.hello, 'v2', 'two').catch(() => undefined);
  const before = await admin(t.stack, 'GET', '/state');
  const services = (s: unknown) => (s as { services: unknown }).services;

  const notReady = await promote({ revision: revisionOf(t.stack, 'v2'), bake: '0' });
  expect(notReady.code).not.toBe(0);
  expect(notReady.errors.join('\n')).toMatch(/is not Ready/);

  const badSteps = await promote({ revision: revisionOf(t.stack, 'v2'), steps: '50,10' });
  expect(badSteps.errors.join('\n')).toMatch(/Input "steps": must increase/);

  expect(services(await admin(t.stack, 'GET', '/state'))).toEqual(services(before));
});

/** Promotes in process (no gate, no bake), recording every UpdateService request it sends. */
async function promoteInProcess(candidate: string, extra: Partial<PromoteOptions> = {}) {
  const update = jest.spyOn(t.stack.clients.services, 'updateService');
  try {
    const result = await promoteRevision(
      t.stack.clients,
      {
        target: t.stack.target,
        candidate,
        steps: [50, 100],
        bakeSeconds: 0,
        rollbackOnFailure: true,
        state: memoryState(),
        ...extra,
      },
      new RecordingReporter(),
    );
    return { result, requests: update.mock.calls.map(([request]) => request!) };
  } finally {
    update.mockRestore();
  }
}

/** Whether a tag URL still answers. */
const answers = (url: string) =>
  invoke(t.stack, url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );

it('sends traffic-only updates: an update mask of traffic (and annotations), never a template', async () => {
  await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');

  const { result, requests } = await promoteInProcess(revisionOf(t.stack, 'v2'));

  expect(result.verdict).toBe('pass');
  // 50 %, 100 %, then the release record with the tag clean-up.
  expect(requests).toHaveLength(3);
  for (const request of requests) {
    expect(request.service?.template).toBeUndefined();
    expect(request.updateMask?.paths).toEqual(expect.arrayContaining(['traffic']));
    expect(request.updateMask?.paths?.every((p) => p === 'traffic' || p === 'annotations')).toBe(true);
    expect(Object.keys(request.service ?? {}).sort()).toEqual(
      request.updateMask?.paths?.includes('annotations')
        ? ['annotations', 'etag', 'name', 'traffic']
        : ['etag', 'name', 'traffic'],
    );
  }
});

it('after six releases only the last keep-tags releases keep tags that resolve; rollback still finds older ones by name', async () => {
  const urls = new Map<string, string>();
  for (let i = 1; i <= 6; i++) {
    const deployed = await deploy(t.stack, t.hello, `r${i}`, `rel-${i}`);
    urls.set(`rel-${i}`, deployed.tagUrls.get(`rel-${i}`)!);
    expect((await promoteInProcess(revisionOf(t.stack, `r${i}`), { keepTags: 3 })).result.verdict).toBe('pass');
  }

  const after = await current();
  expect(
    after.traffic
      .filter((e) => e.tag)
      .map((e) => e.tag)
      .sort(),
  ).toEqual(['rel-4', 'rel-5', 'rel-6']);
  for (const kept of ['rel-4', 'rel-5', 'rel-6']) expect(await answers(after.tagUrls.get(kept)!)).toBe(true);
  for (const removed of ['rel-1', 'rel-2', 'rel-3']) expect(await answers(urls.get(removed)!)).toBe(false);

  // Rolling back needs no tag: the target is found by revision name in the release history.
  const rolled = await rollBackService(
    t.stack.clients,
    { target: t.stack.target, to: { kind: 'revision', revision: revisionOf(t.stack, 'r2') }, removeTags: [] },
    new RecordingReporter(),
  );
  expect(rolled.revision).toBe(revisionOf(t.stack, 'r2'));
  expect(await revisionsAt(t.stack, (await current()).url!, 3)).toEqual({ [revisionOf(t.stack, 'r2')]: 3 });
});
