/**
 * Issue 21's rules of Cloud Run that a release meets in production, on the emulator with real
 * containers: CPU/memory/concurrency limits, the registries Cloud Run pulls from, the startup probe
 * window (emulator and deploy-cloudrun's input check, nothing changed when refused), a failed
 * release's template not carried into the next deploy, latest_ready_revision left on the serving
 * revision by a no-traffic one, the revisions Cloud Run keeps (and rollback to one it deleted), the
 * loopback warning, and a new etag when reconciliation ends.
 */
import {
  hello,
  PARENT,
  serviceName,
  shortName,
  startTestEmulator,
  type IService,
  type TestEmulator,
} from '../helpers/emulator-fixture';
import { runBundle, type ActionRun } from '../helpers/run-action';
import { ensureTestImage } from '../helpers/test-images';
import { readService } from '../../src/cloudrun/service-state';
import { setAnnotations } from '../../src/traffic/apply';
import { HISTORY_ANNOTATION } from '../../src/traffic/history';
import { promoteRevision } from '../../src/traffic/promote';
import { RecordingReporter } from '../../src/report';
import { memoryState } from '../../src/runtime/local';

jest.setTimeout(180_000);

const PROJECT = PARENT.split('/')[1];
const REGION = PARENT.split('/')[3];
/** Revisions the emulator keeps per service here (Cloud Run: 1000). */
const KEPT = 3;
let emu: TestEmulator;
let image: string;
let unique = 0;
const newService = (prefix: string) => `${prefix}-${process.pid % 10000}-${++unique}`;

beforeAll(async () => {
  image = await ensureTestImage('hello');
  emu = await startTestEmulator({ maxRevisions: KEPT });
});
afterAll(() => emu?.close());

