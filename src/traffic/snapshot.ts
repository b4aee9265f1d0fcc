/**
 * A service's traffic as Runway records and restores it: deploy-cloudrun outputs it as
 * `previous-traffic`, promote and rollback put it back exactly (same targets, percents and tags).
 */
// The entry and its conversions live with the Cloud Run readers, which need them too (a lower layer).
import type { TrafficEntry } from '../cloudrun/traffic-entry';

export const formatSnapshot = (entries: readonly TrafficEntry[]): string => JSON.stringify(entries);

/** Parses and validates a snapshot (e.g. the previous-traffic input); the message says what is wrong. */
export function parseSnapshot(json: string): TrafficEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new Error(`not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(value) || value.length === 0) throw new Error('expected a non-empty JSON array of traffic entries');
  const entries = value.map((raw, i): TrafficEntry => {
    const e = raw as Record<string, unknown>;
    const where = `entry ${i + 1}`;
    if (e === null || typeof e !== 'object') throw new Error(`${where} is not an object`);
    if (e.type !== 'LATEST' && e.type !== 'REVISION') throw new Error(`${where}: type must be LATEST or REVISION`);
    if (e.type === 'REVISION' && (typeof e.revision !== 'string' || e.revision === ''))
      throw new Error(`${where}: a REVISION entry needs a revision`);
    if (typeof e.percent !== 'number' || !Number.isInteger(e.percent) || e.percent < 0 || e.percent > 100) {
      throw new Error(`${where}: percent must be a whole number from 0 to 100`);
    }
    if (e.tag !== undefined && typeof e.tag !== 'string') throw new Error(`${where}: tag must be a string`);
    const tag = e.tag ? { tag: e.tag } : {};
    return e.type === 'LATEST'
      ? { type: 'LATEST', percent: e.percent, ...tag }
      : { type: 'REVISION', percent: e.percent, revision: e.revision as string, ...tag };
  });
  const total = entries.reduce((sum, e) => sum + e.percent, 0);
  if (total !== 100) throw new Error(`percents add up to ${total}, not 100`);
  return entries;
}

/** The revision with the largest share (LATEST resolved by the caller), for `previous-revision`. */
export function mainRevision(entries: readonly TrafficEntry[], latestReady?: string): string | undefined {
  const best = [...entries].sort((a, b) => b.percent - a.percent)[0];
  if (!best || best.percent === 0) return undefined;
  return best.type === 'LATEST' ? latestReady : best.revision;
}
