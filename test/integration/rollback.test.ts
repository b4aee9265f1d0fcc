/**
 * The rollback bundle against the emulator with real containers: what a person on call runs from
 * a workflow_dispatch with only service and region, and what it must refuse.
 */
import { runBundle } from '../helpers/run-action';
import { decodeHistory, encodeHistory, HISTORY_ANNOTATION, LAST_GOOD_ANNOTATION } from '../../src/traffic/history';
import { readService } from '../../src/cloudrun/service-state';
import { updateService } from '../../src/cloudrun/services';
import { RecordingReporter } from '../../src/report';
import { restoreTraffic, setAnnotations } from '../../src/traffic/apply';
import { rollBackService } from '../../src/traffic/rollback';
import { toTargets, type TrafficEntry } from '../../src/cloudrun/traffic-entry';
import { parseSnapshot } from '../../src/traffic/snapshot';
import { admin, deploy, revisionOf, revisionsAt, setSplit, freshStackPerTest } from './rollback.fixtures';

jest.setTimeout(180_000);

const BUNDLE = 'dist/rollback/index.js';
const t = freshStackPerTest();

/** Runs the bundle the way a workflow_dispatch run does: the project comes from auth's environment. */
const rollback = (inputs: Record<string, string>) =>
  runBundle(BUNDLE, {
    inputs: { service: t.stack.target.service, region: t.stack.target.region, ...inputs },
    env: { ...t.stack.env, GOOGLE_CLOUD_PROJECT: t.stack.target.project, GITHUB_ACTOR: 'on-call' },
  });

async function services(): Promise<unknown> {
  return ((await admin(t.stack, 'GET', '/state')) as { services: unknown }).services;
}

const current = () => readService(t.stack.clients, t.stack.target);

it('rolls back to the last good release from the history, given only service and region', async () => {
  await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  const v3 = await deploy(t.stack, t.hello, 'v3', 'three');
  await setSplit(t.stack, [
    { type: 'REVISION', revision: revisionOf(t.stack, 'v3'), percent: 100 },
    ...v3.traffic.filter((e) => e.tag),
  ]);
  // v2 was deployed but never released: the history names v1, then v3.
  const history = encodeHistory(
    [{ action: 'promote', revision: revisionOf(t.stack, 'v1'), time: '2026-11-25T10:00:00Z', commit: 'a'.repeat(40) }],
    {
      action: 'promote',
      revision: revisionOf(t.stack, 'v3'),
      time: '2026-11-25T11:00:00Z',
    },
  );
  const before = await current();
  await setAnnotations(t.stack.clients, t.stack.target, before, { ...before.annotations, [HISTORY_ANNOTATION]: history });

  const run = await rollback({ reason: 'errors after release' });

  expect(run.errors).toEqual([]);
  expect(run.code).toBe(0);
  expect(run.outputs.revision).toBe(revisionOf(t.stack, 'v1'));
  expect(Number(run.outputs.seconds)).toBeGreaterThan(0);
  const after = await current();
  expect(parseSnapshot(run.outputs.traffic)).toEqual(after.traffic);
  expect(after.traffic[0]).toEqual({ type: 'REVISION', revision: revisionOf(t.stack, 'v1'), percent: 100 });
  // Every tag URL still answers for its own revision.
  expect(after.traffic.filter((e) => e.tag).map((e) => e.tag)).toEqual(['one', 'two', 'three']);
  expect(await revisionsAt(t.stack, after.url!, 5)).toEqual({ [revisionOf(t.stack, 'v1')]: 5 });
  expect(await revisionsAt(t.stack, after.tagUrls.get('three')!, 1)).toEqual({ [revisionOf(t.stack, 'v3')]: 1 });
  const recorded = decodeHistory(after.annotations[HISTORY_ANNOTATION]);
  expect(recorded[0]).toMatchObject({
    action: 'rollback',
    revision: revisionOf(t.stack, 'v1'),
    from: revisionOf(t.stack, 'v3'),
    reason: 'errors after release',
    actor: 'on-call',
    // The record describes the revision now live: v1's digest and the commit v1 was released from.
    digest: t.hello.split('@')[1],
    commit: 'a'.repeat(40),
  });
  expect(recorded).toHaveLength(3);
  expect(after.annotations[LAST_GOOD_ANNOTATION]).toBe(revisionOf(t.stack, 'v1'));
  expect(run.summary).toMatch(
    /Traffic before[\s\S]*`svc-[a-f0-9]+-v3` \| 100 %[\s\S]*Traffic after[\s\S]*`svc-[a-f0-9]+-v1` \| 100 %/,
  );
  expect(run.stdout).toMatch(/Rolled back in \d+\.\d\d s/);

  // Another `previous` neither rolls forward to v3 (rolled back from) nor to v2 (never released, newer).
  const before2 = await services();
  const again = await rollback({});
  expect(again.code).not.toBe(0);
  expect(again.errors.join('\n')).toMatch(/no revision to roll back to/);
  expect(await services()).toEqual(before2);
});

