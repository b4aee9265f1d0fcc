/**
 * Cloud Run emulator conformance: revisions that fail to start (crash, no listener in time, missing
 * secret, injected failure) leave the serving traffic untouched and say why on their conditions;
 * secrets reach the container; startup probes; injected RPC faults.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestImage } from '../helpers/test-images';
import {
  hello,
  runningContainers,
  serviceName,
  shortName,
  startTestEmulator,
  type IService,
  type TestEmulator,
} from '../helpers/emulator-fixture';

jest.setTimeout(120_000);

const secretsDir = mkdtempSync(join(tmpdir(), 'runway-test-secrets-'));
let emu: TestEmulator;
let images: Record<'hello' | 'crash' | 'slow-start' | 'loopback-only', string>;

beforeAll(async () => {
  images = {
    hello: await ensureTestImage('hello'),
    crash: await ensureTestImage('crash'),
    'slow-start': await ensureTestImage('slow-start'),
    'loopback-only': await ensureTestImage('loopback-only'),
  };
  mkdirSync(join(secretsDir, 'db-url'));
  writeFileSync(join(secretsDir, 'db-url', '1'), 'postgres://old');
  writeFileSync(join(secretsDir, 'db-url', '2'), 'postgres://new\nsecond line');
  emu = await startTestEmulator({ secretsDir, startupTimeoutMs: 3000 });
});
afterAll(async () => {
  await emu?.close();
  rmSync(secretsDir, { recursive: true, force: true });
});

/** Deploys a good first revision, then tries `container` as the next one. */
async function failNext(id: string, container: IService['template'], arm?: () => Promise<unknown>) {
  const deployed = await emu.deploy(id, { image: images.hello });
  // Read back by GetService: plain objects with enum names, comparable with `after`.
  const [good] = await emu.clients.services.getService({ name: deployed.name! });
  await arm?.();
  const [op] = await emu.clients.services.updateService({ service: { ...good, template: container } });
  const error = await op.promise().then(
    () => undefined,
    (e: Error & { code: number }) => e,
  );
  const [after] = await emu.clients.services.getService({ name: good.name! });
  const [failed] = await emu.clients.revisions.getRevision({ name: after.latestCreatedRevision! });
  return { good, error, after, failed };
}

