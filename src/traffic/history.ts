/**
 * Runway's release history, kept in service annotations: revisions are immutable, but service
 * annotations change without creating a revision. Cloud Run v2 rejects user annotations in the
 * run.googleapis.com, cloud.googleapis.com, serving.knative.dev and autoscaling.knative.dev
 * namespaces, so Runway uses its own.
 */
import { isCommitTag } from '../cloudrun/tags';

export const HISTORY_ANNOTATION = 'runway.dev/history';
export const LAST_GOOD_ANNOTATION = 'runway.dev/last-good';

/** Newest entries kept. */
export const HISTORY_LIMIT = 10;
/** Bytes one annotation value may take; Kubernetes-style limits cap all annotations at 256 KiB together. */
export const HISTORY_MAX_BYTES = 8192;

export interface ReleaseRecord {
  readonly action: 'promote' | 'rollback';
  readonly revision: string;
  /** ISO 8601 time of the change. */
  readonly time: string;
  readonly digest?: string;
  readonly commit?: string;
  readonly actor?: string;
  /** For a promotion: the traffic tags the revision had when it was released (tags Runway may prune later). */
  readonly tags?: readonly string[];
  /** For a rollback: the revision it moved away from, and why. */
  readonly from?: string;
  readonly reason?: string;
}

/** Reads the history annotation, newest first; anything unreadable counts as no history (never fatal). */
export function decodeHistory(value: string | undefined): ReleaseRecord[] {
  if (!value) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (r): r is ReleaseRecord =>
      r !== null &&
      typeof r === 'object' &&
      (r.action === 'promote' || r.action === 'rollback') &&
      typeof r.revision === 'string' &&
      typeof r.time === 'string',
  );
}

/** Adds `release` as the newest entry, keeping at most `limit` entries within `maxBytes`. */
export function encodeHistory(
  history: readonly ReleaseRecord[],
  release: ReleaseRecord,
  limit = HISTORY_LIMIT,
  maxBytes = HISTORY_MAX_BYTES,
): string {
  const kept = [release, ...history].slice(0, limit);
  let text = JSON.stringify(kept);
  while (Buffer.byteLength(text) > maxBytes && kept.length > 1) {
    kept.pop();
    text = JSON.stringify(kept);
  }
  if (Buffer.byteLength(text) > maxBytes) throw new Error(`one release record is larger than ${maxBytes} bytes`);
  return text;
}

/** The annotations after recording `release`: others untouched, last-good set when the release is good. */
export function recordRelease(annotations: Readonly<Record<string, string>>, release: ReleaseRecord): Record<string, string> {
  return {
    ...annotations,
    [HISTORY_ANNOTATION]: encodeHistory(decodeHistory(annotations[HISTORY_ANNOTATION]), release),
    [LAST_GOOD_ANNOTATION]: release.revision,
  };
}

/**
 * Whether a traffic tag is one Runway made, so promote may prune it: a tag recorded with a release in
 * the history, or one in Runway's own `sha-` form. Any other tag (a team's `prod-…` set with gcloud)
 * is not Runway's to delete, whatever its age.
 */
export function madeByRunway(history: readonly ReleaseRecord[]): (tag: string) => boolean {
  const recorded = new Set(history.flatMap((r) => (Array.isArray(r.tags) ? r.tags.filter((t) => typeof t === 'string') : [])));
  return (tag) => recorded.has(tag) || isCommitTag(tag);
}

/** Short text of a release for logs and tables. */
export function describeRelease(r: ReleaseRecord): string {
  const parts = [`${r.action} ${r.revision}`, r.time];
  if (r.commit) parts.push(`commit ${r.commit.slice(0, 12)}`);
  if (r.actor) parts.push(`by ${r.actor}`);
  if (r.from) parts.push(`from ${r.from}`);
  return parts.join(', ') + (r.reason ? ` (${r.reason})` : '');
}
