import { readInputs } from '../inputs';
import { deployCloudRunAction, deployTag } from './inputs';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const read = (raw: Record<string, string>, env: NodeJS.ProcessEnv = { GITHUB_SHA: SHA, GCLOUD_PROJECT: 'acme-prod' }) =>
  readInputs(deployCloudRunAction, (n) => ({ service: 'web', image: '127.0.0.1:5000/acme/web:v1', ...raw })[n], env);

describe('deploy-cloudrun inputs', () => {
  it('reads the defaults', () => {
    const v = read({});
    expect(v['no-traffic']).toBe(true);
    expect(v['wait-timeout']).toBe(300);
    expect(v['env-vars-update-strategy']).toBe('merge');
    expect(v.image).toEqual({ registry: '127.0.0.1:5000', path: 'acme/web', tag: 'v1', digest: undefined });
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
    [{ image: '127.0.0.1:5000/Acme/web:v1' }, undefined, /Input "image": .*lowercase components/],
    [
      { region: 'us-east1,europe-west1', 'no-traffic': 'false' },
      undefined,
      /Input "no-traffic": must be true with several regions \(us-east1, europe-west1\)/,
    ],
    [{ region: 'us-east1,europe-west1,us-east1' }, undefined, /Input "region": .*"us-east1" is given more than once/],
  ])('rejects %j', (raw, env, message) => {
    expect(() => read(raw as Record<string, string>, env)).toThrow(message);
  });

  it('reports every bad input at once', () => {
    expect(() => read({ memory: '1GB', cpu: 'two', port: '0' })).toThrow(/Input "cpu"[\s\S]*Input "memory"[\s\S]*Input "port"/);
  });

  it.each([
    ['node server.js --port 3000', ['node', 'server.js', '--port', '3000']],
    ['["sh", "-c", "echo a b"]', ['sh', '-c', 'echo a b']],
    ['[]', []],
  ])('args %s', (raw, expected) => expect(read({ args: raw }).args).toEqual(expected));
});
