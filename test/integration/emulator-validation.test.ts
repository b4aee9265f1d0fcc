/**
 * Cloud Run emulator conformance: requests the real API rejects are rejected with its status code and
 * a message naming the problem, and change nothing (the admin /state is compared before and after).
 */
import { ensureTestImage } from '../helpers/test-images';
import {
  containersGone,
  runningContainers,
  shortName,
  startTestEmulator,
  type IService,
  type TestEmulator,
  REVISION,
  LATEST,
  target,
} from '../helpers/emulator-fixture';

jest.setTimeout(120_000);

let emu: TestEmulator;
let image: string;
let svc: IService;
let first: string;
let second: string;

beforeAll(async () => {
  image = await ensureTestImage('hello');
  emu = await startTestEmulator();
  svc = await emu.deploy('valid', { image, env: [{ name: 'APP_V', value: '1' }] });
  first = shortName(svc.latestReadyRevision);
  svc = await emu.update({
    ...svc,
    template: { containers: [{ image, env: [{ name: 'APP_V', value: '2' }] }] },
    traffic: [
      { type: REVISION, revision: first, percent: 100 },
      { type: LATEST, percent: 0, tag: 'next' },
    ],
  });
  second = shortName(svc.latestCreatedRevision);
});
afterAll(() => emu?.close());

describe('a rejected UpdateService changes nothing', () => {
  it.each<[string, () => IService, number, RegExp]>([
    [
      'percents that sum to 90',
      () => ({ traffic: [target(first, 50), target(second, 40)] }),
      3,
      /traffic percents must sum to 100, but they sum to 90/,
    ],
    [
      'a duplicate tag',
      () => ({ traffic: [target(first, 50, 'blue'), target(second, 50, 'blue')] }),
      3,
      /traffic\[1\]: tag 'blue' is already used by traffic\[0\]/,
    ],
    [
      'a tag that is not a DNS label',
      () => ({ traffic: [target(first, 100, 'Sha_ABC')] }),
      3,
      /tag 'Sha_ABC' is not a valid DNS label/,
    ],
    [
      'a full-SHA tag too long with the service name',
      () => ({ traffic: [target(first, 100, `sha-${'a'.repeat(40)}`)] }),
      3,
      /tag and service name together may have at most 46 characters, these have 44 \+ 5 = 49/,
    ],
    [
      'a reserved service annotation',
      () => ({ annotations: { 'run.googleapis.com/ingress': 'all' } }),
      3,
      /service\.annotations: 'run\.googleapis\.com\/ingress' is in the system namespace 'run\.googleapis\.com'/,
    ],
    [
      'a reserved service label',
      () => ({ labels: { 'cloud.googleapis.com/location': 'x' } }),
      3,
      /service\.labels: 'cloud\.googleapis\.com\/location'/,
    ],
    [
      'a reserved template annotation',
      () => ({ template: { annotations: { 'autoscaling.knative.dev/maxScale': '3' }, containers: [{ image }] } }),
      3,
      /service\.template\.annotations: 'autoscaling\.knative\.dev\/maxScale'/,
    ],
    [
      'a revision name without the service prefix',
      () => ({ template: { revision: 'other-v2', containers: [{ image }] } }),
      3,
      /'other-v2' must start with the service name and a hyphen \('valid-'\)/,
    ],
    [
      'an existing revision name for a new template',
      () => ({ template: { revision: first, containers: [{ image, args: ['x'] }] } }),
      6,
      /Revision named '.*' with different configuration already exists/,
    ],
    [
      'a container without an image',
      () => ({ template: { containers: [{ name: 'app' }] } }),
      3,
      /template\.containers\[0\]\.image: must be set/,
    ],
  ])('%s', async (_, change, code, message) => {
    const before = await emu.state();
    await expect(emu.update({ ...svc, ...change() })).rejects.toMatchObject({ code, details: expect.stringMatching(message) });
    expect(await emu.state()).toEqual(before);
  });

  it('reports several problems in one message', async () => {
    await expect(emu.update({ ...svc, traffic: [target('nope', 10, 'UP')] })).rejects.toMatchObject({
      details: expect.stringMatching(/not a valid DNS label.*sum to 10/),
    });
  });

  it('accepts a tag of exactly 46 characters with the service name', async () => {
    const tag = `t${'a'.repeat(46 - 'valid'.length - 1)}`;
    const updated = await emu.update({ ...svc, traffic: [target(first, 100), target(second, 0, tag)] });
    expect(updated.trafficStatuses?.find((t) => t.tag === tag)?.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    svc = updated;
  });
});

describe('DeleteRevision', () => {
  it('refuses a revision that serves traffic or has a tag with FAILED_PRECONDITION, and changes nothing', async () => {
    const before = await emu.state();
    for (const id of [first, second]) {
      await expect(emu.clients.revisions.deleteRevision({ name: `${svc.name}/revisions/${id}` })).rejects.toMatchObject({
        code: 9,
        details: expect.stringMatching(new RegExp(`Revision '${id}' cannot be deleted: it serves traffic or has a tag`)),
      });
    }
    expect(await emu.state()).toEqual(before);
    expect(runningContainers(first)).toHaveLength(1);
  });

  it('deletes a revision once it serves nothing', async () => {
    svc = await emu.update({ ...svc, traffic: [target(second, 100)] });
    const [op] = await emu.clients.revisions.deleteRevision({ name: `${svc.name}/revisions/${first}` });
    await op.promise();
    const [revisions] = await emu.clients.revisions.listRevisions({ parent: svc.name! });
    expect(revisions.map((r) => shortName(r.name))).toEqual([second]);
    // A deleted revision has no instances: its idle container stops with it.
    expect(await containersGone(first)).toEqual([]);
  });

  it("refuses the service's latest revision even when it serves nothing", async () => {
    const base = await emu.deploy('latest-kept', { image }, { template: { revision: 'latest-kept-v1' } });
    const read = (await emu.clients.services.getService({ name: base.name! }))[0];
    await emu.update({
      ...read,
      template: { ...read.template, revision: 'latest-kept-v2', labels: { v: '2' } },
      traffic: [target('latest-kept-v1', 100)],
    });
    await expect(emu.clients.revisions.deleteRevision({ name: `${base.name}/revisions/latest-kept-v2` })).rejects.toMatchObject({
      code: 9,
      details: expect.stringMatching(/Revision 'latest-kept-v2' cannot be deleted: it is the latest revision/),
    });
  });

  it('NOT_FOUND for a revision that does not exist', async () => {
    await expect(emu.clients.revisions.deleteRevision({ name: `${svc.name}/revisions/valid-00042-abc` })).rejects.toMatchObject({
      code: 5,
    });
  });
});