describe('a revision that fails to start', () => {
  it.each<[string, () => IService['template'], RegExp, string]>([
    [
      'exits at start',
      () => ({ containers: [{ image: images.crash }] }),
      /failed to start and listen on the port defined provided by the PORT=\d+ environment variable\. [\s\S]*exited with code 1 before it listened[\s\S]*Last log lines:[\s\S]*Error: cannot connect to the database/,
      'HEALTH_CHECK_CONTAINER_ERROR',
    ],
    [
      'does not listen in time',
      () => ({ containers: [{ image: images['slow-start'] }] }),
      /within the allocated timeout\. This can happen when the container port is misconfigured[\s\S]*The emulator allowed 3000 ms\./,
      'HEALTH_CHECK_CONTAINER_ERROR',
    ],
    [
      // Cloud Run sends requests to 0.0.0.0 (its container contract): an app on 127.0.0.1 only never starts.
      'listens on 127.0.0.1 only',
      () => ({ containers: [{ image: images['loopback-only'] }] }),
      /The user-provided container failed to start and listen on the port defined provided by the PORT=\d+ environment variable within the allocated timeout\.[\s\S]*It listens on 127\.0\.0\.1:\d+ only/,
      'HEALTH_CHECK_CONTAINER_ERROR',
    ],
    [
      'names a missing secret',
      () => ({
        containers: [
          { image: images.hello, env: [{ name: 'APP_X', valueSource: { secretKeyRef: { secret: 'nope', version: 'latest' } } }] },
        ],
      }),
      /Secret projects\/emulator\/secrets\/nope\/versions\/latest was not found/,
      'SECRETS_ACCESS_CHECK_FAILED',
    ],
  ])('%s: not Ready, says why, and the serving traffic is untouched', async (_, template, message, reason) => {
    const image = template()!.containers![0].image;
    const kind = { [images.crash]: 'crash', [images['slow-start']]: 'slow', [images['loopback-only']]: 'loopback' }[image!];
    const id = `fail-${reason === 'SECRETS_ACCESS_CHECK_FAILED' ? 'secret' : kind}`;
    const { good, error, after, failed } = await failNext(id, template());
    expect(error).toMatchObject({
      code: 9,
      message: expect.stringMatching(/Revision '.*' is not ready and cannot serve traffic\./),
    });
    expect(error?.message).toMatch(message);
    expect(after.latestCreatedRevision).not.toBe(good.latestReadyRevision);
    expect(after.latestReadyRevision).toBe(good.latestReadyRevision);
    expect(after.terminalCondition).toMatchObject({ type: 'Ready', state: 'CONDITION_FAILED' });
    expect(after.trafficStatuses).toEqual(good.trafficStatuses);
    const healthy = failed.conditions?.find((c) => c.type === 'ContainerHealthy');
    expect(healthy?.state).toBe('CONDITION_FAILED');
    expect(healthy?.message).toMatch(message);
    expect(healthy?.revisionReason === reason || healthy?.reason === reason).toBe(true);
    expect(failed.conditions?.find((c) => c.type === 'Ready')?.state).toBe('CONDITION_FAILED');
    expect((await hello(after.uri)).revision).toBe(shortName(good.latestReadyRevision));
    expect(runningContainers(shortName(failed.name))).toEqual([]);
  });

  it('fails the next revision on request of the admin endpoint, with the given message', async () => {
    const arm = async () =>
      expect((await emu.admin('POST', '/next-revision-fails', { message: 'injected: out of memory' })).status).toBe(200);
    const { error, failed } = await failNext(
      'fail-injected',
      { containers: [{ image: images.hello, command: ['node', '/app/app.js'], args: ['v2'] }] },
      arm,
    );
    expect(error?.message).toMatch(/is not ready and cannot serve traffic\. injected: out of memory/);
    expect(failed.conditions?.find((c) => c.type === 'ContainerHealthy')?.message).toBe('injected: out of memory');
    // Only the next one: a retry succeeds.
    const [op] = await emu.clients.services.updateService({
      service: {
        name: serviceName('fail-injected'),
        invokerIamDisabled: true,
        template: { containers: [{ image: images.hello, command: ['node', '/app/app.js'], args: ['v3'] }] },
      },
    });
    const [ok] = await op.promise();
    expect((await hello(ok.uri)).args).toEqual(['v3']);
  });
});

describe('a first revision that fails', () => {
  it('leaves a service with a URL that answers 503 and no ready revision', async () => {
    const [op] = await emu.clients.services.createService({
      parent: 'projects/runway-test/locations/us-central1',
      serviceId: 'fail-first',
      service: { invokerIamDisabled: true, template: { containers: [{ image: images.crash }] } },
    });
    await expect(op.promise()).rejects.toMatchObject({ code: 9 });
    const [svc] = await emu.clients.services.getService({ name: serviceName('fail-first') });
    expect(svc.latestReadyRevision).toBe('');
    expect(svc.latestCreatedRevision).toMatch(/fail-first-00001-[a-z]{3}$/);
    expect(svc.trafficStatuses).toEqual([]);
    expect((await fetch(svc.uri!)).status).toBe(503);
  });
});

