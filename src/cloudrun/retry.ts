/**
 * Runway's one retry layer for Google API calls, on transient errors (UNAVAILABLE,
 * DEADLINE_EXCEEDED) with exponential backoff and jitter. Everything else (INVALID_ARGUMENT, ABORTED
 * for a stale etag, PERMISSION_DENIED) is final and surfaces at once.
 *
 * Reads are repeated as they are (`withRetry`, with google-gax's own retry turned off by
 * NO_GAX_RETRY where its config has one). A mutation is never repeated blindly: a timed-out call
 * may have been applied, so `sendOnce` re-reads first and sends again only when the change is not
 * there. google-gax retries no mutation of the Cloud Run, Artifact Registry or Monitoring APIs
 * (their client configs mark them non_idempotent); it keeps polling long-running operations.
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

/** Call options that turn off google-gax's own retry, for calls that `withRetry` repeats. */
export const NO_GAX_RETRY = { retry: null };

/** Repeats a read on transient errors. */
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

/** What a mutation sent with `sendOnce` came to: its answer, or the re-read that found it applied. */
export type Sent<T, R> = { readonly sent: T } | { readonly applied: R };

/**
 * Sends a mutation. After an error the change may or may not have been applied (a lost answer, a
 * passed deadline), so `findApplied` re-reads: what it returns means applied, and the change stands
 * (no second send). Not applied: a transient error sends it again after a backoff, any other error
 * surfaces.
 */
export async function sendOnce<T, R>(
  send: () => Promise<T>,
  findApplied: () => Promise<R | undefined>,
  options: RetryOptions = {},
): Promise<Sent<T, R>> {
  const { attempts = 5, baseDelayMs = 500, maxDelayMs = 8000, onRetry, sleep = (ms: number) => wait(ms) } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return { sent: await send() };
    } catch (e) {
      const again = isTransient(e) && attempt < attempts;
      if (again) {
        // Waited out first: a call that timed out on our side may still be applied on the server's.
        const delay = backoffDelay(attempt, baseDelayMs, maxDelayMs);
        onRetry?.(e as Error, attempt, delay);
        await sleep(delay);
      }
      // A re-read that fails must not hide the error of the change itself.
      const applied = await withRetry(findApplied, options).catch(() => undefined);
      if (applied !== undefined) return { applied };
      if (!again) throw e;
    }
  }
}
