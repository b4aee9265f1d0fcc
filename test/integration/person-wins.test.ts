/**
 * A person on call wins (issue 19), against the emulator with real containers: a traffic change made
 * during a promotion by someone else (through the real @google-cloud/run client, as gcloud or the
 * console would) stops the promotion and is never overwritten, by the next step, by promote's own
 * restore, by its post step or by a restore through rollback; rollback's only-if-serving; and tags
 * Runway did not make survive promote's pruning.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runBundle, type ActionRun, type BundleOptions } from '../helpers/run-action';
import { readService, type ServiceTraffic } from '../../src/cloudrun/service-state';
import { getService } from '../../src/cloudrun/services';
import { RecordingReporter } from '../../src/report';
import { memoryState } from '../../src/runtime/local';
import { decodeHistory, HISTORY_ANNOTATION } from '../../src/traffic/history';
import { PROMOTION_ANNOTATION, promotionOf } from '../../src/traffic/override';
import { promoteRevision } from '../../src/traffic/promote';
import { toTargets, type TrafficEntry } from '../../src/cloudrun/traffic-entry';
import { formatSnapshot } from '../../src/traffic/snapshot';
import {
  deploy,
  freshStackPerTest,
  promoteBundle,
  promotePost,
  revisionOf,
  revisionsAt,
  setSplit,
  type Stack,
} from './rollback.fixtures';

jest.setTimeout(240_000);

const t = freshStackPerTest();
const current = (stack: Stack = t.stack) => readService(stack.clients, stack.target);

const promote = (inputs: Record<string, string>, options: Pick<BundleOptions, 'onStart' | 'onStdout'> = {}) =>
  promoteBundle(t.stack, inputs, options);

const rollback = (inputs: Record<string, string>, stack: Stack = t.stack) =>
  runBundle('dist/rollback/index.js', {
    inputs: { ...stack.where, ...inputs },
    env: { ...stack.env, GITHUB_ACTOR: 'on-call' },
  });

const postStep = (revision: string, state: Record<string, string>) => promotePost(t.stack, revision, state);

/**
 * A person's traffic change as gcloud makes it: the whole service read, its traffic replaced, the
 * rest (annotations included) sent back as it was, through the real client, not Runway's code.
 */
async function personSets(traffic: TrafficEntry[], stack: Stack = t.stack): Promise<ServiceTraffic> {
  const service = await getService(stack.clients, stack.target);
  const [operation] = await stack.clients.services.updateService({ service: { ...service, traffic: toTargets(traffic) } });
  await operation.promise();
  return current(stack);
}

/** v1 serves with tag one, v2 (the candidate) is deployed beside it with tag two and no traffic. */
async function candidateBesideStable() {
  const v1 = await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  return { previous: v1.traffic, stable: revisionOf(t.stack, 'v1'), candidate: revisionOf(t.stack, 'v2') };
}

/**
 * Each step bakes this long, counted from the step's start: slow gates on a loaded machine still
 * leave far more of the 10 % bake than a person's change (or a kill) needs to land in it.
 */
const BAKE = '30s';
/** Generous: the promotion deploys nothing; a wait this long means the 10 % bake never came. */
const BAKE_DEADLINE_MS = 120_000;

/**
 * Resolves once the 10 % step is in its bake in each of `stacks`' regions: the service serves the
 * candidate at 10 % (traffic_statuses) and the output says the step's gates passed and the bake
 * began (so a change from now on lands in the bake, never in the gates). Rejects at the deadline.
 */
async function atTenPercentBake(seen: { out: string }, candidate: string, stacks: Stack[] = [t.stack]): Promise<void> {
  const prefix = (s: Stack) => (stacks.length > 1 ? `\\[${s.target.region}\\] ` : '');
  const baking = async (s: Stack) =>
    new RegExp(`^${prefix(s)}10 %: gates passed; baking`, 'm').test(seen.out) &&
    (await current(s)).served.some((e) => e.revision === candidate && e.percent === 10);
  const deadline = Date.now() + BAKE_DEADLINE_MS;
  while (!(await Promise.all(stacks.map(baking))).every(Boolean)) {
    if (Date.now() > deadline) throw new Error(`No 10 % bake of ${candidate} within ${BAKE_DEADLINE_MS / 1000}s:\n${seen.out}`);
    await sleep(250);
  }
}

/** Starts a stepped promotion whose output is collected. */
function steppedPromotion(candidate: string, previous: TrafficEntry[], options: Pick<BundleOptions, 'onStart'> = {}) {
  const seen = { out: '' };
  const run = promote(
    { revision: candidate, steps: '10,50,100', bake: BAKE, 'previous-traffic': formatSnapshot(previous) },
    { ...options, onStdout: (chunk) => (seen.out += chunk) },
  );
  return { run, seen };
}

