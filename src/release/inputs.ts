/**
 * The inputs of the composite release action (actions/release/action.yml), taken from the actions it
 * chains so each means exactly what it means there. Its first step validates them all, so a bad
 * value fails before anything is built, pushed or deployed.
 */
import { targetInputs } from '../cloudrun/target';
import { deployCloudRunAction } from '../deploy/inputs';
import { githubDeploymentAction } from '../github/inputs';
import { gateInputs } from '../health/inputs';
import { buildImageAction } from '../image/inputs';
import { defineAction, input, kinds } from '../inputs';
import { promoteAction } from '../traffic/inputs';

const build = buildImageAction.inputs;
const deploy = deployCloudRunAction.inputs;

export const releaseAction = defineAction({
  id: 'release',
  name: 'Runway: release',
  description: 'Builds, deploys a tagged no-traffic revision, gates it, and promotes it; traffic is restored on any failure.',
  inputs: {
    ...targetInputs,
    image: build.image.required(),
    workspace: build.workspace,
    context: build.context,
    dockerfile: build.dockerfile,
    'build-args': build['build-args'],
    network: build.network,
    tag: deploy.tag,
    'env-vars': deploy['env-vars'],
    secrets: deploy.secrets,
    'migration-command': deploy['migration-command'],
    paths: gateInputs.paths,
    assert: gateInputs.assert,
    steps: promoteAction.inputs.steps,
    bake: promoteAction.inputs.bake,
    environment: input(
      'GitHub environment to record the release in as a GitHub Deployment; empty records none',
      githubDeploymentAction.inputs.environment.kind,
    ),
    token: input('GitHub token for the Deployments API', kinds.text).secret(),
  },
  outputs: {
    'image-ref': 'image@digest that was built and deployed',
    revision: 'Cloud Run revision released',
    url: 'Service URL',
    'tag-url': "The revision's own tag URL",
    verdict: "The health gate's verdict: pass, fail or inconclusive",
  },
});
