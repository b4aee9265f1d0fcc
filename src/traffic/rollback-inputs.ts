import { defineAction, input, kinds } from '../inputs';
import { checkProject, targetInputs } from '../cloudrun/target';
import { parseRollbackRequest } from './rollback-target';

const rollbackRequest = kinds.parsedBy('previous, a revision name, or a previous-traffic JSON array', parseRollbackRequest);

export const rollback = defineAction({
  id: 'rollback',
  name: 'Runway: roll back',
  description: 'Moves all traffic back to a Ready revision in one update: the last good one by default.',
  inputs: {
    ...targetInputs,
    to: input(
      'previous (the last good revision before the current one, from the release history; without history the newest Ready revision that served), a revision name, or previous-traffic JSON to restore exactly',
      rollbackRequest,
    ).default('previous'),
    reason: input('Why, recorded in the release history', kinds.text),
    'remove-tag': input(
      "Traffic tags to remove in the same update (e.g. the bad revision's tag, so its URL stops serving)",
      kinds.list(kinds.pattern(/^[a-z](?:[a-z0-9-]*[a-z0-9])?$/, 'a traffic tag')),
    ),
  },
  outputs: {
    revision: 'Revision that now serves the most traffic (all of it unless `to` was a split)',
    traffic: 'JSON of the traffic after the rollback',
    seconds: 'How long the rollback took, from the first read to the finished update',
  },
  check: (v, env) => checkProject(v['project-id'], env),
});