const errorsOf = (r: ActionRun) => r.errors.join('\n');

it('stops a stepped promotion at once when a person changes the traffic, restores nothing and names what it found', async () => {
  const { previous, stable, candidate } = await candidateBesideStable();
  const { run, seen } = steppedPromotion(candidate, previous);
  await atTenPercentBake(seen, candidate);
  expect((await current()).served.find((e) => e.revision === candidate && e.percent > 0)?.percent).toBe(10);

  // A hotfix by hand: 70/30 between stable and the candidate, and a tag of the team's own.
  const theirs: TrafficEntry[] = [
    { type: 'REVISION', revision: stable, percent: 70, tag: 'one' },
    { type: 'REVISION', revision: candidate, percent: 30, tag: 'two' },
    { type: 'REVISION', revision: stable, percent: 0, tag: 'prod-hotfix' },
  ];
  const set = await personSets(theirs);
  const result = await run;

  expect(result.code).not.toBe(0);
  expect(result.outputs.verdict).toBe('fail');
  // Nothing after the person's change: no 50 % step, no restore; what they set serves.
  const after = await current();
  expect(after.traffic).toEqual(theirs);
  expect(after.service.etag).toBe(set.service.etag);
  expect(await revisionsAt(t.stack, after.tagUrls.get('prod-hotfix')!, 1)).toEqual({ [stable]: 1 });
  expect(errorsOf(result)).toMatch(
    new RegExp(
      `the traffic of ${t.stack.target.service} was changed by someone else during the promotion of ${candidate}: it serves ${stable} 70 %, ${candidate} 30 %; tags: one → ${stable}, two → ${candidate}, prod-hotfix → ${stable}, not ${candidate} 10 %, ${stable} 90 %`,
    ),
  );
  expect(result.stdout).not.toMatch(/^50 %/m);
  expect(result.summary).toMatch(/stopped: someone else changed the traffic; nothing restored/);
  expect(result.state.phase).toBe('overridden');
  // The post step has nothing to do either.
  const post = await postStep(candidate, result.state);
  expect(post.code).toBe(0);
  expect((await current()).service.etag).toBe(set.service.etag);
});

it("names the on-call person's Runway rollback from the release history when that is what changed the traffic", async () => {
  const { previous, stable, candidate } = await candidateBesideStable();
  const { run, seen } = steppedPromotion(candidate, previous);
  await atTenPercentBake(seen, candidate);

  const rolled = await rollback({ to: stable, reason: 'errors on checkout' });
  expect(rolled.code).toBe(0);
  const afterRollback = await current();
  const result = await run;

  expect(result.outputs.verdict).toBe('fail');
  expect(errorsOf(result)).toMatch(
    new RegExp(
      `it serves ${stable} 100 %.*the release history's last entry is a rollback: rollback ${stable}, .*by on-call \\(errors on checkout\\)`,
    ),
  );
  expect((await current()).service.etag).toBe(afterRollback.service.etag);
  expect(decodeHistory((await current()).annotations[HISTORY_ANNOTATION])[0]).toMatchObject({
    action: 'rollback',
    revision: stable,
  });
});

it('with several regions, leaves the region a person changed and restores the others', async () => {
  const europe: Stack = { ...t.stack, target: { ...t.stack.target, region: 'europe-west1' } };
  const { stable, candidate } = await candidateBesideStable();
  await deploy(europe, t.hello, 'v1', 'one');
  await deploy(europe, t.hello, 'v2', 'two');
  const previous = (await current()).traffic;
  const seen = { out: '' };
  const run = promoteBundle(
    t.stack,
    { region: 'us-central1,europe-west1', revision: candidate, steps: '10,50,100', bake: BAKE },
    { onStdout: (chunk) => (seen.out += chunk) },
  );
  await atTenPercentBake(seen, candidate, [t.stack, europe]);
  const theirs: TrafficEntry[] = [
    { type: 'REVISION', revision: stable, percent: 100, tag: 'one' },
    { type: 'REVISION', revision: candidate, percent: 0, tag: 'two' },
  ];
  const set = await personSets(theirs, europe);
  const result = await run;

  expect(result.outputs.verdict).toBe('fail');
  expect(errorsOf(result)).toMatch(/europe-west1: the traffic of .* was changed by someone else/);
  expect((await current(europe)).service.etag).toBe(set.service.etag);
  // us-central1 is still the promotion's own: its traffic before the promotion comes back.
  expect((await current()).traffic).toEqual(previous);
  expect(JSON.parse(result.outputs.traffic)).toEqual({ 'us-central1': previous, 'europe-west1': theirs });
});

