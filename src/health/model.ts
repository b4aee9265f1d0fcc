/** The health gate's data: what it is told to check, what one probe observed, and what it concluded. */
import type { Assertion } from './assertion';
import type { StatusRange } from './status';

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** Everything a gate run needs, already validated (see gateConfig). Durations in milliseconds. */
export interface GateConfig {
  readonly url: string;
  /** The current stable revision, probed side by side with the candidate for a comparison. */
  readonly baselineUrl?: string;
  readonly paths: readonly string[];
  readonly expectedStatus: readonly StatusRange[];
  readonly assertions: readonly Assertion[];
  readonly bodyRegex?: RegExp;
  readonly headers: Readonly<Record<string, string>>;
  /** Measured requests per path and per side (the startup probes are not counted). */
  readonly samples: number;
  readonly intervalMs: number;
  readonly concurrency: number;
  readonly requestTimeoutMs: number;
  readonly startupTimeoutMs: number;
  /** Fraction 0..1 of measured requests allowed to fail. */
  readonly maxErrorRate: number;
  readonly maxP95Ms?: number;
  readonly maxP99Ms?: number;
  /** Sent as `Authorization: Bearer`; never printed. */
  readonly idToken?: string;
  /** The audience the ID token must carry, checked against the token's `aud` claim. */
  readonly audience?: string;
  readonly failOnInconclusive: boolean;
}

export type Side = 'candidate' | 'baseline';

/** What one request observed. `failures` is empty when every check passed. */
export interface Sample {
  readonly side: Side;
  readonly path: string;
  /** Time to the last byte of the body; a request that failed without a response counts its whole wait. */
  readonly ms: number;
  readonly status?: number;
  readonly failures: readonly Failure[];
  /** Asked a second time because the first attempt got no answer from the app (see isRetried); this is the second outcome. */
  readonly retried?: boolean;
}

/** Why a request did not pass. Assertion failures carry the path, the expected and the actual value. */
export type Failure =
  | { readonly kind: 'network'; readonly message: string }
  | { readonly kind: 'timeout'; readonly message: string }
  | { readonly kind: 'status'; readonly message: string }
  | { readonly kind: 'body'; readonly message: string }
  | {
      readonly kind: 'assertion';
      readonly message: string;
      readonly assertion: string;
      readonly path: string;
      readonly expected: string;
      readonly actual: string;
    };

export interface FailureCount {
  readonly kind: Failure['kind'];
  readonly message: string;
  readonly count: number;
  /** For assertion failures: the JSON path, what was expected and the offending value. */
  readonly assertion?: string;
  readonly path?: string;
  readonly expected?: string;
  readonly actual?: string;
}

export interface SideStats {
  readonly samples: number;
  readonly errors: number;
  readonly errorRate: number;
  /** Nearest-rank percentiles in ms over every measured request, or null without samples. */
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  /** Response count per HTTP status ("none" for requests without a response). */
  readonly statuses: Readonly<Record<string, number>>;
  /** Requests asked a second time after the platform's own error or a lost connection. */
  readonly retried: number;
  readonly failures: readonly FailureCount[];
}

export interface Comparison {
  /**
   * One-sided exact test: is the candidate's error proportion higher than the baseline's? Boschloo's
   * test (Fisher's for very large samples).
   */
  readonly errors: {
    readonly candidate: number;
    readonly baseline: number;
    readonly pValue: number;
    readonly test: 'boschloo' | 'fisher';
  };
  /** One-sided Mann-Whitney U on request latencies, with the Hodges-Lehmann shift as effect size. */
  readonly latency: {
    readonly u: number;
    readonly pValue: number;
    readonly exact: boolean;
    /** Median of all candidate-minus-baseline latency differences, in ms. */
    readonly shiftMs: number;
    /** shiftMs relative to the baseline median. */
    readonly relativeShift: number;
    /** Probability that a candidate request is slower than a baseline one (U / n1·n2). */
    readonly probabilitySlower: number;
  } | null;
}

export interface PathReport {
  readonly path: string;
  readonly candidate: SideStats;
  readonly baseline?: SideStats;
  readonly comparison?: Comparison;
}

export interface GateReport {
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  readonly url: string;
  readonly baselineUrl?: string;
  /** Time until the candidate's first success and the probes it took; failures before it are not counted. */
  readonly startup: { readonly ms: number; readonly attempts: number; readonly ready: boolean };
  /**
   * Requests sent to each side before a comparison and not judged (a just-started revision is slower
   * at first), and the candidate's answers to them by status, so promote can leave them out of its counts.
   */
  readonly warmUp: { readonly requests: number; readonly candidateStatuses: Readonly<Record<string, number>> };
  /** True when probing stopped before all samples because the outcome was already certain. */
  readonly stoppedEarly: boolean;
  readonly ms: number;
  readonly paths: readonly PathReport[];
  /** A latency-only failure's first batch, which a second batch (these paths) then judged again. */
  readonly firstBatch?: { readonly reasons: readonly string[]; readonly paths: readonly PathReport[] };
}

export interface GateResult {
  readonly verdict: Verdict;
  readonly reasons: string[];
  readonly report: GateReport;
  /** Fails only because the candidate is slower than stable: runGate confirms it with a second batch. */
  readonly onlySlower?: boolean;
}
