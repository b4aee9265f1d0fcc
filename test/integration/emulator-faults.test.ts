/**
 * Injected faults before and after the change is applied, for every mutating call the actions make
 * (UpdateService, CreateService, RunJob, Artifact Registry CreateTag and DeleteTag), through the real
 * clients. Before: the call fails and nothing changes. After: the change is made (an operation runs),
 * then the caller gets the error, as when a response is lost or a deadline passes after the server
 * acted: what a retry must re-read before it repeats anything.
 */
import * as grpc from '@grpc/grpc-js';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { TEST_REGISTRY } from '../helpers/test-images';
import { PARENT, serviceName, emulatorForFile } from '../helpers/emulator-fixture';

jest.setTimeout(120_000);

const CODES = ['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'ABORTED', 'PERMISSION_DENIED'] as const;
const WHEN = ['before', 'after'] as const;

const file = emulatorForFile();

const arm = async (method: string, code: string, when: string) =>
  expect((await file.emu.admin('POST', '/faults', { method, code, when })).status).toBe(201);

/** The call's error, which must be the injected one. */
async function failsWith(call: Promise<unknown>, code: string): Promise<void> {
  await expect(call).rejects.toMatchObject({ code: grpc.status[code as keyof typeof grpc.status] });
}

/** Waits until the emulator has no open operation (the one an after-apply fault hid from the caller). */
async function settled(): Promise<void> {
  for (;;) {
    const ops = Object.values(((await file.emu.state()) as { operations: Record<string, { done: boolean }> }).operations);
    if (ops.every((o) => o.done)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('UpdateService', () => {
  beforeAll(() => file.emu.deploy('faulted', { image: file.image }));

  it.each(WHEN.flatMap((when) => CODES.map((code) => [when, code] as const)))('%s apply, %s', async (when, code) => {
    const [read] = await file.emu.clients.services.getService({ name: serviceName('faulted') });
    const label = `${when}-${code.toLowerCase().replace(/_/g, '-')}`;
    await arm('UpdateService', code, when);
    await failsWith(file.emu.clients.services.updateService({ service: { ...read, labels: { case: label } } }), code);
    await settled();
    const [after] = await file.emu.clients.services.getService({ name: read.name! });
    if (when === 'before') {
      expect([after.etag, after.labels]).toEqual([read.etag, read.labels]);
    } else {
      // Applied: a retry with the etag it read would now be ABORTED, so it must re-read first.
      expect(after.labels).toEqual({ case: label });
      expect(String(after.generation)).toBe(String(Number(read.generation) + 1));
      await expect(
        file.emu.clients.services.updateService({ service: { ...read, labels: { case: 'retry' } } }),
      ).rejects.toMatchObject({
        code: grpc.status.ABORTED,
      });
    }
  });
});

describe('CreateService', () => {
  it.each(WHEN)('%s apply: the service exists only after an after-apply fault', async (when) => {
    const id = `created-${when}`;
    await arm('CreateService', 'DEADLINE_EXCEEDED', when);
    await failsWith(
      file.emu.clients.services.createService({
        parent: PARENT,
        serviceId: id,
        service: { template: { containers: [{ image: file.image }] } },
      }),
      'DEADLINE_EXCEEDED',
    );
    await settled();
    const found = await file.emu.clients.services.getService({ name: serviceName(id) }).then(
      () => true,
      () => false,
    );
    expect(found).toBe(when === 'after');
  });
});

describe('RunJob', () => {
  it.each(WHEN)('%s apply: an execution ran only after an after-apply fault', async (when) => {
    const [op] = await file.emu.clients.jobs.createJob({
      parent: PARENT,
      jobId: `migrate-${when}`,
      job: {
        template: {
          template: { containers: [{ image: file.image, command: ['node', '-e', 'process.exit(0)'] }], maxRetries: 0 },
        },
      },
    });
    const [job] = await op.promise();
    await arm('RunJob', 'UNAVAILABLE', when);
    await failsWith(file.emu.clients.jobs.runJob({ name: job.name! }), 'UNAVAILABLE');
    await settled();
    const [executions] = await file.emu.clients.executions.listExecutions({ parent: job.name! });
    expect(executions).toHaveLength(when === 'after' ? 1 : 0);
  });
});

describe('Artifact Registry CreateTag and DeleteTag', () => {
  const project = `runway-faults-${randomBytes(3).toString('hex')}`;
  const pkg = `projects/${project}/locations/us-central1/repositories/apps/packages/web`;
  let version: string;

  beforeAll(() => {
    const ref = `${TEST_REGISTRY}/us-central1-docker.pkg.dev/${project}/apps/web:v1`;
    execFileSync('docker', ['pull', '-q', file.image]);
    execFileSync('docker', ['tag', file.image, ref]);
    execFileSync('docker', ['push', '-q', ref]);
    version = `${pkg}/versions/${file.image.split('@')[1]}`;
  });

  const tags = async () =>
    (await file.emu.clients.artifactRegistry.listTags({ parent: pkg }))[0].map((t) => t.name!.split('/').pop()).sort();

  it.each(WHEN)('%s apply', async (when) => {
    await arm('CreateTag', 'ABORTED', when);
    await failsWith(
      file.emu.clients.artifactRegistry.createTag({ parent: pkg, tagId: `made-${when}`, tag: { version } }),
      'ABORTED',
    );
    expect((await tags()).includes(`made-${when}`)).toBe(when === 'after');

    await file.emu.clients.artifactRegistry.createTag({ parent: pkg, tagId: `gone-${when}`, tag: { version } });
    await arm('DeleteTag', 'PERMISSION_DENIED', when);
    await failsWith(file.emu.clients.artifactRegistry.deleteTag({ name: `${pkg}/tags/gone-${when}` }), 'PERMISSION_DENIED');
    expect((await tags()).includes(`gone-${when}`)).toBe(when === 'before');
  });
});
