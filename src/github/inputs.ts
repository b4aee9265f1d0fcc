import { defineAction, input, kinds, type InputProblem } from '../inputs';

export const githubDeploymentAction = defineAction({
  id: 'github-deployment',
  name: 'Runway: GitHub deployment',
  description:
    'Records a release as a GitHub Deployment: start (in_progress, carrying the image), finish (success with the service URL, or failure), or rollback (the serving deployment inactive, the target recorded).',
  inputs: {
    phase: input('What to record', kinds.oneOf('start', 'finish', 'rollback')).required(),
    environment: input(
      'GitHub environment, e.g. production',
      kinds.pattern(/^[^\s'"`]{1,255}$/, 'an environment name'),
    ).required(),
    token: input(
      'GitHub token with deployments: write (the workflow token, github.token, is enough); empty skips with a notice',
      kinds.text,
    ).secret(),
    image: input('Image reference the deployment carries (start, rollback)', kinds.text),
    service: input('Cloud Run service, recorded in the payload', kinds.text),
    revision: input('Cloud Run revision, recorded in the payload (rollback: the target)', kinds.text),
    'deployment-id': input('Deployment to finish (from start)', kinds.integer(1)),
    status: input('Result to record (finish)', kinds.oneOf('success', 'failure')),
    url: input('Service URL, shown as the environment URL on success', kinds.pattern(/^https?:\/\/\S+$/, 'an http(s) URL')),
    description: input('Why, e.g. the failure reason', kinds.text),
  },
  outputs: {
    'deployment-id': 'ID of the deployment created (start, rollback)',
  },
  check: (v) => {
    const problems: InputProblem[] = [];
    if (v.phase === 'finish' && v['deployment-id'] === undefined)
      problems.push({ input: 'deployment-id', message: 'is required with phase: finish' });
    if (v.phase === 'finish' && v.status === undefined)
      problems.push({ input: 'status', message: 'is required with phase: finish' });
    return problems;
  },
});
