import { defineAction, input, resolveInputs } from '../inputs';
import { rollbackAction } from '../traffic/inputs';
import { revisionName, serviceName } from '../cloudrun/target';
import { perRegionKind, serviceLegs, targetInputs } from '.';
import { inputProblems } from '../../test/helpers/input-problems';

/** An action with one per-region input whose values are JSON arrays or plain text. */
const revisionAction = defineAction({
  id: 'test',
  name: 'test',
  description: 'test',
  inputs: {
    ...targetInputs,
    revision: input(
      'a value per region',
      perRegionKind('text or a JSON array', (v): unknown => (v.startsWith('[') ? JSON.parse(v) : v)),
    ).required(),
  },
  outputs: {},
  resolve: (v, env) => serviceLegs(v, ['revision'], env),
});

const legsOf = (raw: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  resolveInputs(revisionAction, (n) => raw[n], env).resolved.legs;

const problemsOf = (raw: Record<string, string>, env: NodeJS.ProcessEnv = {}) => inputProblems(() => legsOf(raw, env));

describe('project resolution', () => {
  it('names project-id when neither the input nor the environment gives a project', () => {
    expect(problemsOf({ service: 'web', revision: 'a' })).toEqual([expect.objectContaining({ input: 'project-id' })]);
    expect(problemsOf({ service: 'web', revision: 'a', 'project-id': 'my-project' })).toEqual([]);
  });
});

describe('service target', () => {
  it('builds resource names from inputs and the environment', () => {
    const env = { GCLOUD_PROJECT: 'acme-prod' };
    const { legs } = resolveInputs(rollbackAction, (n) => ({ service: 'web' })[n], env).resolved;
    const [{ target }, ...others] = legs;
    expect(others).toEqual([]);
    expect(target).toEqual({ project: 'acme-prod', region: 'us-central1', service: 'web' });
    expect(serviceName(target)).toBe('projects/acme-prod/locations/us-central1/services/web');
    expect(revisionName(target, 'web-00002-abc')).toBe(
      'projects/acme-prod/locations/us-central1/services/web/revisions/web-00002-abc',
    );
  });
});

describe('regions', () => {
  it('gives several targets in the order given, one project and service', () => {
    const raw: Record<string, string> = { service: 'web', region: 'us-east1,europe-west1' };
    const { legs } = resolveInputs(rollbackAction, (n) => raw[n], { GCLOUD_PROJECT: 'acme-prod' }).resolved;
    expect(legs.map((l) => serviceName(l.target))).toEqual([
      'projects/acme-prod/locations/us-east1/services/web',
      'projects/acme-prod/locations/europe-west1/services/web',
    ]);
  });
});

describe('per-region values', () => {
  const raw = { service: 'web', 'project-id': 'p-project' };

  it.each([
    ['web-a', ['web-a', 'web-a']],
    ['{"us-east1":"web-a","europe-west1":"web-b"}', ['web-b', 'web-a']],
    ['{"europe-west1":[1],"us-east1":"[2]"}', [[1], [2]]],
  ])('input %s reads per region', (revision, values) => {
    const legs = legsOf({ ...raw, region: 'europe-west1,us-east1', revision });
    expect(legs.map((l) => l.revision)).toEqual(values);
  });

  it('names the regions a map misses', () => {
    const regions = { ...raw, region: 'us-east1,europe-west1' };
    expect(problemsOf({ ...regions, revision: '{"us-east1":"a"}' })).toEqual([
      { input: 'revision', message: 'has no value for region europe-west1 (region is us-east1, europe-west1)' },
    ]);
    expect(problemsOf({ ...regions, revision: 'a' })).toEqual([]);
    expect(() => legsOf({ ...regions, revision: '{"us-east1":"a"}' })).toThrow(
      'Input "revision": has no value for region europe-west1',
    );
  });
});
