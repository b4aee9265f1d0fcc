/**
 * Cloud Run's defaults at a service's URLs, on real containers: private unless made public (ID token
 * with the service's audience, invoker IAM check, IAM policy), ingress, the request timeout (504) and
 * the memory limit (an instance over it is killed, files in /tmp counted).
 */
import { status } from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { emulatorForFile, type IService } from '../helpers/emulator-fixture';

jest.setTimeout(120_000);

const t = emulatorForFile();
const PRIVATE: IService = { invokerIamDisabled: false };
const run = randomBytes(3).toString('hex');

const get = (url: string, token?: string) =>
  fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {}).then(async (r) => ({
    status: r.status,
    body: await r.text(),
  }));

describe('a service deployed without allow-unauthenticated', () => {
  let svc: IService;
  beforeAll(async () => {
    svc = await t.emu.deploy(`priv-${run}`, { image: t.image }, PRIVATE);
    svc = await t.emu.update(
      { ...svc, traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100, tag: 'cand' }] },
      { updateMask: { paths: ['traffic'] } },
    );
  });

  it('answers 403 without a token and 200 with one minted for its URL, on the service and the tag URL', async () => {
    const tagUrl = svc.trafficStatuses!.find((s) => s.tag === 'cand')!.uri!;
    const none = await get(svc.uri!);
    expect(none.status).toBe(403);
    expect(none.body).toContain('Your client does not have permission to get URL <code>/</code> from this server.');
    const token = await t.emu.token(svc.uri!);
    expect((await get(svc.uri!, token)).status).toBe(200);
    expect((await get(`${tagUrl}/status/204`, token)).status).toBe(204);
    expect((await get(svc.uri!, await t.emu.token(`${svc.uri}/`))).status).toBe(200);
  });

  it('answers 401 to a token for another audience, a token it did not sign and a token that is no JWT', async () => {
    const other = await t.emu.token('http://127.0.0.1:1');
    const wrong = await get(svc.uri!, other);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Wrong recipient');
    const [h, p] = (await t.emu.token(svc.uri!)).split('.');
    expect((await get(svc.uri!, `${h}.${p}.${Buffer.from('forged').toString('base64url')}`)).status).toBe(401);
    expect((await get(svc.uri!, 'not-a-jwt')).status).toBe(401);
  });

  it('answers 403 to a valid token of a principal without run.routes.invoke, until the service policy grants roles/run.invoker', async () => {
    const token = await t.emu.token(svc.uri!);
    await t.emu.admin('POST', '/permissions/deny', { permission: 'run.routes.invoke' });
    try {
      expect((await get(svc.uri!, token)).status).toBe(403);
      const [policy] = await t.emu.clients.services.getIamPolicy({ resource: svc.name! });
      expect(policy.bindings).toEqual([]);
      await t.emu.clients.services.setIamPolicy({
        resource: svc.name!,
        policy: {
          bindings: [{ role: 'roles/run.invoker', members: ['serviceAccount:runway-emulator@emulator.iam.gserviceaccount.com'] }],
          etag: policy.etag,
        },
      });
      expect((await get(svc.uri!, token)).status).toBe(200);
      // A stale etag is refused (google/iam/v1/policy.proto: etag for optimistic concurrency).
      await expect(
        t.emu.clients.services.setIamPolicy({ resource: svc.name!, policy: { bindings: [], etag: policy.etag } }),
      ).rejects.toMatchObject({ code: status.ABORTED });
    } finally {
      await t.emu.admin('DELETE', '/faults');
    }
  });

  it('accepts a token for one of its custom audiences', async () => {
    const custom = await t.emu.deploy(
      `aud-${run}`,
      { image: t.image },
      { ...PRIVATE, customAudiences: ['https://api.example.com'] },
    );
    expect((await get(custom.uri!, await t.emu.token('https://api.example.com'))).status).toBe(200);
    expect((await get(custom.uri!, await t.emu.token('https://other.example.com'))).status).toBe(401);
  });

  it('serves everyone once allUsers holds roles/run.invoker', async () => {
    const other = await t.emu.deploy(`all-${run}`, { image: t.image }, PRIVATE);
    expect((await get(other.uri!)).status).toBe(403);
    await t.emu.clients.services.setIamPolicy({
      resource: other.name!,
      policy: { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] },
    });
    expect((await get(other.uri!)).status).toBe(200);
  });
});

