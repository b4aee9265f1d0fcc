/**
 * The github-deployment action's bundle against a local GitHub API stand-in that checks every
 * request against GitHub's published REST description (test/helpers/github-api.ts), through the
 * real Octokit client of @actions/github.
 */
import { requestProblems, startGitHubApi, type GitHubApiStandIn } from '../helpers/github-api';
import { runBundle } from '../helpers/run-action';

jest.setTimeout(60_000);

let api: GitHubApiStandIn;
const env = () => ({
  GITHUB_API_URL: api.url,
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '4242',
});
const step = (inputs: Record<string, string>) =>
  runBundle('dist/github-deployment/index.js', { inputs: { token: 'ghs_test', ...inputs }, env: env() });
const LOG_URL = 'https://github.com/acme/shop/actions/runs/4242';

beforeAll(async () => {
  api = await startGitHubApi();
});
afterAll(() => api.close());
afterEach(() => {
  expect(api.violations).toEqual([]);
  api.forbidWrites = false;
});

it('start then finish success: in_progress, then success with the service URL and the run URL', async () => {
  const start = await step({
    phase: 'start',
    environment: 'production',
    image: 'us-docker.pkg.dev/acme/apps/web@sha256:' + 'b'.repeat(64),
    service: 'web',
  });
  expect(start.code).toBe(0);
  const id = Number(start.outputs['deployment-id']);
  const created = api.deployments.find((d) => d.id === id)!;
  expect(created).toMatchObject({
    environment: 'production',
    ref: 'a'.repeat(40),
    payload: { image: expect.stringContaining('@sha256:'), service: 'web' },
  });
  expect(created.statuses).toEqual([expect.objectContaining({ state: 'in_progress', log_url: LOG_URL })]);

  const finish = await step({
    phase: 'finish',
    environment: 'production',
    'deployment-id': String(id),
    status: 'success',
    url: 'https://web-abc-uc.a.run.app',
  });
  expect(finish.code).toBe(0);
  expect(created.statuses[0]).toMatchObject({
    state: 'success',
    environment_url: 'https://web-abc-uc.a.run.app',
    log_url: LOG_URL,
  });
});

it('finish failure records the reason and no environment URL', async () => {
  const start = await step({ phase: 'start', environment: 'staging', image: 'us-docker.pkg.dev/acme/apps/web:1' });
  const id = Number(start.outputs['deployment-id']);
  const finish = await step({
    phase: 'finish',
    environment: 'staging',
    'deployment-id': String(id),
    status: 'failure',
    url: 'https://x.a.run.app',
    description: 'health gate failed; traffic untouched',
  });
  expect(finish.code).toBe(0);
  const statuses = api.deployments.find((d) => d.id === id)!.statuses;
  expect(statuses[0]).toEqual(
    expect.objectContaining({ state: 'failure', description: 'health gate failed; traffic untouched' }),
  );
  expect(statuses[0].environment_url).toBeUndefined();
});

it('rollback marks the serving deployment inactive and records one for the target', async () => {
  const served = api.deployments.find((d) => d.environment === 'production' && d.statuses[0]?.state === 'success')!;
  const r = await step({
    phase: 'rollback',
    environment: 'production',
    service: 'web',
    revision: 'web-00001-abc',
    url: 'https://web-abc-uc.a.run.app',
    description: 'manual rollback by alice',
  });
  expect(r.code).toBe(0);
  expect(served.statuses[0]).toMatchObject({ state: 'inactive' });
  const target = api.deployments.find((d) => d.id === Number(r.outputs['deployment-id']))!;
  expect(target.payload).toEqual({ service: 'web', revision: 'web-00001-abc' });
  expect(target.statuses[0]).toMatchObject({ state: 'success', environment_url: 'https://web-abc-uc.a.run.app' });
});

it('without deployments: write it is skipped with a notice, never a failure', async () => {
  api.forbidWrites = true;
  const before = api.deployments.length;
  const r = await step({ phase: 'start', environment: 'production', image: 'us-docker.pkg.dev/acme/apps/web:1' });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/::notice::GitHub Deployments skipped \(create the deployment\): the token may not write deployments/);
  expect(r.outputs).toEqual({});
  expect(api.deployments.length).toBe(before);
});

it('without a token it is skipped with a notice', async () => {
  const r = await runBundle('dist/github-deployment/index.js', {
    inputs: { phase: 'start', environment: 'production' },
    env: env(),
  });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/::notice::GitHub Deployments skipped: no token given/);
});

it('the stand-in refuses what GitHub would: an unknown field, a wrong state', () => {
  const url = new URL('http://x/repos/acme/shop/deployments/7/statuses');
  expect(requestProblems('POST', url, { state: 'done' })).toEqual([expect.stringMatching(/body.state is "done", not one of/)]);
  expect(requestProblems('POST', url, { state: 'success', environment_uri: 'x' })).toEqual([
    'body.environment_uri is not a field of this operation',
  ]);
  expect(requestProblems('PUT', url, {})).toEqual([
    'PUT /repos/acme/shop/deployments/7/statuses is not an operation of the GitHub REST API',
  ]);
});
