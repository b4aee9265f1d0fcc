/**
 * A person on call wins (issue 19). Every traffic change a promotion makes (each step, its restore)
 * also writes what it set into a service annotation, in the same update, so the record and the
 * traffic can never disagree because of Runway. Before each step and before any restore, Runway
 * compares the service with that record (or, within the promote step, with what it holds in
 * memory): when someone else changed the traffic since (a rollback, a hotfix, the console, gcloud),
 * Runway stops and changes nothing. Pure.
 */
import { decodeHistory, describeRelease, HISTORY_ANNOTATION } from './history';
import { pinLatest, sameServing, type TrafficState } from './plan';
import type { TrafficEntry } from '../cloudrun/traffic-entry';
import { parseSnapshot } from './snapshot';

export const PROMOTION_ANNOTATION = 'runway.dev/promotion';

/** What a promotion last set on a service, as recorded in PROMOTION_ANNOTATION. */
export interface PromotionRecord {
  /** The revision being promoted. */
  readonly revision: string;
  /** When the promotion started (ISO 8601): tells this promotion from an earlier one of the same revision. */
  readonly started: string;
  /** The traffic the promotion last set (a step, or the restore). */
  readonly traffic: TrafficEntry[];
}

/** The annotations with `record` as the promotion's record; every other annotation kept. */
export function withPromotion(annotations: Readonly<Record<string, string>>, record: PromotionRecord): Record<string, string> {
  return { ...annotations, [PROMOTION_ANNOTATION]: JSON.stringify(record) };
}

/** The annotations without the promotion record (a promotion that finished has nothing left to guard). */
export function withoutPromotion(annotations: Readonly<Record<string, string>>): Record<string, string> {
  const { [PROMOTION_ANNOTATION]: _record, ...rest } = annotations;
  return rest;
}

/** The promotion record of `revision` on a service, if it has one that reads (anything else: none). */
export function promotionOf(annotations: Readonly<Record<string, string>>, revision: string): PromotionRecord | undefined {
  const value = annotations[PROMOTION_ANNOTATION];
  if (!value) return undefined;
  try {
    const r = JSON.parse(value) as Partial<PromotionRecord>;
    if (r.revision !== revision || typeof r.started !== 'string' || !Array.isArray(r.traffic)) return undefined;
    return { revision: r.revision, started: r.started, traffic: parseSnapshot(JSON.stringify(r.traffic)) };
  } catch {
    return undefined;
  }
}

/**
 * Whether someone other than Runway changed the traffic since Runway set `lastSet`. The spec decides
 * first: only an update changes it. With the spec still Runway's, what serves (`traffic_statuses`)
 * must be it too, unless a rollout is under way or failed (then the previous traffic keeps serving
 * for a while, or until a restore; service.proto, `reconciling`). Order of entries does not matter
 * (gcloud rewrites the list); shares per revision and tags do, a tag added or moved included.
 */
export function changedBySomeoneElse(state: TrafficState, lastSet: readonly TrafficEntry[]): boolean {
  if (!sameServing(state.traffic, lastSet)) return true;
  if (state.reconciling || state.rolloutFailure) return false;
  return !sameServing(state.served, pinLatest(lastSet, state.latestReady));
}

/** Traffic in one line for messages: `web-2 10 %, web-1 90 %; tags: two → web-2`. */
export function describeTraffic(entries: readonly TrafficEntry[]): string {
  const name = (e: TrafficEntry) => (e.type === 'LATEST' ? 'LATEST' : e.revision!);
  const shares = entries.filter((e) => e.percent > 0).map((e) => `${name(e)} ${e.percent} %`);
  const tags = entries.filter((e) => e.tag).map((e) => `${e.tag} → ${name(e)}`);
  return (shares.join(', ') || 'no traffic') + (tags.length ? `; tags: ${tags.join(', ')}` : '');
}

/** What a change by someone else left on a service: its traffic and annotations. */
export interface FoundState extends TrafficState {
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * Names what was found instead of `lastSet`: what serves (and the spec when it differs), and the
 * release history's last entry when it is a rollback made after `since` (a Runway rollback by a
 * person on call).
 */
export function describeOverride(found: FoundState, lastSet: readonly TrafficEntry[], since: string): string {
  const spec = sameServing(found.traffic, found.served) ? '' : ` (its spec: ${describeTraffic(found.traffic)})`;
  const [last] = decodeHistory(found.annotations[HISTORY_ANNOTATION]);
  const rollback =
    last?.action === 'rollback' && Date.parse(last.time) >= Date.parse(since)
      ? `; the release history's last entry is a rollback: ${describeRelease(last)}`
      : '';
  return `it serves ${describeTraffic(found.served)}${spec}, not ${describeTraffic(lastSet)} as Runway last set it${rollback}`;
}

/** The traffic of a service was changed by someone else during a promotion: Runway stops and changes nothing. */
export class TrafficOverridden extends Error {
  constructor(
    readonly service: string,
    readonly candidate: string,
    readonly found: FoundState,
    lastSet: readonly TrafficEntry[],
    since: string,
  ) {
    super(
      `the traffic of ${service} was changed by someone else during the promotion of ${candidate}: ${describeOverride(found, lastSet, since)}. Runway leaves it as it is: a person's change wins (run the rollback workflow, or promote again, if that is what you want)`,
    );
    this.name = 'TrafficOverridden';
  }
}

/** What a promotion set last, as the running promote step holds it (or as read from its record). */
export type LastSet = Pick<PromotionRecord, 'started' | 'traffic'>;

/**
 * What the promotion of `candidate` that started at `last.started` set last: its record on the
 * service when the record is this promotion's (it is written in the same update as the traffic, so
 * it is right even when the answer to that update was lost), else `last`.
 */
export function lastSetBy(annotations: Readonly<Record<string, string>>, candidate: string, last: LastSet): LastSet {
  const record = promotionOf(annotations, candidate);
  return record && record.started === last.started ? record : last;
}

/** Throws TrafficOverridden when someone else changed the traffic of `service` since the promotion of `candidate` set it. */
export function checkStillOurs(service: string, state: FoundState, candidate: string, last: LastSet): void {
  const { traffic } = lastSetBy(state.annotations, candidate, last);
  if (changedBySomeoneElse(state, traffic)) throw new TrafficOverridden(service, candidate, state, traffic, last.started);
}

/**
 * The guard of a restore that undoes the promotion of `candidate` (see apply.ts's restoreTraffic):
 * it stops the restore when someone else changed the traffic, and records the restore as what the
 * promotion set last.
 */
export function promotionGuard(service: string, candidate: string, last: LastSet) {
  return (current: FoundState, wanted: readonly TrafficEntry[]) => {
    checkStillOurs(service, current, candidate, last);
    return withPromotion(current.annotations, { revision: candidate, started: last.started, traffic: [...wanted] });
  };
}
