/** The job summary of a deploy: what was deployed, where it answers, and traffic before and after. */
import { md } from '../report';
import type { TrafficEntry } from '../cloudrun/traffic-entry';
import { beforeAfter, trafficTable } from '../traffic/summary';

export interface DeploySummary {
  readonly service: string;
  /** Given when the deploy went to several regions. */
  readonly region?: string;
  readonly revision: string;
  readonly image: string;
  readonly tagUrl?: string;
  readonly url?: string;
  readonly before: readonly TrafficEntry[];
  readonly after: readonly TrafficEntry[];
  readonly seconds: number;
}

export function deploySummary(s: DeploySummary): string {
  const facts = md.table(
    ['Deployed', ''],
    [
      ['Revision', md.code(s.revision)],
      ['Image', md.code(s.image)],
      ['Tag URL', s.tagUrl ?? ''],
      ['Service URL', s.url ?? ''],
      ['Took', `${s.seconds.toFixed(1)} s`],
    ],
  );
  const traffic =
    s.before.length > 0
      ? beforeAfter(s.before, s.after)
      : md.heading('Traffic', 4) + 'The service was created by this deploy.\n\n' + trafficTable(s.after);
  return md.heading(`Deployed ${s.service}${s.region ? ` in ${s.region}` : ''}: ${s.revision}`) + facts + traffic;
}
