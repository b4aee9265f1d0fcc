/** The I/O edge of the gate: one timed HTTP request, judged by checkResponse. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
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
  const { code, message } = e as { code?: string; message?: string };
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code) return `network error ${code}`;
  return `network error: ${message}`;
}

/**
 * GET `url` with node:http(s): status and body as UTF-8 text. Not fetch: its first call loads Node's
 * bundled undici, which was half of health-gate's start-up. Redirects are not followed; no
 * accept-encoding is sent, so the body comes uncompressed.
 */
function get(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    request(url, { headers, signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      // A connection that closes before the body's end is a dropped answer, not a short one.
      response.on(
        'close',
        () => response.complete || reject(Object.assign(new Error('response cut off'), { code: 'ECONNRESET' })),
      );
    })
      .on('error', reject)
      .end();
  });
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
    const { status, body } = await get(url, headers, signal);
    const ms = performance.now() - started;
    const failures = checkResponse(request, status, body);
    const platform = failures.length > 0 && isPlatformUnavailable(status, body);
    return { ms, status, failures, ...(platform ? { unanswered: 'platform' as const } : {}) };
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
