import { readInputs } from '../inputs';
import { rollbackAction } from '../traffic/inputs';
import { parseRegions, perRegion, projectFromEnv, regionValues } from '.';

describe('project resolution', () => {
  it.each([
    { env: {}, project: undefined },
    { env: { GCLOUD_PROJECT: 'from-gcloud' }, project: 'from-gcloud' },
    { env: { GOOGLE_CLOUD_PROJECT: 'b-project', CLOUDSDK_CORE_PROJECT: 'a-project' }, project: 'a-project' },
    { env: { GCP_PROJECT: '  ' }, project: undefined },
  ])('$env -> $project', ({ env, project }) => {
    expect(projectFromEnv(env)).toBe(project);
  });
});

describe('service target', () => {
  it.each([
    ['service', 'Web_App', /Cloud Run service name/],
    ['service', `a${'b'.repeat(49)}`, /at most 49/],
    ['region', 'US-CENTRAL1', /region such as us-central1/],
    ['region', 'us-east1,us-centra1', /"us-centra1" is not a Cloud Run region/],
    ['project-id', 'x', /project ID/],
  ])('rejects %s=%s', (name, value, message) => {
    const raw = { service: 'web', 'project-id': 'acme-prod', [name]: value } as Record<string, string>;
    expect(() => readInputs(rollbackAction, (n) => raw[n], {})).toThrow(message);
  });
});

describe('regions', () => {
  it.each([
    ['us-central1', ['us-central1']],
    [' us-east1 , europe-west1 ', ['us-east1', 'europe-west1']],
    ['us-east1\neurope-west1\n\nasia-northeast1\n', ['us-east1', 'europe-west1', 'asia-northeast1']],
    ['us-east1,,europe-west1', ['us-east1', 'europe-west1']],
  ])('%j -> %j', (raw, regions) => {
    expect(parseRegions(raw)).toEqual(regions);
  });

  it.each([
    [' , ', /expected a Google Cloud region such as us-central1, or several/],
    ['us_east1', /"us_east1" is not a region name/],
    ['us-east1,mars-north1', /"mars-north1" is not a Cloud Run region/],
    ['us-east1,europe-west1,us-east1', /"us-east1" is given more than once/],
  ])('rejects %j', (raw, message) => {
    expect(() => parseRegions(raw)).toThrow(message);
  });

  it('names a duplicated region in the input error, before anything runs', () => {
    expect(() =>
      readInputs(rollbackAction, (n) => ({ service: 'web', 'project-id': 'acme-prod', region: 'us-east1\nus-east1' })[n]),
    ).toThrow('Input "region": "us-east1\\nus-east1" is not valid: "us-east1" is given more than once');
  });
});

describe('per-region values', () => {
  const one = [{ project: 'p-project', region: 'us-east1', service: 'web' }];
  const two = [...one, { project: 'p-project', region: 'europe-west1', service: 'web' }];

  it.each([
    [one, ['web-a'], 'web-a'],
    [one, [[{ type: 'LATEST', percent: 100 }]], '[{"type":"LATEST","percent":100}]'],
    [two, ['web-a', 'web-b'], '{"us-east1":"web-a","europe-west1":"web-b"}'],
    [two, [[], [{ type: 'LATEST', percent: 100 }]], '{"us-east1":[],"europe-west1":[{"type":"LATEST","percent":100}]}'],
  ])('output for %j of %j is %s', (targets, values, text) => {
    expect(
      perRegion(
        targets.map((target) => ({ target })),
        values,
      ),
    ).toBe(text);
  });

  it.each([
    ['{"us-east1":', /not valid JSON/],
    ['{"nowhere1":"a"}', /key "nowhere1" is not a Cloud Run region/],
    ['{}', /at least one region/],
    ['{"us-east1":"BAD"}', /us-east1: bad value/],
  ])('rejects %s', (raw, message) => {
    expect(() =>
      regionValues(raw, (v) => {
        if (v === 'BAD') throw new Error('bad value');
        return v;
      }),
    ).toThrow(message);
  });
});
