/**
 * Traffic plans: the exact traffic states a promotion moves through and the state it restores.
 * Pure. Every state keeps every tag and names revisions explicitly (never LATEST), so a revision
 * that becomes Ready meanwhile cannot take traffic underneath a promotion.
 */
import { isDeepStrictEqual } from 'node:util';
import type { RevisionFacts } from '../cloudrun/service-state';
import type { TrafficEntry } from '../cloudrun/traffic-entry';

/** Splits `total` over `weights` proportionally in whole numbers (largest remainder, ties by order). */
export function apportion(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (w * total) / sum);
  const result = exact.map(Math.floor);
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0, left = total - result.reduce((s, n) => s + n, 0); k < left; k++) result[order[k].i]++;
  return result;
}

/**
 * The entries with LATEST replaced by the revision it resolves to now (`latest`, the service's
 * latestReadyRevision); percents and tags kept. Without a Ready revision LATEST stays as it is.
 */
export function pinLatest(entries: readonly TrafficEntry[], latest: string | undefined): TrafficEntry[] {
  return entries.map((e) => (e.type === 'LATEST' && latest ? { ...e, type: 'REVISION', revision: latest } : e));
}

/** Drops entries that carry neither traffic nor a tag: the API keeps nothing for them. */
const meaningful = (e: TrafficEntry): boolean => e.percent > 0 || e.tag !== undefined;

/**
 * The traffic with `percent` % on `candidate` and the rest split over the other revisions in their
 * current proportions. `current` must be pinned (no LATEST). Tagged entries stay, at 0 % when
 * their revision no longer serves.
 */
export function trafficAt(current: readonly TrafficEntry[], candidate: string, percent: number): TrafficEntry[] {
  const isCandidate = (e: TrafficEntry) => e.revision === candidate;
  const others = current.filter((e) => !isCandidate(e));
  const shares = apportion(
    others.map((e) => e.percent),
    100 - percent,
  );
  if (shares.every((s) => s === 0) && percent < 100) {
    throw new Error(`no other revision serves traffic, so ${candidate} cannot take only ${percent} %`);
  }
  const rest = others.map((e, i) => ({ ...e, percent: shares[i] }));
  const tags = current.filter((e) => isCandidate(e) && e.tag !== undefined).map((e) => e.tag as string);
  // The serving entry carries the candidate's first tag, so a revision that already serves as
  // planned keeps exactly the traffic it has (no rewrite into an untagged and a tag-only entry).
  const [servingTag, ...tagOnly] = percent > 0 ? tags : [undefined, ...tags];
  const serving: TrafficEntry[] =
    percent > 0 ? [{ type: 'REVISION', revision: candidate, percent, ...(servingTag ? { tag: servingTag } : {}) }] : [];
  const tagEntries: TrafficEntry[] = tagOnly.map((tag) => ({
    type: 'REVISION',
    revision: candidate,
    percent: 0,
    tag: tag as string,
  }));
  return [...serving, ...tagEntries, ...rest].filter(meaningful);
}

/**
 * The traffic states of a promotion in order, one per step percent. `current` is the service's
 * traffic when the promotion starts, pinned; the plan keeps its tags (including the candidate's).
 */
export function trafficStepPlan(current: readonly TrafficEntry[], candidate: string, steps: readonly number[]): TrafficEntry[][] {
  return steps.map((p) => trafficAt(current, candidate, p));
}

/**
 * What a failed or cancelled promotion puts back: `previous` exactly, except that LATEST is pinned
 * to `stable` when LATEST now resolves to the candidate (restoring LATEST itself would hand the
 * traffic to the newest Ready revision, the very one being undone).
 */
export function restorePlan(
  previous: readonly TrafficEntry[],
  latestNow: string | undefined,
  candidate: string,
  stable: string | undefined,
): TrafficEntry[] {
  if (latestNow !== candidate || !previous.some((e) => e.type === 'LATEST')) return [...previous];
  if (!stable)
    throw new Error(
      `previous traffic follows LATEST, which is now ${candidate}, and no other revision is known to restore it to`,
    );
  return pinLatest(previous, stable);
}

export interface DeployTrafficInput {
  /** The traffic that serves before the deploy, pinned; empty for a new service. */
  readonly current: readonly TrafficEntry[];
  readonly revision: string;
  readonly tag: string;
  readonly noTraffic: boolean;
}

/**
 * The traffic a deploy sends. Every other revision keeps its tag, the new tag names only the new
 * revision, and with no-traffic no percent moves (`current` is pinned, or the new revision would
 * take LATEST's share as soon as it is Ready).
 */
export function deployTraffic({ current, revision, tag, noTraffic }: DeployTrafficInput): TrafficEntry[] {
  // A new service has no traffic to keep: its first revision takes all of it.
  if (current.length === 0) return [{ type: 'REVISION', revision, percent: 100, tag }];
  const kept = current.map((e): TrafficEntry => {
    const { tag: ownTag, ...rest } = e;
    return { ...rest, percent: noTraffic ? e.percent : 0, ...(ownTag && ownTag !== tag ? { tag: ownTag } : {}) };
  });
  return [...kept.filter(meaningful), { type: 'REVISION', revision, percent: noTraffic ? 0 : 100, tag }];
}