describe('invoker_iam_disabled (allow-unauthenticated)', () => {
  it('needs run.services.setIamPolicy, in validate_only too, and changes nothing when refused', async () => {
    const svc = await t.emu.deploy(`pub-${run}`, { image: t.image }, PRIVATE);
    await t.emu.admin('POST', '/permissions/deny', { permission: 'run.services.setIamPolicy' });
    try {
      const before = JSON.stringify((await t.emu.state()).services);
      for (const validateOnly of [true, false]) {
        const refused = t.emu.clients.services.updateService({
          service: { name: svc.name, invokerIamDisabled: true },
          updateMask: { paths: ['invoker_iam_disabled'] },
          validateOnly,
        });
        await expect(refused).rejects.toMatchObject({
          code: status.PERMISSION_DENIED,
          details: `Permission 'run.services.setIamPolicy' denied on resource '${svc.name}' (or resource may not exist).`,
        });
      }
      await expect(
        t.emu.clients.services.createService({
          parent: svc.name!.replace(/\/services\/.*/, ''),
          serviceId: `pub2-${run}`,
          service: { invokerIamDisabled: true, template: { containers: [{ image: t.image }] } },
        }),
      ).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
      expect(JSON.stringify((await t.emu.state()).services)).toBe(before);
      // A change that leaves the check alone needs no such permission.
      await t.emu.update({ name: svc.name, labels: { team: 'web' } }, { updateMask: { paths: ['labels'] } });
    } finally {
      await t.emu.admin('DELETE', '/faults');
    }
    await t.emu.update({ name: svc.name, invokerIamDisabled: true }, { updateMask: { paths: ['invoker_iam_disabled'] } });
    expect((await get(svc.uri!)).status).toBe(200);
  });
});

it('ingress internal refuses every request from this machine, token or not', async () => {
  const svc = await t.emu.deploy(`int-${run}`, { image: t.image }, { ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY' });
  const refused = await get(svc.uri!, await t.emu.token(svc.uri!));
  expect(refused.status).toBe(403);
  expect(refused.body).toContain('Ingress is INGRESS_TRAFFIC_INTERNAL_ONLY');
  await t.emu.update({ name: svc.name, ingress: 'INGRESS_TRAFFIC_ALL' }, { updateMask: { paths: ['ingress'] } });
  expect((await get(svc.uri!)).status).toBe(200);
});

it("ends a request that runs past the revision's timeout with 504, and the instance keeps serving", async () => {
  const svc = await t.emu.deploy(`slow-${run}`, { image: t.image }, { template: { timeout: { seconds: 2 } } });
  const started = Date.now();
  const slow = await get(`${svc.uri}/delay/6000`);
  expect(slow.status).toBe(504);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  expect(Date.now() - started).toBeLessThan(5000);
  expect((await get(`${svc.uri}/delay/500`)).status).toBe(200);
});

/** An app that writes MB to /tmp (GET /write/MB) or holds MB in its heap (GET /hold/MB). */
const MEMORY_APP = `
const http = require('node:http'), fs = require('node:fs');
const held = [];
http.createServer((req, res) => {
  const m = /^\\/(write|hold)\\/(\\d+)$/.exec(req.url);
  if (m && m[1] === 'write') for (let i = 0; i < Number(m[2]); i++) fs.appendFileSync('/tmp/data', Buffer.alloc(1 << 20, 1));
  if (m && m[1] === 'hold') for (let i = 0; i < Number(m[2]); i++) held.push(Buffer.alloc(1 << 20, 1));
  res.end('ok ' + process.pid);
}).listen(Number(process.env.PORT), '0.0.0.0');
`;

it('kills an instance that goes over its memory limit, files written to /tmp included; the next request gets a new one', async () => {
  const svc = await t.emu.deploy(`mem-${run}`, {
    image: t.image,
    command: ['node', '-e', MEMORY_APP],
    resources: { limits: { memory: '128Mi', cpu: '1' } },
  });
  expect((await get(`${svc.uri}/write/16`)).status).toBe(200);
  const over = await get(`${svc.uri}/write/200`);
  expect(over.status).toBe(502);
  // The router replaces the killed instance; its /tmp starts empty, as a new instance's does.
  let next = { status: 0, body: '' };
  for (let i = 0; i < 50 && next.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 200));
    next = await get(`${svc.uri}/write/16`).catch(() => next);
  }
  expect(next.status).toBe(200);
  expect((await get(`${svc.uri}/hold/400`)).status).toBe(502);
});
