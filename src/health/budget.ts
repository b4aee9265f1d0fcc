/**
 * The early-stop rule. Every absolute criterion of the gate is a budget: "at most `allowed` of the
 * `total` planned requests may be bad" (failed, or slower than a latency limit). After `done`
 * requests with `bad` of them bad, the outcome is already certain when the budget is spent (fail)
 * or when even every remaining request going bad could not spend it (pass).
 *
 * Without a baseline the gate may also pass once the share of bad requests is below the budget's
 * rate (allowed / total) with PASS_CONFIDENCE: if the true share were at the rate, seeing as few bad
 * requests in `done` would happen at most 1 % of the time (a one-sided binomial test, the
 * Clopper-Pearson bound). At max-error-rate 10 % that is 44 clean requests instead of 90; the
 * budget's own fail rule is unchanged, so an answer that is wrong often still fails at once.
 */
import { binomialCdf } from './stats';

export const PASS_CONFIDENCE = 0.99;

export type Outcome = 'pass' | 'fail' | 'open';

export interface Budget {
  readonly bad: number;
  readonly done: number;
  readonly total: number;
  readonly allowed: number;
}

export function budgetOutcome({ bad, done, total, allowed }: Budget): Outcome {
  if (bad > allowed) return 'fail';
  if (bad + (total - done) <= allowed) return 'pass';
  if (done > 0 && allowed > 0 && binomialCdf(bad, done, allowed / total) <= 1 - PASS_CONFIDENCE) return 'pass';
  return 'open';
}

/** Failed requests allowed out of `total` by a maximum error rate (0..1). */
export function allowedErrors(total: number, maxErrorRate: number): number {
  // The epsilon keeps 0.1 * 60 at 6, not 5.999….
  return Math.floor(maxErrorRate * total + 1e-9);
}

/**
 * Requests allowed above a latency limit so that the nearest-rank p-th percentile stays within it:
 * the percentile is the ceil(p·n/100)-th smallest value, so at most n - ceil(p·n/100) may exceed.
 */
export function allowedAbove(total: number, p: number): number {
  return total - Math.ceil((p / 100) * total - 1e-9);
}

/** The outcome of several budgets together: any certain failure decides; all must be certain to pass. */
export function combine(outcomes: readonly Outcome[]): Outcome {
  if (outcomes.includes('fail')) return 'fail';
  return outcomes.every((o) => o === 'pass') ? 'pass' : 'open';
}
