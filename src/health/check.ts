/** Judges one HTTP response against the gate's checks: status, body pattern and JSON assertions. */
import { evaluateAssertion } from './assertion';
import type { Failure, GateConfig } from './model';
import { formatStatusRanges, statusMatches } from './status';

export type ResponseChecks = Pick<GateConfig, 'expectedStatus' | 'bodyRegex' | 'assertions'>;

/** Every reason the response fails the checks; empty when it passes. */
export function checkResponse(checks: ResponseChecks, status: number, body: string): Failure[] {
  const failures: Failure[] = [];
  if (!statusMatches(checks.expectedStatus, status))
    failures.push({ kind: 'status', message: `status ${status} (expected ${formatStatusRanges(checks.expectedStatus)})` });
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
 * Failures that mean "not started yet" rather than "started and wrong": no connection, no answer in
 * time, or the platform's own unavailable answers. Before the first success these are not counted.
 */
export function isColdStartFailure(failures: readonly Failure[], status: number | undefined): boolean {
  if (failures.some((f) => f.kind === 'network' || f.kind === 'timeout')) return true;
  return status !== undefined && [429, 502, 503, 504].includes(status);
}