it('the post step after a killed promotion restores nothing when a person changed the traffic since', async () => {
  const { previous, stable, candidate } = await candidateBesideStable();
  let pid = 0;
  const { run, seen } = steppedPromotion(candidate, previous, { onStart: (p) => (pid = p) });
  await atTenPercentBake(seen, candidate);
  process.kill(pid, 'SIGKILL');
  const main = await run;
  expect(main.signal).toBe('SIGKILL');
  // The record of what the promotion set rides with its traffic.
  expect(promotionOf((await current()).annotations, candidate)?.traffic).toEqual((await current()).traffic);

  const theirs: TrafficEntry[] = [
    { type: 'REVISION', revision: candidate, percent: 100, tag: 'two' },
    { type: 'REVISION', revision: stable, percent: 0, tag: 'one' },
  ];
  const set = await personSets(theirs);
  const post = await postStep(candidate, main.state);

  expect(post.code).not.toBe(0);
  expect(errorsOf(post)).toMatch(
    new RegExp(
      `Not restoring: the traffic of .* was changed by someone else .*: it serves ${candidate} 100 %; tags: two → ${candidate}, one → ${stable}, not ${candidate} 10 %`,
    ),
  );
  expect((await current()).service.etag).toBe(set.service.etag);
  expect(post.summary).toMatch(/traffic left as someone else set it/);
});

describe("a restore through rollback (to: previous-traffic, only-if-serving: the candidate), as the composite's restore step", () => {
  async function killedAtTen(candidate: string, previous: TrafficEntry[]) {
    let pid = 0;
    const { run, seen } = steppedPromotion(candidate, previous, { onStart: (p) => (pid = p) });
    await atTenPercentBake(seen, candidate);
    process.kill(pid, 'SIGKILL');
    return run;
  }

  it('restores a promotion cut short, and records that restore as what the promotion set last', async () => {
    const { previous, stable, candidate } = await candidateBesideStable();
    await killedAtTen(candidate, previous);

    const restore = await rollback({ to: formatSnapshot(previous), 'only-if-serving': candidate });

    expect(restore.errors).toEqual([]);
    const after = await current();
    expect(after.traffic).toEqual(previous);
    expect(await revisionsAt(t.stack, after.url!, 3)).toEqual({ [stable]: 3 });
    expect(promotionOf(after.annotations, candidate)?.traffic).toEqual(previous);
  });

  it('refuses, changing nothing, when a person changed the traffic since the promotion set it', async () => {
    const { previous, stable, candidate } = await candidateBesideStable();
    await killedAtTen(candidate, previous);
    const theirs: TrafficEntry[] = [
      { type: 'REVISION', revision: candidate, percent: 50, tag: 'two' },
      { type: 'REVISION', revision: stable, percent: 50, tag: 'one' },
    ];
    const set = await personSets(theirs);

    const restore = await rollback({ to: formatSnapshot(previous), 'only-if-serving': candidate });

    expect(restore.code).not.toBe(0);
    expect(errorsOf(restore)).toMatch(new RegExp(`changed by someone else .*: it serves ${candidate} 50 %, ${stable} 50 %`));
    expect((await current()).service.etag).toBe(set.service.etag);
  });
});

