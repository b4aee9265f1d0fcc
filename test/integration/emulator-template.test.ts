/**
 * Cloud Run emulator conformance: the server fills in its defaults on the revision template, refuses
 * a `template.revision` that names an existing revision with a different configuration (409
 * ALREADY_EXISTS, googleapis/google-cloud-python#11870, #14259; hashicorp/terraform-provider-google#9438)
 * and applies an `update_mask` of `traffic` to traffic only.
 */
import { ensureTestImage } from '../helpers/test-images';
import { serviceName, shortName, startTestEmulator, type TestEmulator, target } from '../helpers/emulator-fixture';

jest.setTimeout(120_000);

let emu: TestEmulator;
let image: string;
let other: string;

beforeAll(async () => {
  [image, other] = await Promise.all([ensureTestImage('hello'), ensureTestImage('slow-start')]);
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());

const get = async (id: string) => (await emu.clients.services.getService({ name: serviceName(id) }))[0];

it('fills in the server defaults on the template, as a Service read back from Cloud Run carries them', async () => {
  await emu.deploy('defaults', { image });
  const svc = await get('defaults');
  expect(svc.template).toMatchObject({
    timeout: { seconds: '300' },
    maxInstanceRequestConcurrency: 80,
    containers: [
      {
        image,
        ports: [{ name: 'http1', containerPort: 8080 }],
        resources: { limits: { cpu: '1000m', memory: '512Mi' }, cpuIdle: true },
        startupProbe: { timeoutSeconds: 240, periodSeconds: 240, failureThreshold: 1, tcpSocket: { port: 8080 } },
      },
    ],
  });
});

describe('a named template revision', () => {
  it('sent again as read (or sparse, as first sent) is no change: no new revision, no conflict', async () => {
    await emu.deploy('named', { image }, { template: { revision: 'named-v1' } });
    const read = await get('named');
    const echoed = await emu.update({ ...read, labels: { touched: 'yes' } });
    const sparse = await emu.update({ name: read.name, template: { revision: 'named-v1', containers: [{ image }] } });
    expect([shortName(echoed.latestCreatedRevision), shortName(sparse.latestCreatedRevision)]).toEqual(['named-v1', 'named-v1']);
    const [revisions] = await emu.clients.revisions.listRevisions({ parent: read.name! });
    expect(revisions).toHaveLength(1);
  });

  it('with a different configuration is 409 ALREADY_EXISTS, and nothing changes', async () => {
    await emu.deploy('conflict', { image }, { template: { revision: 'conflict-v1' } });
    const read = await get('conflict');
    const before = await emu.state();
    const changed = { ...read, template: { ...read.template, containers: [{ ...read.template!.containers![0], image: other }] } };
    await expect(emu.clients.services.updateService({ service: changed })).rejects.toMatchObject({
      code: 6,
      details: "Revision named 'conflict-v1' with different configuration already exists.",
    });
    expect(await emu.state()).toEqual(before);
  });
});

it('an update_mask of traffic changes the traffic only, whatever else the request carries', async () => {
  const first = await emu.deploy('masked', { image }, { template: { revision: 'masked-v1' } });
  await emu.update({
    name: first.name,
    template: { revision: 'masked-v2', containers: [{ image }] },
    traffic: [target('masked-v1', 100)],
  });
  const read = await get('masked');
  const updated = await emu.update(
    {
      ...read,
      labels: { ignored: 'yes' },
      template: { ...read.template, containers: [{ image: other }] },
      traffic: [target('masked-v1', 50), target('masked-v2', 50, 'half')],
    },
    { updateMask: { paths: ['traffic'] } },
  );
  expect(shortName(updated.latestCreatedRevision)).toBe('masked-v2');
  const after = await get('masked');
  expect(after.labels).toEqual(read.labels);
  expect(after.template).toEqual(read.template);
  expect((after.trafficStatuses ?? []).map((t) => [t.revision, t.percent, t.tag])).toEqual([
    ['masked-v1', 50, ''],
    ['masked-v2', 50, 'half'],
  ]);
});

it.each([
  ['a startup period over 240 s', { tcpSocket: {}, periodSeconds: 300 }, /period_seconds: must be 1 to 240, got 300/],
  ['a startup initial delay over 240 s', { tcpSocket: {}, initialDelaySeconds: 241 }, /initial_delay_seconds: must be 0 to 240/],
  [
    'a probe timeout above its period',
    { httpGet: { path: '/' }, timeoutSeconds: 5, periodSeconds: 2 },
    /must not exceed period_seconds \(5 > 2\)/,
  ],
])('refuses %s (k8s.min.proto Probe ranges), changing nothing', async (_, startupProbe, message) => {
  const before = await emu.state();
  await expect(emu.deploy('probe-range', { image, startupProbe })).rejects.toMatchObject({
    code: 3,
    details: expect.stringMatching(message),
  });
  expect(await emu.state()).toEqual(before);
});
