import { withLegacyInputs } from './legacy';
import { runnerInputs } from './read';
import { defineAction, input } from './spec';
import * as kinds from './kinds';
import { inputProblemLines } from '../../test/helpers/input-problems';

const deploy = defineAction({
  id: 'deploy-cloudrun',
  name: 'test',
  description: 'test',
  inputs: {
    'env-vars': input('vars', kinds.text),
    'env-vars-update-strategy': input('strategy', kinds.oneOf('merge', 'overwrite')).default('merge'),
    'project-id': input('project', kinds.text),
    'no-traffic': input('no traffic', kinds.bool).default('true'),
  },
  outputs: {},
});

const read = (env: NodeJS.ProcessEnv) => {
  const raw = withLegacyInputs(deploy, runnerInputs(env), env);
  return Object.fromEntries(Object.keys(deploy.inputs).map((n) => [n, raw(n)]));
};
const problems = (env: NodeJS.ProcessEnv): string[] => inputProblemLines(() => read(env));

describe('the anchor action’s snake_case inputs', () => {
  it.each([
    [{ INPUT_ENV_VARS: 'A=1' }, { 'env-vars': 'A=1' }],
    [{ INPUT_ENV_VARS_UPDATE_STRATEGY: 'overwrite' }, { 'env-vars-update-strategy': 'overwrite' }],
    [{ INPUT_PROJECT_ID: 'acme-prod' }, { 'project-id': 'acme-prod' }],
    [{ 'INPUT_PROJECT-ID': 'acme-prod', INPUT_ENV_VARS: '' }, { 'project-id': 'acme-prod' }],
  ])('%j is read as %j (identical meaning)', (env, expected) => {
    expect(read(env)).toMatchObject(expected);
  });

  it.each([
    [{ INPUT_NO_TRAFFIC: 'true' }, /^no_traffic: .*use no-traffic: Runway's default is true/],
    [{ INPUT_FLAGS: '--cpu=2' }, /^flags: .*not gcloud: use its inputs \(cpu, memory/],
    [{ INPUT_SUFFIX: 'v1' }, /^suffix: .*use tag/],
    [{ INPUT_GCLOUD_VERSION: '450.0.0' }, /^gcloud_version: .*does not install or run gcloud/],
    [{ INPUT_REVISION_TRAFFIC: 'LATEST=100' }, /^revision_traffic: .*promote action/],
    [{ INPUT_SKIP_DEFAULT_LABELS: 'true' }, /^skip_default_labels: /],
    [{ INPUT_ENV_VARS: 'A=1', 'INPUT_ENV-VARS': 'B=2' }, /^env_vars: and env-vars are the same input; give only env-vars/],
  ])('%j fails naming what to use', (env, message) => {
    expect(problems(env)).toEqual([expect.stringMatching(message)]);
  });

  it('reports every anchor input at once', () => {
    expect(problems({ INPUT_FLAGS: '--x', INPUT_SUFFIX: 'v1', INPUT_WAIT: 'true' }).map((p) => p.split(':')[0])).toEqual([
      'suffix',
      'flags',
      'wait',
    ]);
  });

  it('an alias for an input the action does not have is an error, not silently dropped', () => {
    const gate = defineAction({
      id: 'health-gate',
      name: 't',
      description: 't',
      inputs: { url: input('u', kinds.text) },
      outputs: {},
    });
    expect(() => withLegacyInputs(gate, runnerInputs({ INPUT_PROJECT_ID: 'x' }), { INPUT_PROJECT_ID: 'x' })).toThrow(
      /"project_id": is google-github-actions\/deploy-cloudrun's input, not health-gate's: remove it/,
    );
  });
});
