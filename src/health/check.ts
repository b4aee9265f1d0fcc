/** Judges one HTTP response against the gate's checks: status, body pattern and JSON assertions. */
import { evaluateAssertion } from './assertion';
import type { Failure, GateConfig } from './model';
import { formatStatusRanges, statusMatches } from './status';

export type ResponseChecks = Pick<GateConfig, 'expectedStatus' | 'bodyRegex' | 'assertions'>;

/** Every reason the response fails the checks; empty when it passes. */
export function checkResponse(checks: ResponseChecks, status: number, body: string): Failure[] {
  const failures: Failure[] = [];
  if (!statusMatches(checks.expectedStatus, status)) {
    const page = isPlatformUnavailable(status, body) ? ", the platform's own page: no instance took the request" : '';
    failures.push({ kind: 'status', message: `status ${status}${page} (expected ${formatStatusRanges(checks.expectedStatus)})` });
  }
  if (checks.bodyRegex && !checks.bodyRegex.test(body))
    failures.push({ kind: 'body', message: `body does not match ${String(checks.bodyRegex)}` });
  if (checks.assertions.length === 0) return failures;
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    const start = body.slice(0, 60).replace(/\s+/g, ' ');
    failures.push({ kind: 'body', message: `body is not JSON, so no assertion can hold (starts with ${JSON.stringify(start)})` });
    return failures;
  }
  for (const a of checks.assertions) {
    const failed = evaluateAssertion(a, document);
    if (failed)
      failures.push({
        kind: 'assertion',
        message: `${failed.path}: expected ${failed.expected}, got ${failed.actual}`,
        ...failed,
      });
  }
  return failures;
}

/**
 * Why a request got no answer from the app itself: no connection, no answer in time, or the
 * platform's own "unavailable" page. Such a request says the revision has not started (or the
 * platform did not reach it), not that it answered wrongly.
 */
export type Unanswered = 'network' | 'timeout' | 'platform';

/** Statuses the platform itself answers when no instance takes a request (a cold start, a scale-up). */
const PLATFORM_STATUSES = [429, 502, 503, 504];

/**
 * Pages that the platform in front of the app serves, not the app:
 * - Cloud Run's own page, served by the Google Front End when no instance is ready to take the
 *   request: `<title>503 Server Error</title>` … `<h1>Error: Server Error</h1>` `<h2>The service you
 *   requested is not available yet.<p>Please try again in 30 seconds.</h2>`, with `Server: Google
 *   Frontend` (as users quote it in public reports and READMEs; Cloud Run's known-issues page,
 *   docs.cloud.google.com/run/docs/known-issues, names the cause: 429 or 503 with "The request was
 *   aborted because there was no available instance");
 * - Google's generic front-end error page, `<title>Error 503 (Service Unavailable)!!1</title>`
 *   … `That’s an error.`;
 * - the emulator's router, when no ready revision serves the URL (emulator/router.ts).
 */
const PLATFORM_PAGES = [
  /<title>\d{3} [^<]*<\/title>[\s\S]*<h1>Error: [^<]*<\/h1>/i,
  /<title>Error \d{3} \([^)]*\)!!1<\/title>/,
  /^Service Unavailable: no ready revision serves this URL\s*$/,
];

/**
 * Whether a response is the platform's own "unavailable" answer rather than the app's: one of the
 * platform's statuses with an empty body or one of its pages. A 503 with any other body (JSON, a
 * page of the app's own) is the app's answer and counts as such.
 */
export function isPlatformUnavailable(status: number, body: string): boolean {
  if (!PLATFORM_STATUSES.includes(status)) return false;
  return body.trim() === '' || PLATFORM_PAGES.some((page) => page.test(body));
}

/**
 * Whether a measured request that got no answer from the app is asked once more before it counts:
 * a refused or reset connection, or the platform's own page, is what a client meets while Cloud Run
 * scales out (a request that finds no instance in time fails with 429 or 503: the autoscaling page,
 * cloud.google.com/run/docs/about-instance-autoscaling), and is gone when asked again. A timeout is
 * not asked again: the app is slow, and asking again would only double the wait.
 */
export function isRetried(unanswered: Unanswered | undefined): boolean {
  return unanswered === 'network' || unanswered === 'platform';
}
