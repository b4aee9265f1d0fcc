import { audienceFor, mintsFor, tokenRoute } from './route';

const WIF = {
  type: 'external_account',
  audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/providers/runway',
  subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
  token_url: 'https://sts.googleapis.com/v1/token',
  credential_source: { url: 'https://runner/oidc', format: { type: 'json', subject_token_field_name: 'value' } },
  service_account_impersonation_url:
    'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/deployer@acme.iam.gserviceaccount.com:generateAccessToken',
};
const { service_account_impersonation_url: _url, ...WIF_SOURCE } = WIF;
const GENERATE =
  'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/deployer@acme.iam.gserviceaccount.com:generateIdToken';

describe('tokenRoute', () => {
  it.each<[string, NodeJS.ProcessEnv, unknown, object]>([
    [
      'emulator with its admin URL',
      { CLOUD_RUN_EMULATOR_HOST: '127.0.0.1:1', CLOUD_RUN_EMULATOR_ADMIN: 'http://127.0.0.1:2' },
      WIF,
      { kind: 'emulator', adminUrl: 'http://127.0.0.1:2' },
    ],
    [
      'emulator without it',
      { CLOUD_RUN_EMULATOR_HOST: '127.0.0.1:1' },
      undefined,
      { kind: 'none', reason: expect.stringMatching(/CLOUD_RUN_EMULATOR_ADMIN/) },
    ],
    ['no credentials file: the metadata server', {}, undefined, { kind: 'google-auth' }],
    ['service account key', {}, { type: 'service_account', client_email: 'a@b' }, { kind: 'google-auth' }],
    [
      'Workload Identity Federation with a service account: the federated token calls generateIdToken',
      {},
      WIF,
      { kind: 'generate-id-token', url: GENERATE, serviceAccount: 'deployer@acme.iam.gserviceaccount.com', source: WIF_SOURCE },
    ],
    [
      'Workload Identity Federation without one',
      {},
      WIF_SOURCE,
      { kind: 'none', reason: expect.stringMatching(/without a service account/) },
    ],
    [
      'impersonated service account: its source credentials call generateIdToken',
      {},
      {
        type: 'impersonated_service_account',
        service_account_impersonation_url: WIF.service_account_impersonation_url,
        source_credentials: { type: 'authorized_user' },
      },
      {
        kind: 'generate-id-token',
        url: GENERATE,
        serviceAccount: 'deployer@acme.iam.gserviceaccount.com',
        source: { type: 'authorized_user' },
      },
    ],
    [
      'user credentials',
      {},
      { type: 'authorized_user' },
      { kind: 'none', reason: expect.stringMatching(/print-identity-token/) },
    ],
    [
      'unknown type',
      {},
      { type: 'gdch_service_account' },
      { kind: 'none', reason: expect.stringMatching(/gdch_service_account/) },
    ],
    ['not JSON', {}, '{', { kind: 'none', reason: expect.stringMatching(/not JSON/) }],
  ])('%s', (_name, env, credentials, route) => {
    const text =
      credentials === undefined ? undefined : typeof credentials === 'string' ? credentials : JSON.stringify(credentials);
    expect(tokenRoute(env, text)).toEqual(route);
  });
});

it.each([
  ['https://candidate---web-abc123-uc.a.run.app/healthz', 'https://web-abc123-uc.a.run.app'],
  ['https://web-abc123-uc.a.run.app', 'https://web-abc123-uc.a.run.app'],
  ['https://web-123456789.us-central1.run.app/x', 'https://web-123456789.us-central1.run.app'],
  ['https://rel-1---web-123456789.us-central1.run.app', 'https://web-123456789.us-central1.run.app'],
  ['http://127.0.0.1:41234/api', 'http://127.0.0.1:41234'],
  ['https://api.example.com/v1', 'https://api.example.com'],
])('audienceFor(%s) = %s', (url, audience) => expect(audienceFor(url)).toBe(audience));

it.each<[string, string | undefined, NodeJS.ProcessEnv, boolean]>([
  ['https://cand---web-abc-uc.a.run.app', undefined, {}, true],
  ['https://web-123.us-central1.run.app/healthz', undefined, {}, true],
  ['http://127.0.0.1:4000', undefined, {}, false],
  ['http://127.0.0.1:4000', undefined, { CLOUD_RUN_EMULATOR_HOST: '127.0.0.1:1' }, true],
  ['https://api.example.com', undefined, {}, false],
  ['https://api.example.com', 'https://api.example.com', {}, true],
])('mintsFor(%s, %s, %j) = %s', (url, audience, env, expected) => expect(mintsFor(url, audience, env)).toBe(expected));