describe('secrets', () => {
  it('resolves env secrets (latest = highest version, or pinned) and secret volumes', async () => {
    const svc = await emu.deploy(
      'secrets',
      {
        image: images.hello,
        env: [
          { name: 'APP_DB_LATEST', valueSource: { secretKeyRef: { secret: 'db-url', version: 'latest' } } },
          { name: 'APP_DB_V1', valueSource: { secretKeyRef: { secret: 'projects/runway-test/secrets/db-url', version: '1' } } },
          { name: 'READ_FILE', value: '/secrets/db/url' },
        ],
        volumeMounts: [{ name: 'db', mountPath: '/secrets/db' }],
      },
      { template: { volumes: [{ name: 'db', secret: { secret: 'db-url', items: [{ path: 'url', version: '1' }] } }] } },
    );
    const body = await hello(svc.uri);
    expect(body.env).toEqual({ APP_DB_LATEST: 'postgres://new\nsecond line', APP_DB_V1: 'postgres://old' });
    expect(body.file).toBe('postgres://old');
  });
});

describe('startup probes', () => {
  it('uses an HTTP startup probe when configured: a path that answers 404 never becomes ready', async () => {
    const ok = await emu.deploy('probe-ok', { image: images.hello, startupProbe: { httpGet: { path: '/status/204' } } });
    expect(ok.latestReadyRevision).toBe(ok.latestCreatedRevision);
    const [op] = await emu.clients.services.createService({
      parent: ok.name!.split('/services/')[0],
      serviceId: 'probe-404',
      service: {
        template: {
          // The defaults (period 10 s x 3) would take 30 s; 1 s x 3 fails the same way sooner.
          containers: [
            { image: images.hello, startupProbe: { httpGet: { path: '/status/404' }, periodSeconds: 1, failureThreshold: 3 } },
          ],
        },
      },
    });
    await expect(op.promise()).rejects.toMatchObject({ code: 9, message: expect.stringMatching(/within the allocated timeout/) });
  });
});

describe('startup probe timing and reserved env', () => {
  it('uses the probe period x failure threshold as the startup deadline when configured', async () => {
    const [op] = await emu.clients.services.createService({
      parent: 'projects/runway-test/locations/us-central1',
      serviceId: 'probe-short',
      service: {
        template: {
          containers: [{ image: images['slow-start'], startupProbe: { tcpSocket: {}, periodSeconds: 1, failureThreshold: 1 } }],
        },
      },
    });
    await expect(op.promise()).rejects.toMatchObject({
      message: expect.stringMatching(/within the allocated timeout\.[\s\S]*The emulator allowed 1000 ms\./),
    });
  });

  it('rejects PORT set by the user, as Cloud Run reserves it', async () => {
    const before = await emu.state();
    await expect(
      emu.deploy('reserved-env', { image: images.hello, env: [{ name: 'PORT', value: '8080' }] }),
    ).rejects.toMatchObject({
      code: 3,
      details: expect.stringMatching(/The following reserved env names were provided: PORT\./),
    });
    expect(await emu.state()).toEqual(before);
  });
});

describe('injected RPC faults', () => {
  afterEach(() => emu.admin('DELETE', '/faults'));

  it('fails a named RPC N times with the given code and message, then recovers', async () => {
    const message =
      "Permission 'iam.serviceaccounts.actAs' denied on service account deployer@runway-test.iam.gserviceaccount.com (or it may not exist).";
    const name = (await emu.deploy('faulty', { image: images.hello })).name!;
    const res = await emu.admin('POST', '/faults', {
      method: 'google.cloud.run.v2.Services/GetService',
      code: 'PERMISSION_DENIED',
      message,
      times: 2,
    });
    expect(res.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      await expect(emu.clients.services.getService({ name }, { retry: null } as never)).rejects.toMatchObject({
        code: 7,
        details: message,
      });
    }
    const [svc] = await emu.clients.services.getService({ name });
    expect(svc.name).toBe(name);
  });

  it('rejects a malformed fault with 400 naming the field', async () => {
    const res = await emu.admin('POST', '/faults', { method: 'UpdateService', code: 'TEAPOT' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: expect.stringMatching(/code "TEAPOT" is not a gRPC status/) });
  });
});
