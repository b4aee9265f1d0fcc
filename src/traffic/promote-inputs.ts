import { defineAction, input, kinds } from '../inputs';
import { checkProject, targetInputs } from '../cloudrun/target';

export const promote = defineAction({
  id: 'promote',
  name: 'Runway: promote',
  description: 'Shifts traffic to a revision in steps behind health gates, restoring the exact previous traffic on failure.',
  inputs: {
    ...targetInputs,
    revision: input(
      "Revision to promote, usually deploy-cloudrun's revision output",
      kinds.pattern(/^[a-z][a-z0-9-]{0,62}$/, 'a Cloud Run revision name'),
    ).required(),
  },
  outputs: {
    verdict: 'pass or fail',
    traffic: 'JSON of the traffic after the step',
  },
  check: (v, env) => checkProject(v['project-id'], env),
  post: true,
});
