/** What a successful promotion leaves on each region's service: its release in the history, stale tags gone, the live image tag. */
import type { GoogleClients } from '../cloudrun/clients';
import { describeApiError } from '../cloudrun/errors';
import type { RevisionFacts, ServiceTraffic } from '../cloudrun/service-state';
import type { Reporter } from '../report';
import { setTraffic } from './apply';
import { decodeHistory, HISTORY_ANNOTATION, madeByRunway, recordRelease, type ReleaseRecord } from './history';
import { tagLiveImage } from './live-tag';
import { withoutStaleTags } from './plan';
import { withoutPromotion } from './override';
import type { PromoteLeg, PromotionSettings } from './promote';
import type { TrafficEntry } from '../cloudrun/traffic-entry';

/** A region's service around its promotion. */
export interface PromotedRegion {
  /** What serves now: the last step's traffic, still this promotion's, read just before (its etag is fresh). */
  readonly current: ServiceTraffic;
  /** What served before the promotion. */
  readonly before: readonly TrafficEntry[];
  readonly revisions: readonly RevisionFacts[];
}

/**
 * After the last step: one traffic update that removes stale tags (releases older than the last
 * `keepTags`, failed candidates) and records the release, so history and last-good are written
 * only with a traffic operation that succeeded; then the live image tag. Failures here are
 * reported, not fatal: the candidate already serves.
 */
export async function recordPromotedRelease(
  clients: GoogleClients,
  settings: PromotionSettings,
  { target, candidate }: PromoteLeg,
  { current, before, revisions }: PromotedRegion,
  reporter: Reporter,
): Promise<{ state: ServiceTraffic; notes: string[] }> {
  const notes: string[] = [];
  const revision = revisions.find((r) => r.name === candidate);
  const tags = current.traffic.flatMap((e) => (e.revision === candidate && e.tag ? [e.tag] : []));
  const release: ReleaseRecord = {
    action: 'promote',
    revision: candidate,
    time: new Date().toISOString(),
    ...(revision?.digest ? { digest: revision.digest } : {}),
    ...(settings.commit ? { commit: settings.commit } : {}),
    ...(settings.actor ? { actor: settings.actor } : {}),
    ...(tags.length ? { tags } : {}),
  };
  // The promotion is finished: its record has nothing left to guard.
  const annotations = recordRelease(withoutPromotion(current.annotations), release);
  const history = decodeHistory(annotations[HISTORY_ANNOTATION]);
  // What served before the promotion counts as released, newest first (for the tags it keeps).
  const servedBefore = revisions
    .filter((r) => before.some((e) => e.revision === r.name && e.percent > 0))
    .sort((a, b) => b.created - a.created)
    .map((r) => r.name);
  const releases = [...history.flatMap((r) => (r.action === 'promote' ? [r.revision] : [])), ...servedBefore];
  const pruned = withoutStaleTags(current.traffic, candidate, releases, revisions, settings.keepTags ?? 3, madeByRunway(history));
  let state = current;
  try {
    state = await setTraffic(clients, target, current, pruned.traffic, annotations);
    notes.push(`Recorded ${candidate} as the last good revision in the service annotations.`);
    if (pruned.removed.length) notes.push(`Removed stale traffic tags: ${pruned.removed.join(', ')}.`);
    if (pruned.foreign.length)
      notes.push(`Kept older traffic tags Runway did not make (not Runway's to remove): ${pruned.foreign.join(', ')}.`);
  } catch (e) {
    reporter.warning(`Promoted, but the release history could not be recorded: ${describeApiError(e)}`);
  }
  try {
    notes.push(await tagLiveImage(clients, revision?.image, target.service));
  } catch (e) {
    reporter.warning(`Promoted, but the live image tag could not be set: ${describeApiError(e)}`);
  }
  for (const n of notes) reporter.info(n);
  return { state, notes };
}