describe('rollback only-if-serving', () => {
  it('rolls back while the revision serves traffic', async () => {
    const { stable, candidate } = await candidateBesideStable();
    await setSplit(t.stack, [
      { type: 'REVISION', revision: candidate, percent: 100, tag: 'two' },
      { type: 'REVISION', revision: stable, percent: 0, tag: 'one' },
    ]);

    const run = await rollback({ 'only-if-serving': candidate, reason: 'release failed' });

    expect(run.errors).toEqual([]);
    expect(run.outputs.revision).toBe(stable);
    expect(await revisionsAt(t.stack, (await current()).url!, 3)).toEqual({ [stable]: 3 });
    expect(decodeHistory((await current()).annotations[HISTORY_ANNOTATION])[0]).toMatchObject({
      action: 'rollback',
      revision: stable,
      from: candidate,
    });
  });

  it('with previous, undoes the release named even while it serves less than the stable revision', async () => {
    await deploy(t.stack, t.hello, 'v0', 'zero');
    const { stable, candidate } = await candidateBesideStable();
    // v1 was released after v0; v2 takes 10 % of a promotion the job lost.
    await promoteRevision(
      t.stack.clients,
      { target: t.stack.target, candidate: stable, steps: [100], bakeSeconds: 0, rollbackOnFailure: true, state: memoryState() },
      new RecordingReporter(),
    );
    await setSplit(t.stack, [
      { type: 'REVISION', revision: candidate, percent: 10, tag: 'two' },
      { type: 'REVISION', revision: stable, percent: 90, tag: 'one' },
      { type: 'REVISION', revision: revisionOf(t.stack, 'v0'), percent: 0, tag: 'zero' },
    ]);

    const run = await rollback({ 'only-if-serving': candidate });

    expect(run.errors).toEqual([]);
    // Not v0, the release before the stable one: only v2's release is undone.
    expect(run.outputs.revision).toBe(stable);
    expect(await revisionsAt(t.stack, (await current()).url!, 3)).toEqual({ [stable]: 3 });
  });

  it('changes nothing, with a notice, when the revision serves no traffic', async () => {
    const { candidate } = await candidateBesideStable();
    const before = await current();

    const run = await rollback({ 'only-if-serving': candidate });

    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^::notice::${candidate} serves no traffic on ${t.stack.target.service}; nothing was changed \\(only-if-serving\\)`,
        'm',
      ),
    );
    expect((await current()).service.etag).toBe(before.service.etag);
  });

  it('decides in each region on its own', async () => {
    const europe: Stack = { ...t.stack, target: { ...t.stack.target, region: 'europe-west1' }, where: { ...t.stack.where } };
    const both = { ...t.stack.where, region: 'us-central1,europe-west1' };
    // us-central1: v2 serves everything; europe-west1: v2 deployed but serves nothing.
    const { stable, candidate } = await candidateBesideStable();
    await setSplit(t.stack, [
      { type: 'REVISION', revision: candidate, percent: 100, tag: 'two' },
      { type: 'REVISION', revision: stable, percent: 0, tag: 'one' },
    ]);
    await deploy(europe, t.hello, 'v1', 'one');
    await deploy(europe, t.hello, 'v2', 'two');
    const europeBefore = await current(europe);

    const run = await runBundle('dist/rollback/index.js', {
      inputs: { ...both, 'only-if-serving': candidate },
      env: { ...t.stack.env, GITHUB_ACTOR: 'on-call' },
    });

    expect(run.errors).toEqual([]);
    expect(JSON.parse(run.outputs.revision)).toEqual({ 'us-central1': stable, 'europe-west1': stable });
    expect(await revisionsAt(t.stack, (await current()).url!, 2)).toEqual({ [stable]: 2 });
    expect(run.stdout).toMatch(/^::notice::\[europe-west1\] .* serves no traffic/m);
    expect((await current(europe)).service.etag).toBe(europeBefore.service.etag);
  });
});

it("prunes only Runway's own old tags beyond keep-tags; a team's tag on an old revision stays", async () => {
  // r2 … r4 are released with custom tags, which the history records.
  await deploy(t.stack, t.hello, 'r1');
  for (const n of [2, 3, 4]) {
    await deploy(t.stack, t.hello, `r${n}`, `rel-${n}`);
    const promoted = await promoteRevision(
      t.stack.clients,
      {
        target: t.stack.target,
        candidate: revisionOf(t.stack, `r${n}`),
        steps: [100],
        bakeSeconds: 0,
        rollbackOnFailure: true,
        state: memoryState(),
        keepTags: 10,
      },
      new RecordingReporter(),
    );
    expect(promoted.verdict).toBe('pass');
  }
  // The team tags r2 as it went to production, with gcloud.
  const s = await current();
  await personSets([...s.traffic, { type: 'REVISION', revision: revisionOf(t.stack, 'r2'), percent: 0, tag: 'prod-2026-11-20' }]);
  // A candidate that was never released, with a tag in Runway's commit form.
  await deploy(t.stack, t.hello, 'r4b', 'sha-4444bbbb');
  await deploy(t.stack, t.hello, 'r5', 'rel-5');

  const result = await promote({ revision: revisionOf(t.stack, 'r5'), bake: '0', 'keep-tags': '2' });

  expect(result.errors).toEqual([]);
  const after = await current();
  expect(Object.fromEntries(after.traffic.filter((e) => e.tag).map((e) => [e.tag, e.revision]))).toEqual({
    'rel-5': revisionOf(t.stack, 'r5'),
    'rel-4': revisionOf(t.stack, 'r4'),
    'prod-2026-11-20': revisionOf(t.stack, 'r2'),
  });
  expect(await revisionsAt(t.stack, after.tagUrls.get('prod-2026-11-20')!, 1)).toEqual({ [revisionOf(t.stack, 'r2')]: 1 });
  const removed = /Removed stale traffic tags: ([^.]+)\./.exec(result.summary)?.[1].split(', ');
  expect(removed?.sort()).toEqual(['rel-2', 'rel-3', 'sha-4444bbbb']);
  expect(result.summary).toContain("Kept older traffic tags Runway did not make (not Runway's to remove): prod-2026-11-20.");
  // The finished promotion leaves no record to guard; the history records the tags it released.
  expect(after.annotations[PROMOTION_ANNOTATION]).toBeUndefined();
  expect(decodeHistory(after.annotations[HISTORY_ANNOTATION])[0]).toMatchObject({
    revision: revisionOf(t.stack, 'r5'),
    tags: ['rel-5'],
  });
});