/** Tag → revision of the entries that carry a tag. */
const tagsOf = (entries: readonly TrafficEntry[]): Map<string, string | undefined> =>
  new Map(entries.filter((e) => e.tag !== undefined).map((e) => [e.tag!, e.revision]));

/** Whether two traffic states send the same share to each revision and the same tags to the same revisions. */
export function sameServing(a: readonly TrafficEntry[], b: readonly TrafficEntry[]): boolean {
  const shares = (entries: readonly TrafficEntry[]) =>
    [...sharesByRevision(entries)].filter(([, p]) => p > 0).sort(([x], [y]) => x.localeCompare(y));
  const tags = (entries: readonly TrafficEntry[]) => [...tagsOf(entries)].sort(([x], [y]) => x.localeCompare(y));
  return isDeepStrictEqual(shares(a), shares(b)) && isDeepStrictEqual(tags(a), tags(b));
}

/** A service as far as traffic goes: its spec, what serves, and whether that is settled. */
export interface TrafficState {
  readonly traffic: readonly TrafficEntry[];
  readonly served: readonly TrafficEntry[];
  readonly latestReady?: string;
  readonly reconciling: boolean;
  readonly rolloutFailure?: string;
}

/**
 * Whether `wanted` is both the spec and what serves, with no rollout under way: only then is there
 * nothing to change. A failed rollout leaves the spec as asked and the old traffic serving
 * (service.proto, `reconciling`), so the spec alone would call an unrestored service restored. (A
 * failed terminal condition alone proves nothing: a failed latest revision keeps it failed while
 * pinned traffic serves as asked.)
 */
export function servesAsWanted(state: TrafficState, wanted: readonly TrafficEntry[]): boolean {
  return (
    !state.reconciling &&
    isDeepStrictEqual(state.traffic, wanted) &&
    sameServing(state.served, pinLatest(wanted, state.latestReady))
  );
}

/**
 * The traffic after a successful promotion without stale tags. `releases` are the revisions that
 * were released, newest first: the candidate, the release history's promotions, then what served
 * before the promotion (a release made before Runway kept history). A tag stays on the newest
 * `keep` of them and on revisions created after the candidate (another release may be under way);
 * every other tag Runway made (`owned`) goes, so an old revision, with whatever was fixed since,
 * stops being reachable at its tag URL. Failed candidates were never released, so their tags go
 * too. A tag Runway did not make stays, whatever its age (`foreign` names those it would have
 * pruned). Percents stay.
 */
export function withoutStaleTags(
  traffic: readonly TrafficEntry[],
  candidate: string,
  releases: readonly string[],
  revisions: readonly RevisionFacts[],
  keep: number,
  owned: (tag: string) => boolean,
): { traffic: TrafficEntry[]; removed: string[]; foreign: string[] } {
  const kept = new Set([...new Set([candidate, ...releases])].slice(0, Math.max(keep, 1)));
  const created = new Map(revisions.map((r) => [r.name, r.created]));
  const since = created.get(candidate) ?? Infinity;
  const old = (e: TrafficEntry) =>
    e.tag !== undefined && e.type === 'REVISION' && !kept.has(e.revision!) && (created.get(e.revision!) ?? 0) <= since;
  const stale = (e: TrafficEntry) => old(e) && owned(e.tag!);
  const removed = traffic.filter(stale).map((e) => e.tag!);
  const foreign = traffic.filter((e) => old(e) && !owned(e.tag!)).map((e) => e.tag!);
  const result = traffic.flatMap((e): TrafficEntry[] => {
    if (!stale(e)) return [e];
    const { tag: _tag, ...rest } = e;
    return e.percent > 0 ? [rest] : [];
  });
  return { traffic: result, removed, foreign };
}

/** Steps as given: strictly increasing whole percents ending at 100. Returns the problem, if any. */
export function checkTrafficSteps(steps: readonly number[]): string | undefined {
  for (let i = 1; i < steps.length; i++) {
    if (steps[i] <= steps[i - 1]) return `must increase: ${steps[i]} follows ${steps[i - 1]}`;
  }
  if (steps[steps.length - 1] !== 100) return `must end at 100 (the last step moves all traffic), got ${steps.join(',')}`;
  return undefined;
}

/** Percent of traffic each revision receives, merged over entries (for comparisons and tables). */
export function sharesByRevision(entries: readonly TrafficEntry[]): Map<string, number> {
  const shares = new Map<string, number>();
  for (const e of entries) {
    const key = e.type === 'LATEST' ? 'LATEST' : e.revision!;
    shares.set(key, (shares.get(key) ?? 0) + e.percent);
  }
  return shares;
}
