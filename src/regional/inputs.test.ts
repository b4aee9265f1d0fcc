import { readInputs } from '../inputs';
import { rollbackAction } from '../traffic/inputs';
import { revisionName, serviceName } from '../cloudrun/target';
import {
  checkProject,
  checkRegionKeys,
  parseRegions,
  perRegion,
  projectFromEnv,
  regionValues,
  resolveTargets,
  valuesFor,
} from '.';

describe('project resolution', () => {
  it.each([
    { env: {}, project: undefined },
    { env: { GCLOUD_PROJECT: 'from-gcloud' }, project: 'from-gcloud' },
    { env: { GOOGLE_CLOUD_PROJECT: 'b-project', CLOUDSDK_CORE_PROJECT: 'a-project' }, project: 'a-project' },
    { env: { GCP_PROJECT: '  ' }, project: undefined },
  ])('$env -> $project', ({ env, project }) => {
    expect(projectFromEnv(env)).toBe(project);
  });

  it('names project-id when neither the input nor the environment gives a project', () => {
    expect(checkProject(undefined, {})).toEqual([expect.objectContaining({ input: 'project-id' })]);
    expect(checkProject('my-project', {})).toEqual([]);
  });
});

describe('service target', () => {
  it('builds resource names from inputs and the environment', () => {
    const values = readInputs(rollbackAction, (n) => ({ service: 'web' })[n], { GCLOUD_PROJECT: 'acme-prod' });
    const [target, ...others] = resolveTargets(values, { GCLOUD_PROJECT: 'acme-prod' });
    expect(others).toEqual([]);
    expect(target).toEqual({ project: 'acme-prod', region: 'us-central1', service: 'web' });
    expect(serviceName(target)).toBe('projects/acme-prod/locations/us-central1/services/web');
    expect(revisionName(target, 'web-00002-abc')).toBe(
      'projects/acme-prod/locations/us-central1/services/web/revisions/web-00002-abc',
    );
  });

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

  it('gives several targets in the order given, one project and service', () => {
    const values = readInputs(rollbackAction, (n) => ({ service: 'web', region: 'us-east1,europe-west1' })[n], {
      GCLOUD_PROJECT: 'acme-prod',
    });
    expect(resolveTargets(values, { GCLOUD_PROJECT: 'acme-prod' }).map(serviceName)).toEqual([
      'projects/acme-prod/locations/us-east1/services/web',
      'projects/acme-prod/locations/europe-west1/services/web',
    ]);
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
    ['web-a', ['web-a', 'web-a']],
    ['{"us-east1":"web-a","europe-west1":"web-b"}', ['web-b', 'web-a']],
    ['{"europe-west1":[1],"us-east1":"[2]"}', [[1], [2]]],
  ])('input %s reads per region', (raw, values) => {
    const parsed = regionValues(raw, (v) => (v.startsWith('[') ? JSON.parse(v) : v));
    const targets = [two[1], two[0]];
    expect(valuesFor('x', parsed, targets)).toEqual(values);
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

  it('names the regions a map misses', () => {
    const parsed = regionValues('{"us-east1":"a"}', (v) => v);
    expect(checkRegionKeys('revision', parsed, ['us-east1', 'europe-west1'])).toEqual([
      { input: 'revision', message: 'has no value for region europe-west1 (region is us-east1, europe-west1)' },
    ]);
    expect(
      checkRegionKeys(
        'revision',
        regionValues('a', (v) => v),
        ['us-east1', 'europe-west1'],
      ),
    ).toEqual([]);
    expect(() => valuesFor('revision', parsed, two)).toThrow('Input "revision" has no value for region europe-west1');
  });
});