const run = (bundle: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> =>
  runBundle(`dist/${bundle}/index.js`, {
    inputs: { region: REGION, ...inputs },
    env: { ...emu.emulator.env, GCLOUD_PROJECT: PROJECT, GITHUB_SHA: `${++unique}`.padStart(40, 'a'), ...env },
    timeoutMs: 150_000,
  });
// Public: these tests read the app's answers directly (services are private by default).
const deploy = (inputs: Record<string, string>) =>
  run('deploy-cloudrun', { 'wait-timeout': '60s', 'allow-unauthenticated': 'true', image, ...inputs });
const get = async (id: string) => (await emu.clients.services.getService({ name: serviceName(id) }))[0];
const revisionNames = async (id: string) =>
  (await emu.clients.revisions.listRevisions({ parent: serviceName(id) }))[0].map((r) => shortName(r.name)).sort();
const withLimits = (svc: IService, limits: Record<string, string>, concurrency?: number): IService => ({
  ...svc,
  template: {
    ...svc.template,
    revision: '',
    containers: [{ ...svc.template!.containers![0], resources: { limits } }],
    ...(concurrency ? { maxInstanceRequestConcurrency: concurrency } : {}),
  },
});

describe('CPU, memory and concurrency', () => {
  it('the emulator refuses what Cloud Run refuses, in validate_only too, and changes nothing', async () => {
    const svc = await emu.deploy(newService('limits'), { image });
    const before = await emu.state();
    await expect(emu.update(withLimits(svc, { cpu: '1.5', memory: '512Mi' }))).rejects.toMatchObject({
      code: 3,
      details: expect.stringMatching(
        /containers\[0\]\.resources\.limits\.cpu: Invalid value specified for cpu: 1\.5; above 1 it must be a whole number/,
      ),
    });
    await expect(
      emu.clients.services.updateService({ service: withLimits(svc, { cpu: '1', memory: '8Gi' }), validateOnly: true }),
    ).rejects.toMatchObject({
      code: 3,
      details: expect.stringMatching(
        /Invalid value specified for container memory\. For 1\.0 CPU, memory must be between 128Mi and 4Gi inclusive/,
      ),
    });
    await expect(emu.update(withLimits(svc, { cpu: '500m', memory: '512Mi' }, 80))).rejects.toMatchObject({
      details: expect.stringMatching(
        /max_instance_request_concurrency: Invalid value specified for cpu\. Total cpu < 1 is not supported with concurrency > 1/,
      ),
    });
    expect(await emu.state()).toEqual(before);
    // The same CPU with concurrency 1 is a valid revision that really starts.
    const small = await emu.update(withLimits(svc, { cpu: '500m', memory: '512Mi' }, 1));
    expect((await hello(small.uri)).revision).toBe(shortName(small.latestCreatedRevision));
  });

  it('deploy-cloudrun refuses before any change, naming the input; a valid pair deploys', async () => {
    const id = newService('limits-deploy');
    expect((await deploy({ service: id })).errors).toEqual([]);
    const revisions = await revisionNames(id);
    // Memory given alone meets the service's 1 CPU; CPU given alone meets its concurrency of 80.
    const memory = await deploy({ service: id, memory: '8Gi' });
    expect(memory.code).toBe(1);
    expect(memory.errors.join('\n')).toMatch(
      /Input "memory": Invalid value specified for container memory\. For 1\.0 CPU, memory must be between 128Mi and 4Gi inclusive \(got 8Gi\)/,
    );
    const cpu = await deploy({ service: id, cpu: '0.5' });
    expect(cpu.errors.join('\n')).toMatch(
      /Input "concurrency": Invalid value specified for cpu\. Total cpu < 1 is not supported with concurrency > 1 .*\(the service's current concurrency is 80; set the input to change it\)/,
    );
    // The input check alone: a CPU that is never valid.
    expect((await deploy({ service: id, cpu: '1.5' })).errors.join('\n')).toMatch(
      /Input "cpu": .*above 1 it must be a whole number/,
    );
    expect(await revisionNames(id)).toEqual(revisions);
    const ok = await deploy({ service: id, cpu: '2', memory: '8Gi' });
    expect(ok.errors).toEqual([]);
    expect((await hello(ok.outputs['tag-url'])).revision).toBe(ok.outputs.revision);
  });
});

describe('registries Cloud Run pulls from', () => {
  const other = `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`;
  it("the emulator refuses another host with Cloud Run's message; its own registry passes", async () => {
    await expect(
      emu.clients.services.createService({
        parent: PARENT,
        serviceId: newService('ghcr'),
        service: { template: { containers: [{ image: other }] } },
      }),
    ).rejects.toMatchObject({
      code: 3,
      details: expect.stringMatching(
        /template\.containers\[0\]\.image: Expected an image path like \[host\/\]repo-path\[:tag and\/or @digest\], where host is one of \[region\.\]gcr\.io, \[region-\]docker\.pkg\.dev or docker\.io but obtained ghcr\.io\/acme\/web@sha256:a+\. To deploy container images from other public or private registries, set up an Artifact Registry remote repository\./,
      ),
    });
  });

  it('deploy-cloudrun refuses it in its input check', async () => {
    const id = newService('ghcr-deploy');
    const refused = await deploy({ service: id, image: other });
    expect(refused.code).toBe(1);
    expect(refused.errors.join('\n')).toMatch(
      /Input "image": Cloud Run cannot pull it\. Expected an image path like .*Artifact Registry remote repository/,
    );
    await expect(get(id)).rejects.toMatchObject({ code: 5 });
  });
});

describe('the startup probe window', () => {
  it('is at most 240 s (failure threshold × period) in the emulator and in deploy-cloudrun; the initial delay comes on top', async () => {
    const svc = await emu.deploy(newService('probe'), { image });
    const probe = { httpGet: { path: '/' }, periodSeconds: 10, failureThreshold: 25 };
    await expect(emu.update({ ...svc, template: { containers: [{ image, startupProbe: probe }] } })).rejects.toMatchObject({
      code: 3,
      details: expect.stringMatching(
        /startup_probe: failure_threshold × period_seconds must be at most 240 seconds, got 25 × 10 = 250/,
      ),
    });
    const id = newService('probe-deploy');
    const refused = await deploy({ service: id, 'startup-probe': '/ period=10s failure-threshold=25' });
    expect(refused.errors.join('\n')).toMatch(
      /Input "startup-probe": .*failure-threshold × period must be at most 240 seconds on Cloud Run, got 25 × 10s = 250s/,
    );
    await expect(get(id)).rejects.toMatchObject({ code: 5 });
    const ok = await deploy({ service: id, 'startup-probe': '/ period=10s failure-threshold=24 initial-delay=1s' });
    expect(ok.errors).toEqual([]);
    expect((await get(id)).template?.containers?.[0].startupProbe).toMatchObject({
      failureThreshold: 24,
      periodSeconds: 10,
      initialDelaySeconds: 1,
    });
  });
});

describe('a failed release leaves its template behind', () => {
  it('the next deploy builds on the revision that serves, not on the failed spec; latest_ready_revision stays on what serves', async () => {
    const id = newService('listen');
    const first = await deploy({ service: id, 'env-vars': 'APP_KEEP=yes' });
    expect(first.errors).toEqual([]);
    // A release that listens on 127.0.0.1 only: it never becomes Ready (and deploy warned about it).
    const bad = await deploy({ service: id, 'env-vars': 'LISTEN_HOST=127.0.0.1' });
    expect(bad.code).toBe(1);
    expect(bad.warnings.join('\n')).toMatch(/LISTEN_HOST names the loopback address 127\.0\.0\.1/);
    const stored = await get(id);
    // Cloud Run keeps the requested template though its revision failed.
    expect(shortName(stored.template?.revision)).toBe(bad.stdout.match(/with revision (\S+)/)?.[1]);
    expect(stored.template?.containers?.[0].env).toContainEqual(
      expect.objectContaining({ name: 'LISTEN_HOST', value: '127.0.0.1' }),
    );

    // The next deploy of a fixed image, without env-vars, succeeds.
    const fixed = await deploy({ service: id });
    expect(fixed.errors).toEqual([]);
    expect(fixed.stdout).toMatch(
      new RegExp(
        `Building the new template from ${first.outputs.revision}, the revision that serves: the service's stored template is that of \\S+, which is not Ready`,
      ),
    );
    // It serves (so it listens on 0.0.0.0), keeps the serving revision's settings, and drops the failed one's.
    expect((await hello(fixed.outputs['tag-url'])).env).toEqual({ APP_KEEP: 'yes' });
    expect((await get(id)).template?.containers?.[0].env?.map((e) => e.name)).toEqual(['APP_KEEP']);
    // The new revision is Ready and takes no traffic: latest_ready_revision stays on the serving one.
    const after = await get(id);
    expect(shortName(after.latestCreatedRevision)).toBe(fixed.outputs.revision);
    expect(shortName(after.latestReadyRevision)).toBe(first.outputs.revision);
    expect(after.terminalCondition?.state).toBe('CONDITION_SUCCEEDED');
  });
});

describe('revisions kept', () => {
  it(`keeps the newest ${KEPT} (Cloud Run: 1000); a rollback to a deleted one fails clearly, and "previous" passes over it`, async () => {
    const id = newService('kept');
    // Each new revision takes all traffic (LATEST), so the older ones serve nothing.
    let svc = await emu.deploy(id, { image, env: [{ name: 'APP_V', value: '1' }] });
    const names = [shortName(svc.latestCreatedRevision)];
    for (let v = 2; v <= KEPT + 2; v++) {
      svc = await emu.update({ ...svc, template: { containers: [{ image, env: [{ name: 'APP_V', value: String(v) }] }] } });
      names.push(shortName(svc.latestCreatedRevision));
    }
    expect(await revisionNames(id)).toEqual(names.slice(-KEPT).sort());
    const [gone] = names;
    const to = await run('rollback', { service: id, to: gone });
    expect(to.code).toBe(1);
    expect(to.errors.join('\n')).toMatch(
      new RegExp(
        `refusing to roll back, nothing was changed: ${gone} does not exist \\(deleted: Cloud Run keeps at most 1,000 revisions per service`,
      ),
    );
    // A history whose newest release before the current one was deleted: the one before it is chosen.
    const target = { project: PROJECT, region: REGION, service: id };
    const current = await readService(emu.clients, target);
    const history = [names[4], names[1], names[3]].map((revision) => ({
      action: 'promote',
      revision,
      time: '2026-01-01T00:00:00Z',
    }));
    await setAnnotations(emu.clients, target, current, { ...current.annotations, [HISTORY_ANNOTATION]: JSON.stringify(history) });
    const previous = await run('rollback', { service: id, to: 'previous' });
    expect(previous.errors).toEqual([]);
    expect(previous.outputs.revision).toBe(names[3]);
    expect(previous.stdout).toMatch(new RegExp(`passed over ${names[1]}: no longer exist`));
  });
});

describe('the etag when reconciliation ends', () => {
  it("changes after the operation's response was taken: reusing it is ABORTED; promote reads again before each step", async () => {
    const svc = await emu.deploy(newService('etag'), { image });
    const [op] = await emu.clients.services.updateService({ service: { ...svc, labels: { step: '1' } } });
    const [response] = await op.promise();
    expect(response.etag).not.toBe((await get(shortName(svc.name))).etag);
    await expect(emu.clients.services.updateService({ service: { ...response, labels: { step: '2' } } })).rejects.toMatchObject({
      code: 10,
    });

    // Two steps and the release record: three traffic updates in a row, each with a fresh etag.
    const id = newService('etag-promote');
    const first = await deploy({ service: id });
    const second = await deploy({ service: id });
    const result = await promoteRevision(
      emu.clients,
      {
        target: { project: PROJECT, region: REGION, service: id },
        candidate: second.outputs.revision,
        steps: [50, 100],
        bakeSeconds: 0,
        rollbackOnFailure: true,
        state: memoryState(),
      },
      new RecordingReporter(),
    );
    expect(result).toMatchObject({ verdict: 'pass', reasons: [] });
    const after = await readService(emu.clients, { project: PROJECT, region: REGION, service: id });
    expect(after.served.filter((e) => e.percent > 0).map((e) => [e.revision, e.percent])).toEqual([
      [second.outputs.revision, 100],
    ]);
    expect(after.annotations[HISTORY_ANNOTATION]).toContain(second.outputs.revision);
    expect(first.outputs.revision).not.toBe(second.outputs.revision);
  });
});
