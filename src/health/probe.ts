/** The I/O edge of the gate: one timed HTTP request, judged by checkResponse. */
import { performance } from 'node:perf_hooks';
import { checkResponse, isPlatformUnavailable, type ResponseChecks, type Unanswered } from './check';
import type { Failure, GateConfig } from './model';

export type ProbeRequest = Pick<GateConfig, 'headers' | 'idToken'> & ResponseChecks;

export interface Observation {
  readonly ms: number;
  readonly status?: number;
  readonly failures: Failure[];
  /** Set when the app itself did not answer (see Unanswered). */
  readonly unanswered?: Unanswered;
}

/** Joins a base URL (which may carry a path prefix) and a probe path. */
export function probeUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

function networkMessage(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code) return `network error ${cause.code}`;
  return `network error: ${cause?.message ?? (e as Error).message}`;
}

/**
 * Requests `url` once. Redirects are not followed (a 302 to a login page is not healthy). Returns
 * null when `cancel` fired, so a stopped gate drops the request instead of counting it.
 */
export async function probe(
  url: string,
  request: ProbeRequest,
  timeoutMs: number,
  cancel?: AbortSignal,
): Promise<Observation | null> {
  const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs)));
  const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
  const headers: Record<string, string> = { 'user-agent': 'runway-health-gate', ...request.headers };
  if (request.idToken) headers.authorization = `Bearer ${request.idToken}`;
  const started = performance.now();
  try {
    const response = await fetch(url, { headers, redirect: 'manual', signal });
    const body = await response.text();
    const ms = performance.now() - started;
    const failures = checkResponse(request, response.status, body);
    const platform = failures.length > 0 && isPlatformUnavailable(response.status, body);
    return { ms, status: response.status, failures, ...(platform ? { unanswered: 'platform' as const } : {}) };
  } catch (e) {
    const ms = performance.now() - started;
    if (cancel?.aborted) return null;
    if (timeout.aborted)
      return {
        ms,
        failures: [{ kind: 'timeout', message: `no complete response within ${timeoutMs / 1000} s` }],
        unanswered: 'timeout',
      };
    return { ms, failures: [{ kind: 'network', message: networkMessage(e) }], unanswered: 'network' };
  }
}
