/**
 * The traffic a deploy sends. Every other revision keeps its tag, the new tag names only the new
 * revision, and with no-traffic no percent moves: a LATEST entry is pinned to the revision it
 * serves today, or the new revision would take its share as soon as it is Ready.
 */
import type { TrafficEntry } from '../traffic/snapshot';

export interface TrafficPlanInput {
  /** The service's traffic before the deploy; empty for a new service. */
  readonly current: readonly TrafficEntry[];
  /** The revision LATEST resolves to today (the service's latestReadyRevision). */
  readonly latestReady?: string;
  readonly revision: string;
  readonly tag: string;
  readonly noTraffic: boolean;
}

/** LATEST entries pinned to the revision they serve now: the traffic exactly as it is served. */
export function pinLatest(entries: readonly TrafficEntry[], latestReady: string | undefined): TrafficEntry[] {
  return entries.map((e) => (e.type === 'LATEST' && latestReady ? { ...e, type: 'REVISION', revision: latestReady } : e));
}

export function planTraffic({ current, latestReady, revision, tag, noTraffic }: TrafficPlanInput): TrafficEntry[] {
  // A new service has no traffic to keep: its first revision takes all of it.
  if (current.length === 0) return [{ type: 'REVISION', revision, percent: 100, tag }];
  const kept: TrafficEntry[] = [];
  for (const entry of current) {
    const pinned: TrafficEntry =
      entry.type === 'LATEST' && latestReady ? { ...entry, type: 'REVISION', revision: latestReady } : entry;
    const percent = noTraffic ? pinned.percent : 0;
    const ownTag = pinned.tag === tag ? undefined : pinned.tag;
    // An entry that neither serves traffic nor carries a tag any more has nothing left to keep.
    if (percent === 0 && !ownTag) continue;
    kept.push({
      type: pinned.type,
      ...(pinned.revision ? { revision: pinned.revision } : {}),
      percent,
      ...(ownTag ? { tag: ownTag } : {}),
    });
  }
  return [...kept, { type: 'REVISION', revision, percent: noTraffic ? 0 : 100, tag }];
}