it('without history rolls back to the newest Ready revision older than the current one (traffic on LATEST)', async () => {
  await deploy(t.stack, t.hello, 'v1');
  await deploy(t.stack, t.hello, 'v2');
  // As gcloud leaves a service: all traffic follows LATEST, which is v2.
  await setSplit(t.stack, [{ type: 'LATEST', percent: 100 }]);

  const run = await rollback({});

  expect(run.code).toBe(0);
  expect(run.outputs.revision).toBe(revisionOf(t.stack, 'v1'));
  expect(run.stdout).toMatch(/no release history; newest Ready revision created before/);
  expect(await revisionsAt(t.stack, (await current()).url!, 3)).toEqual({ [revisionOf(t.stack, 'v1')]: 3 });
});

it('rolls back to a named revision and removes the tags asked for', async () => {
  await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  await deploy(t.stack, t.hello, 'v3', 'three');

  const run = await rollback({ to: revisionOf(t.stack, 'v2'), 'remove-tag': 'three' });

  expect(run.code).toBe(0);
  expect(run.outputs.revision).toBe(revisionOf(t.stack, 'v2'));
  const after = await current();
  expect(after.traffic).toEqual([
    { type: 'REVISION', revision: revisionOf(t.stack, 'v2'), percent: 100 },
    { type: 'REVISION', revision: revisionOf(t.stack, 'v1'), percent: 0, tag: 'one' },
    { type: 'REVISION', revision: revisionOf(t.stack, 'v2'), percent: 0, tag: 'two' },
  ]);
  expect(await revisionsAt(t.stack, after.url!, 3)).toEqual({ [revisionOf(t.stack, 'v2')]: 3 });
});

it('refuses a revision that is not Ready and changes nothing', async () => {
  await deploy(t.stack, t.hello, 'v1', 'one');
  await admin(t.stack, 'POST', '/next-revision-fails', {});
  await deploy(t.stack, t.hello, 'v2', 'two').catch(() => undefined);
  const before = await services();

  const run = await rollback({ to: revisionOf(t.stack, 'v2') });

  expect(run.code).not.toBe(0);
  expect(run.errors.join('\n')).toMatch(new RegExp(`nothing was changed: ${revisionOf(t.stack, 'v2')} is not Ready`));
  expect(await services()).toEqual(before);
  expect(run.outputs).toEqual({});
});

it('refuses a revision that does not exist, naming it', async () => {
  await deploy(t.stack, t.hello, 'v1');
  const before = await services();
  const run = await rollback({ to: revisionOf(t.stack, 'nope') });
  expect(run.code).not.toBe(0);
  expect(run.errors.join('\n')).toMatch(`${revisionOf(t.stack, 'nope')} does not exist`);
  expect(await services()).toEqual(before);
});

it('restores a split with several tags exactly from previous-traffic JSON', async () => {
  await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  await deploy(t.stack, t.hello, 'v3', 'three');
  const split: TrafficEntry[] = [
    { type: 'REVISION', revision: revisionOf(t.stack, 'v1'), percent: 70, tag: 'one' },
    { type: 'REVISION', revision: revisionOf(t.stack, 'v2'), percent: 30 },
    { type: 'REVISION', revision: revisionOf(t.stack, 'v2'), percent: 0, tag: 'two' },
    { type: 'REVISION', revision: revisionOf(t.stack, 'v3'), percent: 0, tag: 'canary' },
  ];

  const run = await rollback({ to: JSON.stringify(split) });

  expect(run.code).toBe(0);
  expect((await current()).traffic).toEqual(split);
  expect(run.outputs.revision).toBe(revisionOf(t.stack, 'v1'));
});

it('retries transient API errors', async () => {
  await deploy(t.stack, t.hello, 'v1');
  await deploy(t.stack, t.hello, 'v2');
  await admin(t.stack, 'POST', '/faults', { method: 'GetService', code: 'UNAVAILABLE', times: 2 });
  await admin(t.stack, 'POST', '/faults', { method: 'UpdateService', code: 'UNAVAILABLE', times: 2 });

  const run = await rollback({ to: revisionOf(t.stack, 'v2') });

  expect(run.code).toBe(0);
  expect((await current()).traffic[0]).toEqual({ type: 'REVISION', revision: revisionOf(t.stack, 'v2'), percent: 100 });
  expect(((await admin(t.stack, 'GET', '/faults')) as { faults: unknown[] }).faults).toEqual([]);
});

it('waits for the update operation to finish before it reports the rollback done', async () => {
  await deploy(t.stack, t.hello, 'v1');
  await deploy(t.stack, t.hello, 'v2');
  await setSplit(t.stack, [{ type: 'REVISION', revision: revisionOf(t.stack, 'v2'), percent: 100 }]);
  await admin(t.stack, 'POST', '/operation-delay', { ms: 1500 });

  const run = await rollback({ to: revisionOf(t.stack, 'v1') });

  expect(run.code).toBe(0);
  // The seconds reported cover the whole operation, and the traffic has moved when the step ends.
  expect(Number(run.outputs.seconds)).toBeGreaterThanOrEqual(1.5);
  expect(await revisionsAt(t.stack, (await current()).url!, 3)).toEqual({ [revisionOf(t.stack, 'v1')]: 3 });
});

