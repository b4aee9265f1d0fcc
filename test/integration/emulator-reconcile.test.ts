/**
 * Cloud Run emulator conformance: what serves after a rollout that failed. service.proto's
 * `reconciling` comment: on failure `traffic_statuses`, `observed_generation` and
 * `latest_ready_revision` keep the state of the last serving revision while `traffic` holds the spec;
 * Ready only when `latest_ready_revision` matches `latest_created_revision`. A missing revision is
 * accepted, then fails the operation (terraform-docs-samples#269); a failed revision stays failed.
 */
import { ensureTestImage } from '../helpers/test-images';
import {
  hello,
  runningContainers,
  serviceName,
  shortName,
  startTestEmulator,
  type IService,
  type TestEmulator,
  target,
} from '../helpers/emulator-fixture';

jest.setTimeout(120_000);

let emu: TestEmulator;
let image: string;
let crash: string;

beforeAll(async () => {
  [image, crash] = await Promise.all([ensureTestImage('hello'), ensureTestImage('crash')]);
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());

/** UpdateService: the call is accepted; the operation's outcome and the service read back after it. */
async function update(service: IService, request: { updateMask?: { paths: string[] } } = {}) {
  const [op] = await emu.clients.services.updateService({ service, ...request });
  const error = await op.promise().then(
    () => undefined,
    (e: Error & { code: number }) => e,
  );
  const [after] = await emu.clients.services.getService({ name: service.name! });
  return { error, after };
}

const get = async (name: string) => (await emu.clients.services.getService({ name }))[0];
const served = (s: IService) => (s.trafficStatuses ?? []).map((t) => [t.revision || 'LATEST', t.percent, t.tag || '']);
const spec = (s: IService) => (s.traffic ?? []).map((t) => [t.revision || 'LATEST', t.percent, t.tag || '']);

describe('an update naming a revision that does not exist', () => {
  it('is accepted, then the operation fails with code 13; the spec keeps it, the served traffic does not', async () => {
    const first = await emu.deploy('missing-ref', { image });
    const good = shortName(first.latestReadyRevision);
    const before = await get(first.name!);
    const { error, after } = await update({ ...before, traffic: [target(good, 50), target('missing-ref-00009-zzz', 50)] });
    expect(error).toMatchObject({
      code: 13,
      message: expect.stringContaining(
        "Revision 'missing-ref-00009-zzz' does not exist or is deleted. Update all traffic to route to currently available revisions.",
      ),
    });
    expect(spec(after)).toEqual([
      [good, 50, ''],
      ['missing-ref-00009-zzz', 50, ''],
    ]);
    expect(served(after)).toEqual(served(before));
    expect(String(after.generation)).toBe('2');
    expect(String(after.observedGeneration)).toBe('1');
    expect(after.reconciling).toBe(false);
    expect(after.terminalCondition).toMatchObject({ type: 'Ready', state: 'CONDITION_FAILED' });
    expect(after.conditions?.find((c) => c.type === 'RoutesReady')?.state).toBe('CONDITION_FAILED');
    expect(after.latestReadyRevision).toBe(before.latestReadyRevision);
    expect((await hello(after.uri)).revision).toBe(good);
    // Restoring the traffic is a real change that succeeds and serves again.
    const restored = await update({ ...after, traffic: [target(good, 100)] });
    expect(restored.error).toBeUndefined();
    expect(served(restored.after)).toEqual([[good, 100, '']]);
    expect(restored.after.terminalCondition).toMatchObject({ state: 'CONDITION_SUCCEEDED' });
    expect(String(restored.after.observedGeneration)).toBe(String(restored.after.generation));
  });
});

describe('a tag left on a failed revision', () => {
  it('keeps later updates failing, never revives the revision, and Ready waits for a good latest revision', async () => {
    const first = await emu.deploy('tag-failed', { image });
    const good = shortName(first.latestReadyRevision);
    const current = await get(first.name!);
    const deploy = await update({
      ...current,
      template: { revision: 'tag-failed-bad', containers: [{ image: crash }] },
      traffic: [target(good, 100), target('tag-failed-bad', 0, 'cand')],
    });
    expect(deploy.error).toMatchObject({ code: 9, message: expect.stringMatching(/Revision 'tag-failed-bad' is not ready/) });
    const [failed] = await emu.clients.revisions.getRevision({ name: serviceName('tag-failed') + '/revisions/tag-failed-bad' });
    const failedAt = failed.conditions?.find((c) => c.type === 'Ready');
    expect(failedAt?.state).toBe('CONDITION_FAILED');
    expect(served(deploy.after)).toEqual(served(current));

    // A labels-only change keeps the tag in the spec: it fails again, without starting the revision.
    const relabel = await update({ ...deploy.after, labels: { touched: 'yes' } });
    expect(relabel.error).toMatchObject({ code: 9, message: expect.stringMatching(/Revision 'tag-failed-bad' is not ready/) });
    const [still] = await emu.clients.revisions.getRevision({ name: failed.name! });
    expect(still.conditions?.find((c) => c.type === 'Ready')).toEqual(failedAt);
    expect(runningContainers('tag-failed-bad')).toEqual([]);
    expect(served(relabel.after)).toEqual(served(current));

    // Dropping the tag succeeds: traffic serves, but the service is not Ready while its latest
    // created revision is the failed one.
    const untag = await update({ ...relabel.after, traffic: [target(good, 100)] }, { updateMask: { paths: ['traffic'] } });
    expect(untag.error).toBeUndefined();
    expect(served(untag.after)).toEqual([[good, 100, '']]);
    expect(untag.after.latestCreatedRevision).toBe(failed.name);
    expect(untag.after.latestReadyRevision).toBe(first.latestReadyRevision);
    expect(untag.after.terminalCondition).toMatchObject({ state: 'CONDITION_FAILED' });
    expect(untag.after.conditions?.find((c) => c.type === 'RoutesReady')?.state).toBe('CONDITION_SUCCEEDED');
    expect(untag.after.conditions?.find((c) => c.type === 'ConfigurationsReady')?.state).toBe('CONDITION_FAILED');

    // A new good revision makes it Ready again. It takes no traffic (the traffic stays pinned), so
    // latest_ready_revision, "the latest revision that is serving traffic", stays on the serving one.
    const fixed = await update({ ...untag.after, template: { containers: [{ image }] } });
    expect(fixed.error).toBeUndefined();
    expect(fixed.after.latestCreatedRevision).not.toBe(failed.name);
    expect(fixed.after.latestReadyRevision).toBe(first.latestReadyRevision);
    expect(fixed.after.terminalCondition).toMatchObject({ state: 'CONDITION_SUCCEEDED' });
    // Once it serves, it is the latest ready revision.
    const promoted = await update(
      { ...fixed.after, traffic: [target(shortName(fixed.after.latestCreatedRevision), 100)] },
      { updateMask: { paths: ['traffic'] } },
    );
    expect(promoted.after.latestReadyRevision).toBe(fixed.after.latestCreatedRevision);
  });
});
