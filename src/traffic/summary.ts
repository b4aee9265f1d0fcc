/** Job-summary Markdown for traffic changes. Pure. */
import { md } from '../report';
import type { Check } from './verdict';
import type { TrafficEntry } from '../cloudrun/traffic-entry';

const target = (e: TrafficEntry): string => (e.type === 'LATEST' ? 'LATEST (newest Ready revision)' : e.revision!);

/** A traffic table: one row per entry, in the API's order. */
export function trafficTable(entries: readonly TrafficEntry[]): string {
  return md.table(
    ['Revision', 'Percent', 'Tag'],
    entries.map((e) => [md.code(target(e)), `${e.percent} %`, e.tag ? md.code(e.tag) : '']),
  );
}

/** Traffic before and after a change, side by side under their own headings. */
export function beforeAfter(before: readonly TrafficEntry[], after: readonly TrafficEntry[]): string {
  return md.heading('Traffic before', 4) + trafficTable(before) + md.heading('Traffic after', 4) + trafficTable(after);
}

export interface TrafficStepRecord {
  readonly percent: number;
  readonly verdict: 'pass' | 'fail';
  readonly checks: readonly Check[];
  readonly seconds: number;
}

/** One row per promotion step with the result of every check. */
export function stepsTable(candidate: string, steps: readonly TrafficStepRecord[]): string {
  return md.table(
    ['Step', 'Verdict', 'Checks', 'Seconds'],
    steps.map((s) => [
      `${s.percent} % to ${md.code(candidate)}`,
      s.verdict === 'pass' ? 'pass' : '**fail**',
      s.checks.map((c) => `${c.name}: ${c.verdict}${c.reasons.length ? ` (${c.reasons.join('; ')})` : ''}`).join('\n'),
      s.seconds.toFixed(1),
    ]),
  );
}
