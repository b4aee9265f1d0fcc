/**
 * The inputs of the composite release action (actions/release/action.yml): every input of
 * build-image and deploy-cloudrun a team sets, under the same name, plus the gate's and promote's
 * main ones. They are taken from those actions' definitions, so a new input there appears here, and
 * test/unit/workflows.test.ts fails until the composite and release.yml pass it on. The composite's
 * first step validates them all (and both actions' cross-input checks), so a bad value fails before
 * anything is built, pushed or deployed.
 */
import { targetInputs } from '../regional';
import { deployCloudRunAction } from '../deploy/inputs';
import { githubDeploymentAction } from '../github/inputs';
import { gateInputs } from '../health/inputs';
import { buildImageAction } from '../image/inputs';
import { parseImageReference } from '../registry/reference';
import { defineAction, definitionProblems, input, kinds, type InputProblem, type InputSpecs } from '../inputs';
import { promoteAction } from '../traffic/inputs';

// build-image: the composite always pushes; `check-only` (and the `base-ref` it compares with) is
// release.yml's pull-request job.
const { push: _push, 'check-only': _checkOnly, 'base-ref': _baseRef, ...build } = buildImageAction.inputs;
// deploy-cloudrun: the image is the one just built; traffic stays put until promote moves it.
// Its `network` (Direct VPC egress) is `vpc-network` here: build-image's `network` is the build's.
const { image: _image, 'no-traffic': _noTraffic, network: vpcNetwork, ...deploy } = deployCloudRunAction.inputs;

/** For each bundle the composite runs with the team's inputs: composite input name → that action's input name. */
export const PASSED_THROUGH: Readonly<Record<'build-image' | 'deploy-cloudrun', Readonly<Record<string, string>>>> = {
  'build-image': Object.fromEntries(Object.keys(build).map((name) => [name, name])),
  'deploy-cloudrun': {
    ...Object.fromEntries(Object.keys(deploy).map((name) => [name, name])),
    'vpc-network': 'network',
  },
};

type Chained = keyof typeof PASSED_THROUGH;

/** The values one chained action sees, from the composite's values. */
function valuesOf(action: Chained, values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(PASSED_THROUGH[action]).map(([mine, theirs]) => [theirs, values[mine]]));
}

/** A chained action's problems, named by the composite's inputs. */
function named(action: Chained, problems: readonly InputProblem[]): InputProblem[] {
  const mine = Object.fromEntries(Object.entries(PASSED_THROUGH[action]).map(([m, theirs]) => [theirs, m]));
  return problems.map((p) => ({ ...p, input: mine[p.input] ?? p.input }));
}

const inputs = {
  ...targetInputs,
  ...build,
  image: build.image.required(),
  ...deploy,
  'vpc-network': vpcNetwork,
  paths: gateInputs.paths,
  assert: gateInputs.assert,
  steps: promoteAction.inputs.steps,
  bake: promoteAction.inputs.bake,
  environment: input(
    'GitHub environment to record the release in as a GitHub Deployment; empty records none (a job with `environment:` gets one from GitHub instead)',
    githubDeploymentAction.inputs.environment.kind,
  ),
  token: input('GitHub token for the Deployments API', kinds.text).secret(),
} satisfies InputSpecs;

export const releaseAction = defineAction({
  id: 'release',
  name: 'Runway: release',
  description: 'Builds, deploys a tagged no-traffic revision, gates it, and promotes it; traffic is restored on any failure.',
  inputs,
  outputs: {
    'image-ref': 'image@digest that was built and deployed',
    revision: 'Cloud Run revision released',
    url: 'Service URL',
    'tag-url': "The revision's own tag URL",
    verdict: "The health gate's verdict: pass, fail or inconclusive",
  },
  // What each action would report (its check's and its resolve's problems), on the values it will see,
  // before anything is built.
  check: (v, env) => [
    ...named(
      'build-image',
      definitionProblems(buildImageAction, { ...valuesOf('build-image', v), push: true, 'check-only': false } as never, env)
        .problems,
    ),
    ...named(
      'deploy-cloudrun',
      // The image deploy will get is the one being built: its registry is checked now, before the build.
      definitionProblems(
        deployCloudRunAction,
        { ...valuesOf('deploy-cloudrun', v), image: parseImageReference(String(v.image)), 'no-traffic': true } as never,
        env,
      ).problems,
    ),
  ],
});
