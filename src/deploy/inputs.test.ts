import { inputProblems } from '../../test/helpers/input-problems';
import { readInputs, resolveInputs } from '../inputs';
import { deployCloudRunAction, deployTag } from './inputs';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const read = (raw: Record<string, string>, env: NodeJS.ProcessEnv = { GITHUB_SHA: SHA, GCLOUD_PROJECT: 'acme-prod' }) =>
  readInputs(deployCloudRunAction, (n) => ({ service: 'web', image: 'us-docker.pkg.dev/acme/apps/web:v1', ...raw })[n], env);

describe('deploy-cloudrun inputs', () => {
  it('reads the defaults', () => {
    const v = read({});
    expect(v['no-traffic']).toBe(true);
    expect(v['wait-timeout']).toBe(300);
    expect(v['env-vars-update-strategy']).toBe('merge');
    expect(v.image).toEqual({ registry: 'us-docker.pkg.dev', path: 'acme/apps/web', tag: 'v1', digest: undefined });
    expect(deployTag(v, { GITHUB_SHA: SHA })).toBe('sha-abcdef012345');
  });

  it.each([
    [{ tag: 'canary' }, {}, 'canary'],
    [{ service: 'a'.repeat(36) }, {}, 'sha-abcdef'],
  ])('tag for %j', (raw, env, tag) => {
    expect(deployTag(read(raw), { GITHUB_SHA: SHA, ...env })).toBe(tag);
  });

  it.each([
    [{ tag: 'Canary' }, { GITHUB_SHA: SHA, GCLOUD_PROJECT: 'acme-prod' }, /Input "tag": "Canary" is not a traffic tag/],
    [{}, { GCLOUD_PROJECT: 'acme-prod' }, /Input "tag": is required when GITHUB_SHA is not set/],
    [
      { service: 'a'.repeat(43) },
      { GITHUB_SHA: SHA, GCLOUD_PROJECT: 'acme-prod' },
      /Input "tag": the service name .* is too long/,
    ],
    [{}, { GITHUB_SHA: SHA }, /Input "project-id": is required/],
    [{ 'vpc-egress': 'all-traffic' }, undefined, /Input "vpc-egress": needs vpc-connector/],
    [{ 'env-vars': 'APP_TOKEN=x', secrets: 'APP_TOKEN=t:1' }, undefined, /Input "secrets": APP_TOKEN is also given in env-vars/],
    [{ labels: 'Team=web' }, undefined, /Input "labels": .*label key "Team"/],
    [{ labels: 'team=Web' }, undefined, /Input "labels": .*value "Web"/],
    [{ 'env-vars': 'K_SERVICE=x' }, undefined, /K_SERVICE is set by Cloud Run itself/],
    [{ args: '["a", 1]' }, undefined, /Input "args": .*JSON array of strings/],
    [{ 'startup-probe': 'healthz' }, undefined, /Input "startup-probe": .*HTTP path starting with \//],
    [{ 'cloudsql-instances': 'main' }, undefined, /Input "cloudsql-instances": .*PROJECT:REGION:INSTANCE/],
    [{ 'service-account': 'app@example.com' }, undefined, /Input "service-account"/],
    [{ image: 'us-docker.pkg.dev/Acme/web:v1' }, undefined, /Input "image": .*lowercase components/],
    [
      { image: 'ghcr.io/acme/web:v1' },
      undefined,
      /Input "image": Cloud Run cannot pull it\. Expected an image path like .* but obtained ghcr\.io\/acme\/web:v1\. .*Artifact Registry remote repository/,
    ],
    [{ image: '127.0.0.1:5000/acme/web:v1' }, undefined, /Input "image": Cloud Run cannot pull it/],
    [{ cpu: '1.5' }, undefined, /Input "cpu": Invalid value specified for cpu: 1\.5; above 1 it must be a whole number/],
    [{ cpu: '0.5', concurrency: '80' }, undefined, /Input "concurrency": .*Total cpu < 1 is not supported with concurrency > 1/],
    [{ cpu: '1', memory: '8Gi' }, undefined, /Input "memory": .*For 1\.0 CPU, memory must be between 128Mi and 4Gi inclusive/],
    [{ cpu: '4', memory: '1Gi' }, undefined, /Input "memory": .*For 4\.0 CPU, memory must be between 2Gi and 16Gi/],
    [{ 'startup-probe': '/h period=30s failure-threshold=10' }, undefined, /Input "startup-probe": .*at most 240 seconds/],
    [
      { region: 'us-east1,europe-west1', 'no-traffic': 'false' },
      undefined,
      /Input "no-traffic": must be true with several regions \(us-east1, europe-west1\)/,
    ],
    [{ region: 'us-east1,europe-west1,us-east1' }, undefined, /Input "region": .*"us-east1" is given more than once/],
  ])('rejects %j', (raw, env, message) => {
    expect(() => read(raw as Record<string, string>, env)).toThrow(message);
  });

  it("takes the emulator's loopback registry only with CLOUD_RUN_EMULATOR_HOST set", () => {
    const env = { GITHUB_SHA: SHA, GCLOUD_PROJECT: 'acme-prod', CLOUD_RUN_EMULATOR_HOST: '127.0.0.1:8090' };
    expect(read({ image: '127.0.0.1:5000/acme/web:v1' }, env).image.registry).toBe('127.0.0.1:5000');
    expect(() => read({ image: 'ghcr.io/acme/web:v1' }, env)).toThrow(/Input "image": Cloud Run cannot pull it/);
  });

  it.each([
    [{ cpu: '2', memory: '8Gi', concurrency: '200' }],
    [{ cpu: '0.5', memory: '1Gi', concurrency: '1' }],
    [{ memory: '8Gi' }],
  ])("accepts resources %j (memory alone is judged against the service's CPU by deploy)", (raw) => {
    expect(() => read(raw)).not.toThrow();
  });

  it('reports every bad input at once', () => {
    expect(() => read({ memory: '1GB', cpu: 'two', port: '0' })).toThrow(/Input "cpu"[\s\S]*Input "memory"[\s\S]*Input "port"/);
  });
});

describe('deploy-cloudrun resolved inputs', () => {
  const resolve = (raw: Record<string, string>, env: NodeJS.ProcessEnv) =>
    resolveInputs(deployCloudRunAction, (n) => ({ service: 'web', image: 'us-docker.pkg.dev/acme/apps/web:v1', ...raw })[n], env)
      .resolved;

  it('gives the tag once for every region and one leg per region', () => {
    const { shared, legs } = resolve({ region: 'us-east1,europe-west1' }, { GITHUB_SHA: SHA, GCLOUD_PROJECT: 'acme-prod' });
    expect([shared.tag, 'service' in shared]).toEqual(['sha-abcdef012345', false]);
    expect(legs).toEqual([
      { target: { project: 'acme-prod', region: 'us-east1', service: 'web' } },
      { target: { project: 'acme-prod', region: 'europe-west1', service: 'web' } },
    ]);
  });

  it("reports the tag's problem with the project's and the other inputs'", () => {
    const problems = inputProblems(() => resolve({ 'vpc-egress': 'all-traffic' }, {}));
    expect(problems.map((p) => p.input)).toEqual(['vpc-egress', 'project-id', 'tag']);
  });
});

describe('deploy-cloudrun command and args', () => {
  it.each([
    ['node server.js --port 3000', ['node', 'server.js', '--port', '3000']],
    ['["sh", "-c", "echo a b"]', ['sh', '-c', 'echo a b']],
    ['[]', []],
  ])('args %s', (raw, expected) => expect(read({ args: raw }).args).toEqual(expected));
});