it('rejects bad input before any call', async () => {
  const before = await services();
  const run = await rollback({ to: 'Not A Revision!' });
  expect(run.code).not.toBe(0);
  expect(run.errors[0]).toMatch(/Input "to": .* expected previous, a revision name/);
  expect(await services()).toEqual(before);
});

it('a restore after a failed rollout moves the served traffic (the spec already names it), dropping the stale tag', async () => {
  await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  const v1 = revisionOf(t.stack, 'v1');
  const v2 = revisionOf(t.stack, 'v2');
  const step: TrafficEntry[] = [
    { type: 'REVISION', revision: v1, percent: 50, tag: 'one' },
    { type: 'REVISION', revision: v2, percent: 50, tag: 'two' },
  ];
  await setSplit(t.stack, step);
  // A first restore whose rollout failed: the previous traffic names a revision deleted since. Cloud
  // Run accepts the spec and fails the operation; the step's traffic keeps serving.
  const previous: TrafficEntry[] = [
    { type: 'REVISION', revision: v1, percent: 100, tag: 'one' },
    { type: 'REVISION', revision: revisionOf(t.stack, 'gone'), percent: 0, tag: 'old' },
  ];
  const stale = await current();
  const op = await updateService(
    t.stack.clients,
    t.stack.target,
    { name: stale.service.name, etag: stale.service.etag, traffic: toTargets(previous) },
    { updateMask: ['traffic'] },
  );
  await expect(op.done()).rejects.toThrow(/does not exist or is deleted/);
  const failed = await current();
  expect(failed.traffic).toEqual(previous);
  expect(failed.served.filter((e) => e.percent > 0).map((e) => e.percent)).toEqual([50, 50]);

  const reporter = new RecordingReporter();
  const { after } = await restoreTraffic(t.stack.clients, t.stack.target, previous, reporter);

  expect(after.traffic).toEqual([previous[0]]);
  expect(reporter.lines.filter((l) => l.level === 'warning').map((l) => l.message)).toEqual([
    expect.stringMatching(/dropping the tag old: .*-gone does not exist/),
  ]);
  expect(await revisionsAt(t.stack, (await current()).url!, 4)).toEqual({ [v1]: 4 });
});

describe('traffic updates under faults (rollback to v1 from v2)', () => {
  const cases: { code: string; when: 'before' | 'after'; outcome: 'moved' | RegExp }[] = [
    { code: 'UNAVAILABLE', when: 'before', outcome: 'moved' },
    { code: 'DEADLINE_EXCEEDED', when: 'before', outcome: 'moved' },
    { code: 'ABORTED', when: 'before', outcome: /changed since it was read/ },
    { code: 'PERMISSION_DENIED', when: 'before', outcome: /PERMISSION_DENIED|Injected fault/ },
    { code: 'UNAVAILABLE', when: 'after', outcome: 'moved' },
    { code: 'DEADLINE_EXCEEDED', when: 'after', outcome: 'moved' },
    { code: 'ABORTED', when: 'after', outcome: 'moved' },
    { code: 'PERMISSION_DENIED', when: 'after', outcome: 'moved' },
  ];
  it.each(cases)('$code $when the change: $outcome', async ({ code, when, outcome }) => {
    await deploy(t.stack, t.hello, 'v1', 'one');
    await deploy(t.stack, t.hello, 'v2', 'two');
    const v1 = revisionOf(t.stack, 'v1');
    const v2 = revisionOf(t.stack, 'v2');
    await setSplit(t.stack, [
      { type: 'REVISION', revision: v2, percent: 100, tag: 'two' },
      { type: 'REVISION', revision: v1, percent: 0, tag: 'one' },
    ]);
    const before = await current();
    await admin(t.stack, 'POST', '/faults', { method: 'UpdateService', code, when });

    const run = rollBackService(
      t.stack.clients,
      { target: t.stack.target, to: { kind: 'revision', revision: v1 }, removeTags: [] },
      new RecordingReporter(),
    );

    const after = () => current();
    if (outcome === 'moved') {
      await run;
      const s = await after();
      expect(s.served.filter((e) => e.percent > 0)).toEqual([{ type: 'REVISION', revision: v1, percent: 100 }]);
      // Sent once: one rollback record, never a second one from a repeated change.
      expect(decodeHistory(s.annotations[HISTORY_ANNOTATION]).map((r) => r.action)).toEqual(['rollback']);
    } else {
      await expect(run).rejects.toThrow(outcome);
      // Refused before anything was applied: what serves is exactly what served before.
      expect((await after()).served).toEqual(before.served);
    }
  });
});
