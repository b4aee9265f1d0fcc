/** The definitions of promote and rollback, the two actions that move traffic between existing revisions. */
import { defineAction, input, kinds } from '../inputs';
import { perRegionKind, regionValues, serviceLegs, targetInputs, type PerRegion } from '../regional';
import { gateInputs } from '../health';
import { checkTrafficSteps } from './plan';
import { parseRollbackRequest, type RollbackRequest } from './rollback-to';
import type { TrafficEntry } from '../cloudrun/traffic-entry';
import { parseSnapshot } from './snapshot';

/** deploy-cloudrun's previous-traffic; `[]` (the deploy created the service) means there was none. */
const trafficSnapshot = perRegionKind(
  'a JSON array of traffic entries as deploy-cloudrun outputs it in previous-traffic',
  (raw): TrafficEntry[] => (/^\[\s*\]$/.test(raw) ? [] : parseSnapshot(raw)),
);

/** A revision name, or one per region. */
const revisionName = perRegionKind('a Cloud Run revision name', (raw) =>
  kinds.pattern(/^[a-z][a-z0-9-]{0,62}$/, 'a Cloud Run revision name').parse(raw),
);

export const promoteAction = defineAction({
  id: 'promote',
  name: 'Runway: promote',
  description:
    'Shifts traffic to a revision in steps behind health gates, restoring the exact previous traffic on failure; in several regions together when given several.',
  inputs: {
    ...targetInputs,
    revision: input(
      "Revision to promote, usually deploy-cloudrun's revision output (with several regions a JSON object keyed by region, or one name for all)",
      revisionName,
    ).required(),
    steps: input(
      'Percent of traffic on the revision at each step, increasing and ending at 100',
      kinds.list(kinds.integer(1, 100)),
    ).default('100'),
    bake: input('How long each step lasts at least before it is judged', kinds.duration(0, 3600)).default('60s'),
    'previous-traffic': input(
      "The traffic to restore on failure, deploy-cloudrun's previous-traffic output (with several regions its JSON object keyed by region); default (and for [], a service the deploy created): the traffic when the promotion starts",
      trafficSnapshot,
    ),
    ...gateInputs,
    'rollback-on-failure': input('Restore the previous traffic when a step fails', kinds.bool).default('true'),
    'metrics-check': input(
      "Also judge each step by the revision's Cloud Monitoring request counts (run.googleapis.com/request_count)",
      kinds.bool,
    ).default('false'),
    'metrics-max-error-rate': input(
      'Highest share of 5xx responses allowed by the metrics check, in percent',
      kinds.decimal(0, 100),
    ).default('1'),
    'metrics-min-requests': input(
      'Fewest requests during a step for the metrics check to judge it (fewer: not judged, not failed)',
      kinds.integer(1),
    ).default('20'),
    'keep-tags': input(
      "How many releases' traffic tags stay (the promoted one and the newest before it); older releases' and failed candidates' tags that Runway made (recorded in the release history, or of its sha- form) are removed so their URLs stop serving; any other tag stays",
      kinds.integer(1, 100),
    ).default('3'),
  },
  outputs: {
    verdict: 'pass or fail',
    traffic:
      'JSON of the traffic after the promotion (the restored traffic when it failed); with several regions a JSON object keyed by region',
  },
  check: (v) => {
    const steps = checkTrafficSteps(v.steps);
    return steps ? [{ input: 'steps', message: steps }] : [];
  },
  resolve: (v, env) => serviceLegs(v, ['revision', 'previous-traffic'], env),
  post: true,
});

const ROLLBACK_TO = 'previous, a revision name, or a previous-traffic JSON array';
/**
 * `to` for every region, or deploy-cloudrun's previous-traffic object keyed by region; there a `[]`
 * (the deploy created the service in that region) leaves the region as it is.
 */
const rollbackRequest = kinds.parsedBy<PerRegion<RollbackRequest | undefined>>(
  `${ROLLBACK_TO}; with several regions also a JSON object of previous-traffic arrays keyed by region`,
  (raw) =>
    raw.startsWith('{')
      ? regionValues(raw, (v) => (/^\[\s*\]$/.test(v) ? undefined : parseRollbackRequest(v)))
      : parseRollbackRequest(raw),
);

export const rollbackAction = defineAction({
  id: 'rollback',
  name: 'Runway: roll back',
  description:
    'Moves all traffic back to a Ready revision in one update: the last good one by default; in every region given, each to its own.',
  inputs: {
    ...targetInputs,
    to: input(
      'previous (the last good revision before the current one, from the release history; without history the newest Ready revision that served), a revision name, or previous-traffic JSON to restore exactly; with several regions each region rolls back to its own last good revision, or to its entry of a previous-traffic JSON object keyed by region',
      rollbackRequest,
    ).default('previous'),
    reason: input('Why, recorded in the release history', kinds.text),
    'only-if-serving': input(
      "Roll back only while this revision serves traffic (e.g. deploy-cloudrun's revision output after a failed release), so the rollback can only ever undo that release; decided in each region on its own (a JSON object keyed by region, or one name for all): where it serves none, nothing changes and a notice says so. With `previous`, the last good release before it is what it rolls back to; while a promotion of it is unfinished, a traffic change someone else made since that promotion's last step is left as it is and the rollback fails, naming it",
      revisionName,
    ),
    'remove-tag': input(
      "Traffic tags to remove in the same update (e.g. the bad revision's tag, so its URL stops serving)",
      kinds.list(kinds.pattern(/^[a-z](?:[a-z0-9-]*[a-z0-9])?$/, 'a traffic tag')),
    ),
  },
  outputs: {
    revision:
      'Revision that now serves the most traffic (all of it unless `to` was a split); with several regions a JSON object keyed by region, as is traffic',
    traffic: 'JSON of the traffic after the rollback',
    seconds: 'How long the rollback took, from the first read to the finished update (of the slowest region)',
  },
  resolve: (v, env) => serviceLegs(v, ['to', 'only-if-serving'], env),
});
