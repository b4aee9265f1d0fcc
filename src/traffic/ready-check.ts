/**
 * Whether the revisions a traffic change names can serve, checked before anything changes. Cloud
 * Run accepts an update naming a missing revision and then fails its rollout ("Revision '…' does
 * not exist or is deleted"; GoogleCloudPlatform/terraform-docs-samples#269), and a tag left on a
 * failed revision keeps later updates failing: Runway never writes such a reference.
 */
import type { RevisionFacts } from '../cloudrun/service-state';
import type { TrafficEntry } from '../cloudrun/traffic-entry';

/**
 * Why a revision named in the history may be gone: "There is a maximum of 1000 revisions per
 * service: If you exceed that limit, older revisions are automatically deleted."
 * (https://cloud.google.com/run/docs/managing/revisions), or someone deleted it.
 */
export const GONE = 'deleted: Cloud Run keeps at most 1,000 revisions per service and deletes the oldest, or someone deleted it';

/** A change refused before any call that mutates: the message says why and that nothing changed. */
export class Refused extends Error {}

/** Why `name` cannot be referenced, or undefined when it is a Ready revision. */
function unservable(name: string, byName: ReadonlyMap<string, RevisionFacts>): string | undefined {
  const r = byName.get(name);
  if (!r) return `${name} does not exist (${GONE})`;
  if (!r.ready) return `${name} is not Ready${r.notReadyReason ? ` (${r.notReadyReason})` : ''}`;
  return undefined;
}

/**
 * Checks that every revision the traffic sends requests to exists and is Ready; the message starts
 * with `refusing` (e.g. "refusing to roll back") and names each revision that is not.
 */
export function checkReady(traffic: readonly TrafficEntry[], revisions: readonly RevisionFacts[], refusing: string): void {
  const byName = new Map(revisions.map((r) => [r.name, r]));
  const problems = traffic
    .filter((e) => e.type === 'REVISION' && e.percent > 0)
    .map((e) => e.revision!)
    .filter((name, i, all) => all.indexOf(name) === i)
    .flatMap((name) => unservable(name, byName) ?? []);
  if (problems.length > 0) throw new Refused(`${refusing}, nothing was changed: ${problems.join('; ')}`);
}

/**
 * The traffic without tag-only entries (0 %) on revisions that are missing or not Ready, and a
 * warning per entry dropped. Writing the rest repairs a service that already carries such a tag.
 */
export function dropUnservableTags(
  traffic: readonly TrafficEntry[],
  revisions: readonly RevisionFacts[],
): { traffic: TrafficEntry[]; warnings: string[] } {
  const byName = new Map(revisions.map((r) => [r.name, r]));
  const warnings: string[] = [];
  const kept = traffic.filter((e) => {
    const problem = e.type === 'REVISION' && e.percent === 0 ? unservable(e.revision!, byName) : undefined;
    if (problem) warnings.push(`dropping the tag ${e.tag ?? '(none)'}: ${problem}, and Cloud Run fails updates that name it`);
    return !problem;
  });
  return { traffic: kept, warnings };
}

/** Both checks: tag-only entries on unservable revisions dropped (warned), serving ones refused. */
export function servableTraffic(
  traffic: readonly TrafficEntry[],
  revisions: readonly RevisionFacts[],
  refusing: string,
  warn: (message: string) => void,
): TrafficEntry[] {
  const { traffic: kept, warnings } = dropUnservableTags(traffic, revisions);
  checkReady(kept, revisions, refusing);
  for (const w of warnings) warn(w);
  return kept;
}
