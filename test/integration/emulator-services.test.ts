/**
 * Cloud Run emulator conformance: Services, Revisions and Operations through the real
 * @google-cloud/run client, with revisions running as real containers.
 */
import * as grpc from '@grpc/grpc-js';
import { loadProtos } from '../../emulator/apis/protos';
import { ensureTestImage } from '../helpers/test-images';
import {
  containersGone,
  hello,
  PARENT,
  runningContainers,
  serviceName,
  shortName,
  startTestEmulator,
  target,
  type TestEmulator,
} from '../helpers/emulator-fixture';

jest.setTimeout(120_000);

const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
let emu: TestEmulator;
let image: string;
/** How long a revision that lost its traffic keeps its idle container here: long enough to move traffic back on a busy machine. */
const IDLE_MS = 8000;

beforeAll(async () => {
  image = await ensureTestImage('hello');
  emu = await startTestEmulator({ idleInstanceMs: IDLE_MS });
});
afterAll(() => emu?.close());

describe('CreateService', () => {
  it('creates a Ready service whose URL serves the first revision, named SERVICE-00001-xyz', async () => {
    const svc = await emu.deploy('create-basic', { image, env: [{ name: 'APP_GREETING', value: 'hi' }] });
    expect(svc.name).toBe(serviceName('create-basic'));
    expect(shortName(svc.latestCreatedRevision)).toMatch(/^create-basic-00001-[a-z]{3}$/);
    expect(svc.latestReadyRevision).toBe(svc.latestCreatedRevision);
    expect([String(svc.generation), String(svc.observedGeneration), svc.reconciling]).toEqual(['1', '1', false]);
    // The fixture reads the service again after the operation; GetService gives enum names.
    const [got] = await emu.clients.services.getService({ name: svc.name! });
    expect(got.terminalCondition).toMatchObject({ type: 'Ready', state: 'CONDITION_SUCCEEDED' });
    // An operation's result is decoded by protobufjs (enums as numbers).
    const [op] = await emu.clients.services.updateService({ service: { ...got, labels: { read: 'op' } } });
    expect((await op.promise())[0].terminalCondition?.state).toBe(4);
    expect(got.conditions?.map((c) => [c.type, c.state])).toEqual([
      ['RoutesReady', 'CONDITION_SUCCEEDED'],
      ['ConfigurationsReady', 'CONDITION_SUCCEEDED'],
    ]);
    expect(svc.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(svc.urls).toEqual([svc.uri]);
    expect(got.traffic).toMatchObject([{ type: LATEST, percent: 100 }]);
    expect(got.trafficStatuses).toMatchObject([{ type: LATEST, percent: 100, revision: '' }]);
    const body = await hello(svc.uri);
    expect(body).toMatchObject({
      service: 'create-basic',
      revision: shortName(svc.latestReadyRevision),
      env: { APP_GREETING: 'hi' },
    });
    const [revision] = await emu.clients.revisions.getRevision({ name: svc.latestReadyRevision! });
    expect(revision.service).toBe(svc.name);
    expect(revision.containers?.[0].image).toBe(image);
    expect(revision.conditions?.map((c) => [c.type, c.state])).toEqual([
      ['Ready', 'CONDITION_SUCCEEDED'],
      ['ContainerHealthy', 'CONDITION_SUCCEEDED'],
      ['ResourcesAvailable', 'CONDITION_SUCCEEDED'],
    ]);
  });

  it('passes command and args to the container and uses template.revision as the name', async () => {
    const svc = await emu.deploy(
      'create-named',
      { image, command: ['node', '/app/app.js'], args: ['--flag', 'two words'] },
      { template: { revision: 'create-named-v1' } },
    );
    expect(shortName(svc.latestReadyRevision)).toBe('create-named-v1');
    expect(await hello(svc.uri)).toMatchObject({ revision: 'create-named-v1', args: ['--flag', 'two words'] });
  });

  it('rejects an existing service with ALREADY_EXISTS and a bad ID with INVALID_ARGUMENT', async () => {
    await emu.deploy('create-twice', { image });
    await expect(emu.deploy('create-twice', { image })).rejects.toMatchObject({ code: 6 });
    await expect(emu.deploy('Bad_Name', { image })).rejects.toMatchObject({
      code: 3,
      details: expect.stringMatching(/Service name 'Bad_Name' is invalid: it must use only lowercase letters/),
    });
  });
});

describe('UpdateService', () => {
  let svc: Awaited<ReturnType<TestEmulator['deploy']>>;
  beforeAll(async () => {
    svc = await emu.deploy('update', { image, env: [{ name: 'APP_V', value: '1' }] });
  });

  it('creates a new revision for a template change and serves it under a no-traffic tag', async () => {
    const first = shortName(svc.latestReadyRevision);
    const updated = await emu.update({
      ...svc,
      template: { ...svc.template, containers: [{ image, env: [{ name: 'APP_V', value: '2' }] }] },
      traffic: [
        { type: REVISION, revision: first, percent: 100 },
        { type: LATEST, percent: 0, tag: 'candidate' },
      ],
    });
    // A Ready revision without traffic does not move latest_ready_revision ("the latest revision that is serving traffic").
    expect(updated.latestReadyRevision).toBe(svc.latestReadyRevision);
    const second = shortName(updated.latestCreatedRevision);
    expect(second).toMatch(/^update-00002-[a-z]{3}$/);
    expect([String(updated.generation), String(updated.observedGeneration)]).toEqual(['2', '2']);
    expect(updated.etag).not.toBe(svc.etag);
    const tagged = updated.trafficStatuses?.find((t) => t.tag === 'candidate');
    expect(tagged?.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(tagged?.uri).not.toBe(updated.uri);
    expect((await hello(tagged?.uri)).revision).toBe(second);
    expect((await hello(updated.uri)).revision).toBe(first);
    svc = updated;
  });

  it('changes traffic without a new revision, and scales down the revision that lost its traffic and tag once idle', async () => {
    const before = await emu.clients.revisions.listRevisions({ parent: svc.name! });
    const [first, second] = [shortName(before[0][1].name), shortName(before[0][0].name)];
    const updated = await emu.update({ ...svc, traffic: [{ type: REVISION, revision: second, percent: 100 }] });
    const [after] = await emu.clients.revisions.listRevisions({ parent: svc.name! });
    expect(after).toHaveLength(2);
    expect(String(updated.generation)).toBe('3');
    expect(updated.latestCreatedRevision).toBe(svc.latestCreatedRevision);
    expect((await hello(updated.uri)).revision).toBe(second);
    // Idle, then scaled down once its in-flight requests are done (none here) and its idle time is over.
    expect(runningContainers(first)).toHaveLength(1);
    expect(await containersGone(first, IDLE_MS + 15_000)).toEqual([]);
    expect(runningContainers(second)).toHaveLength(1);
    svc = updated;
  });

  it('applies only the fields named in update_mask', async () => {
    const updated = await emu.update(
      { name: svc.name, labels: { team: 'web' }, template: { containers: [{ image: 'ignored.example/not-pulled:1' }] } },
      { updateMask: { paths: ['labels'] } },
    );
    expect(updated.labels).toEqual({ team: 'web' });
    expect(updated.latestCreatedRevision).toBe(svc.latestCreatedRevision);
    expect(updated.template?.containers?.[0].image).toBe(image);
    svc = updated;
  });

  it('rejects a stale etag with ABORTED and changes nothing', async () => {
    const before = await emu.state();
    await expect(emu.update({ ...svc, etag: '"stale"', labels: { x: 'y' } })).rejects.toMatchObject({
      code: 10,
      details: expect.stringMatching(/etag "stale" of the request does not match/),
    });
    expect(await emu.state()).toEqual(before);
  });

  it('accepts the current etag', async () => {
    const [current] = await emu.clients.services.getService({ name: svc.name! });
    const updated = await emu.update({ ...current, annotations: { 'runway.dev/note': 'etag ok' } });
    expect(updated.annotations).toEqual({ 'runway.dev/note': 'etag ok' });
    svc = updated;
  });

  it('validate_only returns the would-be service and changes nothing', async () => {
    const before = await emu.state();
    const [op] = await emu.clients.services.updateService({
      service: { ...svc, labels: { only: 'validated' } },
      validateOnly: true,
    });
    const [preview] = await op.promise();
    expect(preview.labels).toEqual({ only: 'validated' });
    const after = (await emu.state()) as { services: unknown; revisions: unknown };
    expect(after.services).toEqual((before as typeof after).services);
    expect(after.revisions).toEqual((before as typeof after).revisions);
  });

  it("sets no HOST (Cloud Run sets only PORT and K_*): a HOST env var is the service's own", async () => {
    const plain = await emu.deploy('host-default', { image });
    expect((await hello(plain.uri)).host).toBeUndefined();
    const own = await emu.deploy('host-own', { image, env: [{ name: 'HOST', value: '::1' }] });
    expect((await hello(own.uri)).host).toBe('::1');
  });

  it('NOT_FOUND for a missing service unless allow_missing, which creates it', async () => {
    const name = serviceName('upsert');
    const service = { name, invokerIamDisabled: true, template: { containers: [{ image }] } };
    await expect(emu.clients.services.updateService({ service })).rejects.toMatchObject({ code: 5 });
    const created = await emu.update(service, { allowMissing: true });
    expect([created.name, String(created.generation)]).toEqual([name, '1']);
    expect((await hello(created.uri)).service).toBe('upsert');
  });
});

describe('Get, List, Delete and TestIamPermissions', () => {
  it('lists services page by page', async () => {
    for (const id of ['list-a', 'list-b', 'list-c']) await emu.deploy(id, { image });
    const [services] = await emu.clients.services.listServices({ parent: PARENT });
    expect(services.map((s) => shortName(s.name))).toEqual(expect.arrayContaining(['list-a', 'list-b', 'list-c']));
    const [page, next] = await emu.clients.services.listServices({ parent: PARENT, pageSize: 2 }, { autoPaginate: false });
    expect(page).toHaveLength(2);
    expect(next?.pageToken).toBeTruthy();
  });

  it('NOT_FOUND for a missing service and INVALID_ARGUMENT for a malformed name', async () => {
    await expect(emu.clients.services.getService({ name: serviceName('missing') })).rejects.toMatchObject({ code: 5 });
    await expect(emu.clients.services.getService({ name: 'services/x' })).rejects.toMatchObject({ code: 3 });
  });

  it('TestIamPermissions returns the permissions asked about, less the denied ones', async () => {
    await emu.deploy('iam', { image });
    const [res] = await emu.clients.services.testIamPermissions({
      resource: serviceName('iam'),
      permissions: ['run.services.get', 'run.services.update'],
    });
    expect(res.permissions).toEqual(['run.services.get', 'run.services.update']);
    // A missing role, as a test sets it up: the answer leaves the denied permission out.
    expect((await emu.admin('POST', '/permissions/deny', { permission: 'run.services.update' })).status).toBe(201);
    expect((await emu.admin('POST', '/permissions/deny', { permission: 'update' })).status).toBe(400);
    try {
      const [denied] = await emu.clients.services.testIamPermissions({
        resource: serviceName('iam'),
        permissions: ['run.services.get', 'run.services.update'],
      });
      expect(denied.permissions).toEqual(['run.services.get']);
    } finally {
      await emu.admin('DELETE', '/faults');
    }
  });

  it('refuses to delete with a stale etag (ABORTED) and validate_only deletes nothing', async () => {
    const svc = await emu.deploy('delete-guarded', { image });
    const before = await emu.state();
    await expect(emu.clients.services.deleteService({ name: svc.name!, etag: '"stale"' })).rejects.toMatchObject({ code: 10 });
    const [op] = await emu.clients.services.deleteService({ name: svc.name!, validateOnly: true });
    await op.promise();
    const after = (await emu.state()) as { services: unknown; revisions: unknown };
    expect([after.services, after.revisions]).toEqual([(before as typeof after).services, (before as typeof after).revisions]);
    expect((await hello(svc.uri)).service).toBe('delete-guarded');
  });

  it('deletes a service: its URL stops answering, its revisions and containers are gone', async () => {
    const svc = await emu.deploy('delete-me', { image });
    const revision = shortName(svc.latestReadyRevision);
    const [op] = await emu.clients.services.deleteService({ name: svc.name! });
    const [deleted] = await op.promise();
    expect(deleted.deleteTime).toBeTruthy();
    await expect(emu.clients.services.getService({ name: svc.name! })).rejects.toMatchObject({ code: 5 });
    await expect(emu.clients.revisions.getRevision({ name: svc.latestReadyRevision! })).rejects.toMatchObject({ code: 5 });
    await expect(fetch(svc.uri!)).rejects.toThrow();
    expect(runningContainers(revision)).toEqual([]);
  });
});

describe('Operations', () => {
  it('returns a real operation: Any payloads of the right type, listed, waited on and polled', async () => {
    await emu.admin('POST', '/operation-delay', { ms: 1500 });
    try {
      const [op] = await emu.clients.services.createService({
        parent: PARENT,
        serviceId: 'ops',
        service: { template: { containers: [{ image }] } },
      });
      expect(op.done).toBe(false);
      expect(op.name).toMatch(/^projects\/runway-test\/locations\/us-central1\/operations\/[0-9a-f-]{36}$/);
      const listed: (string | null | undefined)[] = [];
      for await (const o of emu.clients.services.listOperationsAsync({ name: PARENT } as never)) listed.push(o.name);
      expect(listed).toContain(op.name);
      const [got] = await emu.clients.services.getOperation({ name: op.name! } as never);
      expect(got.done).toBe(false);
      expect(got.metadata?.type_url).toBe('type.googleapis.com/google.cloud.run.v2.Service');
      // WaitOperation (not in the generated client): raw gRPC on the same port.
      const root = loadProtos(['google/longrunning/operations.proto']) as unknown as {
        google: { longrunning: { Operations: grpc.ServiceClientConstructor } };
      };
      const raw = new root.google.longrunning.Operations(emu.emulator.endpoint, grpc.credentials.createInsecure());
      const waited = await new Promise<{ done: boolean; response: { typeUrl: string } }>((resolve, reject) =>
        raw.WaitOperation({ name: op.name, timeout: { seconds: 30 } }, (e: Error | null, r: never) =>
          e ? reject(e) : resolve(r),
        ),
      );
      raw.close();
      expect(waited.done).toBe(true);
      const [svc] = await op.promise();
      expect(svc.name).toBe(serviceName('ops'));
      const [finished] = await emu.clients.services.getOperation({ name: op.name! } as never);
      expect(finished.done).toBe(true);
      expect(finished.response?.type_url).toBe('type.googleapis.com/google.cloud.run.v2.Service');
    } finally {
      await emu.admin('DELETE', '/faults');
    }
  });
});

describe('Idle instances', () => {
  const containerIds = (revision: string) => runningContainers(revision, 'ID');

  it('traffic moved back within idle-instance-ms meets the idle container; after it, a new one starts', async () => {
    const v1 = await emu.deploy('idle', { image, env: [{ name: 'APP_V', value: '1' }] });
    const first = shortName(v1.latestReadyRevision);
    const warm = containerIds(first);
    expect(warm).toHaveLength(1);
    const v2 = await emu.update({ ...v1, template: { containers: [{ image, env: [{ name: 'APP_V', value: '2' }] }] } });
    const second = shortName(v2.latestReadyRevision);
    expect((await hello(v2.uri)).revision).toBe(second);

    // A rollback moments later: the same container answers, nothing was started.
    const back = await emu.update({ ...v2, traffic: [target(first, 100)] });
    expect((await hello(back.uri)).revision).toBe(first);
    expect(containerIds(first)).toEqual(warm);

    // Away again and past the idle time: scaled to zero; traffic moved back starts a new container.
    const away = await emu.update({ ...back, traffic: [{ type: LATEST, percent: 100 }] });
    expect(await containersGone(first, IDLE_MS + 15_000)).toEqual([]);
    const cold = await emu.update({ ...away, traffic: [target(first, 100)] });
    expect((await hello(cold.uri)).revision).toBe(first);
    const started = containerIds(first);
    expect(started).toHaveLength(1);
    expect(started).not.toEqual(warm);
  });
});
