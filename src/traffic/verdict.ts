/**
 * The verdict of one promotion step: the health gates (service URL, candidate beside stable) and,
 * optionally, Cloud Monitoring request counts of the candidate during the step. Pure.
 */
// Promote judges a step in the gate's own terms.
import type { Verdict } from '../health';

export interface Check {
  /** What was checked, e.g. "gate on the service URL". */
  readonly name: string;
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  /** Markdown with the check's full report, for the job summary. */
  readonly details?: string;
}

export interface RequestCounts {
  readonly total: number;
  /** 5xx responses. */
  readonly errors: number;
}

export interface MetricsLimits {
  /** Highest error rate allowed, in percent. */
  readonly maxErrorRate: number;
  /** Fewer requests than this are too few to judge. */
  readonly minRequests: number;
}

/**
 * How late Cloud Monitoring shows a minute's Cloud Run request counts: Google Cloud metrics are
 * "sampled every 60 seconds. After sampling, data is not visible for up to N seconds", 180 for
 * run.googleapis.com/request_count (cloud.google.com/monitoring/api/v3/latency-n-retention and the
 * metric list at cloud.google.com/monitoring/api/metrics_gcp_p_z).
 */
export const MONITORING_DELAY_SECONDS = 180;

/** Request counts by class without the ones the gate itself sent (never below zero). */
export function withoutOwnRequests(
  counts: Readonly<Record<string, number>>,
  own: Readonly<Record<string, number>>,
): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([cls, n]) => [cls, Math.max(0, n - (own[cls] ?? 0))]));
}

/** Judges the candidate's request counts of one step. */
export function judgeMetrics(revision: string, counts: RequestCounts, limits: MetricsLimits): Check {
  const name = `Cloud Monitoring request counts of ${revision}`;
  if (counts.total < limits.minRequests) {
    return {
      name,
      verdict: 'inconclusive',
      reasons: [`${counts.total} request(s) during the step, fewer than min-requests ${limits.minRequests}: not judged`],
    };
  }
  const rate = (100 * counts.errors) / counts.total;
  const text = `${counts.errors} of ${counts.total} requests failed (5xx): ${formatRate(rate)} %`;
  if (rate > limits.maxErrorRate)
    return { name, verdict: 'fail', reasons: [`${text}, above max-error-rate ${limits.maxErrorRate} %`] };
  return { name, verdict: 'pass', reasons: [`${text}, within max-error-rate ${limits.maxErrorRate} %`] };
}

const formatRate = (rate: number): string => (Math.round(rate * 100) / 100).toString();

/**
 * A step passes when no check fails. An inconclusive health gate fails it only with
 * `failOnInconclusive` (the gate's own fail-on-inconclusive input); inconclusive metrics never do,
 * because little traffic during a short step is normal and must not abort a healthy release.
 */
export function trafficStepVerdict(
  gates: readonly Check[],
  metrics?: Check,
  { failOnInconclusive = false }: { failOnInconclusive?: boolean } = {},
): { verdict: 'pass' | 'fail'; reasons: string[] } {
  const reasons: string[] = [];
  for (const g of gates) {
    if (g.verdict === 'fail' || (g.verdict === 'inconclusive' && failOnInconclusive))
      reasons.push(`${g.name}: ${g.verdict}${g.reasons.length ? ` (${g.reasons.join('; ')})` : ''}`);
  }
  if (metrics?.verdict === 'fail') reasons.push(`${metrics.name}: ${metrics.reasons.join('; ')}`);
  return { verdict: reasons.length === 0 ? 'pass' : 'fail', reasons };
}

/** Sums request counts per response class (e.g. "2xx", "5xx") into totals. */
export function countRequests(byClass: Readonly<Record<string, number>>): RequestCounts {
  let total = 0;
  let errors = 0;
  for (const [cls, n] of Object.entries(byClass)) {
    total += n;
    if (cls === '5xx') errors += n;
  }
  return { total, errors };
}
