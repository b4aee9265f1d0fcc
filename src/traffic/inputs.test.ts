import { InputError, readInputs } from '../inputs';
import { promoteAction, rollbackAction } from './inputs';

const env = { GOOGLE_CLOUD_PROJECT: 'acme-prod' };
const read = (def: typeof promoteAction | typeof rollbackAction, given: Record<string, string>) =>
  readInputs(def as typeof promoteAction, (name) => given[name], env) as Record<string, unknown>;
const problems = (def: typeof promoteAction | typeof rollbackAction, given: Record<string, string>): string[] => {
  try {
    read(def, given);
    return [];
  } catch (e) {
    return (e as InputError).problems.map((p) => `${p.input}: ${p.message}`);
  }
};

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
    expect(problems(promoteAction, { ...base, ...given })).toEqual([expect.stringMatching(message)]);
  });
});

describe('rollback inputs', () => {
  it('needs only the service', () => {
    expect(read(rollbackAction, { service: 'web' })).toMatchObject({ to: { kind: 'previous' }, region: ['us-central1'] });
  });

  it.each([
    [{ to: 'Web 2' }, /^to: .*expected previous, a revision name/],
    [{ 'remove-tag': 'ok, Bad_Tag' }, /^remove-tag: .*"Bad_Tag"/],
  ])('rejects %j', (given, message) => {
    expect(problems(rollbackAction, { service: 'web', ...given })).toEqual([expect.stringMatching(message)]);
  });
});
