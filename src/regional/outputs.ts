/** Per-region outputs: what one region gives as a plain value, several as a JSON object keyed by region. */
import type { Leg } from './legs';

/**
 * A per-region output: the plain value with one region (as before multi-region), else a JSON map
 * keyed by region. A non-string value is JSON in both.
 */
export function perRegion(legs: readonly Leg[], values: readonly unknown[]): string {
  if (legs.length === 1) return typeof values[0] === 'string' ? values[0] : JSON.stringify(values[0]);
  return JSON.stringify(Object.fromEntries(legs.map((l, i) => [l.target.region, values[i]])));
}

/** Every output named in `names`, one value per leg from `results`. */
export function perRegionOutputs<R, N extends keyof R & string>(
  legs: readonly Leg[],
  results: readonly R[],
  names: readonly N[],
): Record<N, string> {
  return Object.fromEntries(
    names.map((name) => [
      name,
      perRegion(
        legs,
        results.map((r) => r[name]),
      ),
    ]),
  ) as Record<N, string>;
}
