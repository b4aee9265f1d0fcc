import { defineAction, input, kinds } from '../inputs';
import { checkProject, targetInputs } from '../cloudrun/target';

export const rollback = defineAction({
  id: 'rollback',
  name: 'Runway: roll back',
  description: 'Moves all traffic back to a Ready revision in one update: the last good one by default.',
  inputs: {
    ...targetInputs,
    to: input(
      'previous (the last good revision before the current one), a revision name, or previous-traffic JSON',
      kinds.text,
    ).default('previous'),
    reason: input('Why, recorded in the release history', kinds.text),
  },
  outputs: {
    revision: 'Revision that now serves 100 % of traffic',
    traffic: 'JSON of the traffic after the rollback',
    seconds: 'How long the rollback took',
  },
  check: (v, env) => checkProject(v['project-id'], env),
});
