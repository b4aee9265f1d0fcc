import { inputProblems } from '../../test/helpers/input-problems';
import { readInputs } from '../inputs';
import { releaseAction } from './inputs';

const ENV = { GITHUB_SHA: 'abcdef0123456789abcdef0123456789abcdef01', GCLOUD_PROJECT: 'acme-prod' };
const read = (raw: Record<string, string>, env: NodeJS.ProcessEnv = ENV) =>
  readInputs(releaseAction, (n) => ({ service: 'web', image: 'us-central1-docker.pkg.dev/acme-prod/apps/web', ...raw })[n], env);

it.each([
  ['valid inputs', {}, [], ENV],
  [
    "deploy-cloudrun's cross-input check, named by the composite's input",
    { 'vpc-connector': 'serverless', 'vpc-network': 'default' },
    [{ input: 'vpc-connector', message: 'cannot be combined with network/subnet (Direct VPC egress): choose one' }],
    ENV,
  ],
  [
    'min above max instances',
    { 'min-instances': '3', 'max-instances': '2' },
    [{ input: 'min-instances', message: '3 is more than max-instances (2)' }],
    ENV,
  ],
  [
    "build-image's: an image with a tag",
    { image: 'us-central1-docker.pkg.dev/acme-prod/apps/web:v1' },
    [
      {
        input: 'image',
        message: '"us-central1-docker.pkg.dev/acme-prod/apps/web:v1" must not carry a tag or digest; put tags in "tags"',
      },
    ],
    ENV,
  ],
  [
    'both at once, outside a workflow run (no commit to tag with)',
    {},
    [
      { input: 'tags', message: 'is required when GITHUB_SHA is not set (nothing to tag the image with)' },
      { input: 'tag', message: 'is required when GITHUB_SHA is not set (outside a workflow run)' },
    ],
    { GCLOUD_PROJECT: 'acme-prod' },
  ],
])('%s', (_, raw, expected, env) => expect(inputProblems(() => read(raw, env))).toEqual(expected));

it('the template input is checked here too, before anything is built', () =>
  expect(inputProblems(() => read({ template: 'cpuBoost: true' }))).toEqual([
    { input: 'template', message: expect.stringContaining('template.cpuBoost is not a field of RevisionTemplate') },
  ]));

it("deploy-cloudrun's registry rule applies to the image being built, before the build", () =>
  expect(inputProblems(() => read({ image: 'ghcr.io/acme/web' }))).toEqual([
    { input: 'image', message: expect.stringContaining('Cloud Run cannot pull it') },
  ]));
