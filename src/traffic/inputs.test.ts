import { inputProblemLines } from '../../test/helpers/input-problems';
import { readInputs, resolveInputs } from '../inputs';
import { ByRegion } from '../regional';
import { promoteAction, rollbackAction } from './inputs';

const env = { GOOGLE_CLOUD_PROJECT: 'acme-prod' };
const read = (def: typeof promoteAction | typeof rollbackAction, given: Record<string, string>) =>
  readInputs(def as typeof promoteAction, (name) => given[name], env) as Record<string, unknown>;

describe('promote inputs', () => {
  const base = { service: 'web', revision: 'web-00002-abc' };

  it('defaults to one step of 100 % with rollback on failure and no metrics check', () => {
    expect(read(promoteAction, base)).toMatchObject({
      steps: [100],
      bake: 60,
      'rollback-on-failure': true,
      'metrics-check': false,
    });
  });

  it.each([
    [{ steps: '10, 50,100' }, { steps: [10, 50, 100] }],
    [{ 'previous-traffic': '[]' }, { 'previous-traffic': [] }],
    [
      { 'previous-traffic': '[{"type":"REVISION","revision":"web-1","percent":100,"tag":"stable"}]' },
      { 'previous-traffic': [{ type: 'REVISION', revision: 'web-1', percent: 100, tag: 'stable' }] },
    ],
    [
      { 'metrics-check': 'true', 'metrics-max-error-rate': '2.5', 'metrics-min-requests': '100' },
      { 'metrics-max-error-rate': 2.5 },
    ],
    [
      { paths: '/healthz, /', 'max-error-rate': '5%' },
      { paths: ['/healthz', '/'], 'max-error-rate': 0.05 },
    ],
  ])('reads %j', (given, expected) => {
    expect(read(promoteAction, { ...base, ...given })).toMatchObject(expected);
  });

  it.each([
    [{ steps: '50,10,100' }, /^steps: must increase: 10 follows 50$/],
    [{ steps: '10,50' }, /^steps: must end at 100/],
    [{ steps: '0,100' }, /^steps: .*whole number from 1 to 100/],
    [{ 'previous-traffic': '[{"type":"REVISION","revision":"a","percent":90}]' }, /^previous-traffic: .*add up to 90/],
    [{ revision: 'Web_2' }, /^revision: .*Cloud Run revision name/],
    [{ bake: '2d' }, /^bake: .*duration/],
  ])('rejects %j', (given, message) => {
    expect(inputProblemLines(() => read(promoteAction, { ...base, ...given }))).toEqual([expect.stringMatching(message)]);
  });
});

describe('rollback inputs', () => {
  it('needs only the service', () => {
    expect(read(rollbackAction, { service: 'web' })).toMatchObject({ to: { kind: 'previous' }, region: ['us-central1'] });
  });

  it.each([
    [{ to: 'Web 2' }, /^to: .*expected previous, a revision name/],
    [{ 'remove-tag': 'ok, Bad_Tag' }, /^remove-tag: .*"Bad_Tag"/],
    [{ 'only-if-serving': 'Web_2' }, /^only-if-serving: .*a Cloud Run revision name/],
    [
      { 'only-if-serving': '{"us-east1":"web-2"}', region: 'us-east1,europe-west1' },
      /^only-if-serving: has no value for region europe-west1/,
    ],
  ])('rejects %j', (given, message) => {
    expect(inputProblemLines(() => read(rollbackAction, { service: 'web', ...given }))).toEqual([expect.stringMatching(message)]);
  });

  it('reads only-if-serving as one revision for every region, or one per region', () => {
    expect(read(rollbackAction, { service: 'web', 'only-if-serving': 'web-2' })['only-if-serving']).toBe('web-2');
    expect(
      read(rollbackAction, {
        service: 'web',
        region: 'us-east1,europe-west1',
        'only-if-serving': '{"us-east1":"web-2","europe-west1":"web-3"}',
      })['only-if-serving'],
    ).toEqual(
      new ByRegion(
        new Map([
          ['us-east1', 'web-2'],
          ['europe-west1', 'web-3'],
        ]),
      ),
    );
  });
});

