/**
 * One entry of a service's traffic as Runway reads, records and restores it, and its conversions from
 * and to the API's traffic targets. The `previous-traffic` format built on it is traffic/snapshot.ts.
 */
import type { protos } from '@google-cloud/run';

type TrafficTarget = protos.google.cloud.run.v2.ITrafficTarget;

export interface TrafficEntry {
  /** LATEST follows the newest Ready revision; REVISION pins one. */
  readonly type: 'LATEST' | 'REVISION';
  readonly revision?: string;
  readonly percent: number;
  readonly tag?: string;
}

const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

function allocationType(t: TrafficTarget): 'LATEST' | 'REVISION' {
  // The client returns enums as names or numbers depending on the transport.
  return t.type === LATEST || t.type === 1 ? 'LATEST' : 'REVISION';
}

/** The traffic of a service as the API returns it, in its order. */
export function fromTargets(targets: readonly TrafficTarget[] | null | undefined): TrafficEntry[] {
  return (targets ?? []).map((t) => {
    const type = allocationType(t);
    const entry: { type: 'LATEST' | 'REVISION'; revision?: string; percent: number; tag?: string } = {
      type,
      percent: t.percent ?? 0,
    };
    if (type === 'REVISION' && t.revision) entry.revision = t.revision;
    if (t.tag) entry.tag = t.tag;
    return entry;
  });
}

/** The API's traffic targets for a snapshot: what an UpdateService sends to restore it. */
export function toTargets(entries: readonly TrafficEntry[]): TrafficTarget[] {
  return entries.map((e) => ({
    type: e.type === 'LATEST' ? LATEST : REVISION,
    ...(e.type === 'REVISION' ? { revision: e.revision } : {}),
    percent: e.percent,
    ...(e.tag ? { tag: e.tag } : {}),
  }));
}
