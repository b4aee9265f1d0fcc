/**
 * Which revision a rollback moves traffic to. Pure: the caller reads the service, its revisions and
 * the history annotation; this decides.
 */
import type { ReleaseRecord } from './history';
import type { RevisionFacts } from '../cloudrun/service-state';
import { GONE, Refused } from './ready-check';
import type { TrafficEntry } from '../cloudrun/traffic-entry';
import { parseSnapshot } from './snapshot';

/** What the `to` input asks for. */
export type RollbackRequest =
  { kind: 'previous' } | { kind: 'revision'; revision: string } | { kind: 'traffic'; traffic: TrafficEntry[] };

const REVISION = /^[a-z][a-z0-9-]{0,62}$/;

/** Parses `to`: `previous`, a revision name or a previous-traffic JSON array; the message says which is wrong. */
export function parseRollbackRequest(to: string): RollbackRequest {
  const text = to.trim();
  if (text === 'previous') return { kind: 'previous' };
  if (text.startsWith('[')) return { kind: 'traffic', traffic: parseSnapshot(text) };
  if (REVISION.test(text)) return { kind: 'revision', revision: text };
  throw new Error('expected previous, a revision name (lowercase letters, digits, hyphens) or a previous-traffic JSON array');
}

export interface RollbackChoice {
  /** The traffic to set, in one update. */
  readonly traffic: TrafficEntry[];
  /** The revision that serves the most traffic afterwards. */
  readonly revision: string;
  /** How the target was chosen, for the log and summary. */
  readonly why: string;
}

/** Revisions a rollback already moved away from: known bad, never chosen by `previous`. */
function rolledBackFrom(history: readonly ReleaseRecord[]): Set<string> {
  return new Set(history.filter((r) => r.action === 'rollback' && r.from).map((r) => r.from!));
}

/**
 * `previous`: the newest release in the history that is not the current revision, was not rolled
 * back from, and is Ready. Without usable history: the newest Ready revision other than the
 * current one that serves traffic now, else the newest Ready revision created before the current
 * one (Cloud Run keeps no record of past traffic; those are the ones that could have served).
 */
export function choosePrevious(
  history: readonly ReleaseRecord[],
  current: string | undefined,
  revisions: readonly RevisionFacts[],
  serving: ReadonlySet<string>,
): { revision: string; why: string } {
  const byName = new Map(revisions.map((r) => [r.name, r]));
  const bad = rolledBackFrom(history);
  const usable = (name: string) => name !== current && !bad.has(name) && byName.get(name)?.ready === true;
  const released = history.find((r) => r.action === 'promote' && usable(r.revision));
  // Releases passed over because their revision no longer exists, said in the reason.
  const skipped = history.slice(0, released ? history.indexOf(released) : history.length);
  const gone = [...new Set(skipped.filter((r) => r.action === 'promote' && !byName.has(r.revision)).map((r) => r.revision))];
  const goneNote = gone.length ? `; passed over ${gone.join(', ')}: no longer exist (${GONE})` : '';
  if (released)
    return {
      revision: released.revision,
      why: `last good release before ${current ?? 'the current one'} (${released.time})${goneNote}`,
    };
  const newestFirst = [...revisions].sort((a, b) => b.created - a.created);
  const alsoServing = newestFirst.find((r) => serving.has(r.name) && usable(r.name));
  if (alsoServing)
    return {
      revision: alsoServing.name,
      why: `no release history; newest Ready revision that also serves traffic now${goneNote}`,
    };
  const currentCreated = current ? byName.get(current)?.created : undefined;
  const older = newestFirst.find((r) => usable(r.name) && (currentCreated === undefined || r.created < currentCreated));
  if (older)
    return {
      revision: older.name,
      why: `no release history; newest Ready revision created before ${current ?? 'now'}${goneNote}`,
    };
  throw new Refused(
    `no revision to roll back to: the history names none that is Ready, and no Ready revision older than ${current ?? 'the current one'} exists${goneNote}`,
  );
}

/** The traffic without the tags in `tags`: a tagged entry that carries traffic keeps it, untagged. */
export function withoutTags(entries: readonly TrafficEntry[], tags: readonly string[]): TrafficEntry[] {
  return entries.flatMap((e) => {
    if (e.tag === undefined || !tags.includes(e.tag)) return [e];
    if (e.percent === 0) return [];
    const { tag: _tag, ...rest } = e;
    return [rest];
  });
}

/**
 * All traffic on `revision` in one update. Tags stay on their revisions (so every tag URL keeps
 * working) except the ones listed in `removeTags`.
 */
export function allTrafficTo(
  current: readonly TrafficEntry[],
  revision: string,
  removeTags: readonly string[] = [],
): TrafficEntry[] {
  const tags = current.filter((e) => e.tag !== undefined).map((e) => ({ ...e, percent: 0 }));
  return withoutTags([{ type: 'REVISION', revision, percent: 100 }, ...tags], removeTags);
}

/** Tags in `removeTags` that the traffic does not have (reported, not fatal). */
export const missingTags = (current: readonly TrafficEntry[], removeTags: readonly string[]): string[] =>
  removeTags.filter((t) => !current.some((e) => e.tag === t));
