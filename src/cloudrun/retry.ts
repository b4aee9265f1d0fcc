/**
 * Retries a Google API call on transient errors (UNAVAILABLE, DEADLINE_EXCEEDED) with exponential
 * backoff and jitter. Everything else (INVALID_ARGUMENT, ABORTED for a stale etag, PERMISSION_DENIED)
 * is final and surfaces at once.
 */
import { setTimeout as wait } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';

export const TRANSIENT_CODES: ReadonlySet<number> = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);

export interface RetryOptions {
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Told before each wait, e.g. to print a progress line. */
  readonly onRetry?: (error: Error, attempt: number, delayMs: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const isTransient = (e: unknown): boolean => TRANSIENT_CODES.has((e as { code?: number })?.code ?? -1);

/** Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped, with ±20 % jitter. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: number = Math.random()): number {
  const exact = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exact * (0.8 + 0.4 * random));
}

export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 5, baseDelayMs = 500, maxDelayMs = 8000, onRetry, sleep = (ms: number) => wait(ms) } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!isTransient(e) || attempt >= attempts) throw e;
      const delay = backoffDelay(attempt, baseDelayMs, maxDelayMs);
      onRetry?.(e as Error, attempt, delay);
      await sleep(delay);
    }
  }
}
