/**
 * deploy-cloudrun's `template` input against the emulator with a real container: the fragment's
 * fields (CPU boost, always-on CPU, execution environment, liveness probe, an in-memory volume and
 * its mount, session affinity) land on the new revision beside what the other inputs set, and a
 * fragment Cloud Run would refuse is stopped by the validate_only preflight with nothing changed.
 */
import { PARENT, serviceName, startTestEmulator, type TestEmulator } from '../helpers/emulator-fixture';
import { runBundle } from '../helpers/run-action';
import { ensureTestImage } from '../helpers/test-images';

jest.setTimeout(180_000);

const PROJECT = PARENT.split('/')[1];
const SERVICE = `tpl-${process.pid % 10000}-${Date.now() % 100000}`;
let emu: TestEmulator;
let image: string;

const deploy = (inputs: Record<string, string>, sha: string) =>
  runBundle('dist/deploy-cloudrun/index.js', {
    inputs: { service: SERVICE, image, 'wait-timeout': '60s', ...inputs },
    env: { ...emu.emulator.env, GCLOUD_PROJECT: PROJECT, GITHUB_SHA: sha.repeat(40 / sha.length) },
    timeoutMs: 150_000,
  });
const readService = async () => (await emu.clients.services.getService({ name: serviceName(SERVICE) }))[0];

beforeAll(async () => {
  emu = await startTestEmulator();
  image = await ensureTestImage('hello');
});
afterAll(async () => {
  await emu?.close();
});

it('merges the template fragment into the revision the inputs describe', async () => {
  const run = await deploy(
    {
      memory: '512Mi',
      template: [
        'executionEnvironment: EXECUTION_ENVIRONMENT_GEN2',
        'sessionAffinity: true',
        'volumes: [{ name: scratch, emptyDir: { medium: MEMORY, sizeLimit: 64Mi } }]',
        'containers:',
        '  - resources: { cpuIdle: false, startupCpuBoost: true }',
        '    volumeMounts: [{ name: scratch, mountPath: /scratch }]',
        '    livenessProbe: { httpGet: { path: / }, periodSeconds: 10, failureThreshold: 3 }',
      ].join('\n'),
    },
    'a1',
  );
  expect(run.code).toBe(0);
  const [revision] = await emu.clients.revisions.getRevision({
    name: `${serviceName(SERVICE)}/revisions/${run.outputs.revision}`,
  });
  expect(revision.executionEnvironment).toBe('EXECUTION_ENVIRONMENT_GEN2');
  expect(revision.sessionAffinity).toBe(true);
  expect(revision.volumes).toEqual([
    expect.objectContaining({ name: 'scratch', emptyDir: expect.objectContaining({ medium: 'MEMORY', sizeLimit: '64Mi' }) }),
  ]);
  const [container] = revision.containers ?? [];
  expect(container.image).toBe(image);
  expect(container.resources).toMatchObject({ limits: { memory: '512Mi' }, cpuIdle: false, startupCpuBoost: true });
  expect(container.volumeMounts).toEqual([expect.objectContaining({ name: 'scratch', mountPath: '/scratch' })]);
  expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/' }, periodSeconds: 10, failureThreshold: 3 });
});

it('a fragment Cloud Run refuses fails the validate_only preflight and changes nothing', async () => {
  const before = await readService();
  const run = await deploy({ template: 'containers: [{ startupProbe: { tcpSocket: {}, periodSeconds: 500 } }]' }, 'b2');
  expect(run.code).not.toBe(0);
  expect(run.stdout).toContain('Preflight: the API rejected the change, nothing was changed');
  expect(run.stdout).toMatch(/period/i);
  const after = await readService();
  expect(after.generation).toBe(before.generation);
  expect(after.latestCreatedRevision).toBe(before.latestCreatedRevision);
});

it('a field that is not in RevisionTemplate is an input error naming it, before any call', async () => {
  const before = await readService();
  const run = await deploy({ template: 'containers: [{ resources: { cpuBoost: true } }]' }, 'c3');
  expect(run.code).not.toBe(0);
  expect(run.stdout).toContain('template.containers[0].resources.cpuBoost is not a field of ResourceRequirements');
  expect((await readService()).generation).toBe(before.generation);
});
