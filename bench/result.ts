/** What every bench module returns, and the few helpers they share. */
import { performance } from 'node:perf_hooks';

export interface Result {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** None for a reference measure that others' goals are relative to (startup.floor). */
  readonly goal?: number;
  readonly better: 'lower' | 'higher';
  /** The same measure for the usual way of doing it, run side by side in the same process. */
  readonly baseline?: number;
  /** How to measure it alone, and how it was measured (runs, settings). */
  readonly command: string;
  readonly how: string;
}

/** A group of results measured together (they share a set-up such as an emulator or a build). */
export interface Group {
  readonly name: string;
  /** `bundles`: the folder holding each action's bundle (`<action>/index.js`), dist/ unless told. */
  readonly run: (options: { runs: number; bundles: string }) => Promise<Result[]>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile. */
export function percentileOf(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

export function meets(r: Pick<Result, 'value' | 'goal' | 'better'>): boolean {
  if (r.goal === undefined) return true;
  return r.better === 'lower' ? r.value <= r.goal : r.value >= r.goal;
}

/** A seeded generator (mulberry32) so every run of a simulation draws the same numbers. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