describe('several regions', () => {
  const regions = { region: 'us-east1,europe-west1' };
  const revisions = '{"us-east1":"web-sha-1-abcd","europe-west1":"web-sha-1-abcd"}';
  const previous = '{"us-east1":[{"type":"REVISION","revision":"web-1","percent":100}],"europe-west1":[]}';

  it("reads deploy-cloudrun's outputs keyed by region", () => {
    const values = read(promoteAction, { service: 'web', ...regions, revision: revisions, 'previous-traffic': previous });
    expect(values.region).toEqual(['us-east1', 'europe-west1']);
    expect(values.revision).toEqual(
      new ByRegion(
        new Map([
          ['us-east1', 'web-sha-1-abcd'],
          ['europe-west1', 'web-sha-1-abcd'],
        ]),
      ),
    );
    expect(values['previous-traffic']).toEqual(
      new ByRegion(
        new Map([
          ['us-east1', [{ type: 'REVISION', revision: 'web-1', percent: 100 }]],
          ['europe-west1', []],
        ]),
      ),
    );
  });

  it.each([
    [
      { revision: '{"us-east1":"web-2"}' },
      /^revision: has no value for region europe-west1 \(region is us-east1, europe-west1\)$/,
    ],
    [{ revision: '{"us-east1":"Web_2","europe-west1":"web-2"}' }, /^revision: .*us-east1: expected a Cloud Run revision name/],
    [
      { 'previous-traffic': '{"us-east1":[{"type":"LATEST","percent":50}],"europe-west1":[]}' },
      /^previous-traffic: .*us-east1: percents add up to 50/,
    ],
  ])('rejects %j', (given, message) => {
    expect(inputProblemLines(() => read(promoteAction, { service: 'web', ...regions, revision: 'web-2', ...given }))).toEqual([
      expect.stringMatching(message),
    ]);
  });

  it('rolls back each region to its previous traffic, leaving a region that had none', () => {
    const values = read(rollbackAction, { service: 'web', ...regions, to: previous });
    expect(values.to).toEqual(
      new ByRegion(
        new Map([
          ['us-east1', { kind: 'traffic', traffic: [{ type: 'REVISION', revision: 'web-1', percent: 100 }] }],
          ['europe-west1', undefined],
        ]),
      ),
    );
    expect(inputProblemLines(() => read(rollbackAction, { service: 'web', ...regions, to: '{"us-east1":"previous"}' }))).toEqual([
      expect.stringMatching(/^to: has no value for region europe-west1/),
    ]);
    expect(inputProblemLines(() => read(rollbackAction, { service: 'web', to: '[]' }))).toEqual([
      expect.stringMatching(/^to: .*non-empty/),
    ]);
  });
});

describe('promote legs', () => {
  it('resolves one promote leg per region, with its own revision and previous traffic', () => {
    const given: Record<string, string> = {
      service: 'web',
      region: 'us-east1,europe-west1',
      revision: 'web-sha-1-abcd',
      'previous-traffic': '{"us-east1":[{"type":"REVISION","revision":"web-1","percent":100}],"europe-west1":[]}',
    };
    const { resolved } = resolveInputs(promoteAction, (name) => given[name], env);
    expect(resolved.legs).toEqual([
      {
        target: { project: 'acme-prod', region: 'us-east1', service: 'web' },
        revision: 'web-sha-1-abcd',
        'previous-traffic': [{ type: 'REVISION', revision: 'web-1', percent: 100 }],
      },
      {
        target: { project: 'acme-prod', region: 'europe-west1', service: 'web' },
        revision: 'web-sha-1-abcd',
        'previous-traffic': [],
      },
    ]);
    expect(resolved.shared).toMatchObject({ steps: [100], bake: 60 });
    expect(resolved.shared).not.toHaveProperty('revision');
  });

  it('names project-id when neither the input nor the environment gives a project', () => {
    expect(() => readInputs(promoteAction, (name) => ({ service: 'web', revision: 'web-2' })[name], {})).toThrow(
      /^Input "project-id": is required when none of CLOUDSDK_CORE_PROJECT/,
    );
  });
});
