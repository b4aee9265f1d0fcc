/**
 * The statistics of the gate, on request-level samples: nearest-rank percentiles, the one-sided
 * Mann-Whitney U test (exact for small samples without ties, normal approximation with tie and
 * continuity correction otherwise), the Hodges-Lehmann shift as effect size, and the one-sided
 * Fisher exact test on two error proportions.
 */

/** Nearest-rank percentile (the smallest value with at least p % of the values at or below it). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Complementary error function (Numerical Recipes' erfcc: fractional error below 1.2e-7, enough for p-values). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal cumulative distribution. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Midranks (1-based) of the pooled values, and the tie groups' sizes. */
function rank(pooled: readonly number[]): { ranks: number[]; ties: number[] } {
  const order = pooled.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(pooled.length);
  const ties: number[] = [];
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = mid;
    if (j > i) ties.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, ties };
}

/** Largest n1·n2 for which the exact null distribution of U is computed (a few MB, milliseconds). */
const EXACT_MAX_PAIRS = 2500;

/** P(U >= u) under H0 for sample sizes m and n without ties: the count of arrangements by dynamic programming. */
function exactUpperTail(u: number, m: number, n: number): number {
  // counts[j][k]: arrangements of i x-values and j y-values with U = k, built up over i.
  let previous: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i++) {
    const current: number[][] = [[1]];
    for (let j = 1; j <= n; j++) {
      // The largest value is an x (adds j to U) or a y (adds nothing).
      const size = i * j + 1;
      const row = new Array<number>(size).fill(0);
      const withX = previous[j];
      for (let k = 0; k < withX.length; k++) row[k + j] += withX[k];
      const withY = current[j - 1];
      for (let k = 0; k < withY.length; k++) row[k] += withY[k];
      current.push(row);
    }
    previous = current;
  }
  const counts = previous[n];
  let total = 0;
  let tail = 0;
  for (let k = 0; k < counts.length; k++) {
    total += counts[k];
    if (k >= u) tail += counts[k];
  }
  return tail / total;
}

export interface MannWhitney {
  /** U of the first sample: pairs where it is larger, ties counting one half. */
  readonly u: number;
  /** One-sided p-value for "the first sample tends to be larger". */
  readonly pValue: number;
  readonly exact: boolean;
}

/**
 * One-sided Mann-Whitney U test that `x` is stochastically larger than `y` (as scipy's
 * `mannwhitneyu(x, y, alternative='greater')`): exact without ties for small samples, otherwise the
 * normal approximation with tie correction and continuity correction.
 */
export function mannWhitneyGreater(x: readonly number[], y: readonly number[]): MannWhitney {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new Error('Mann-Whitney U needs values in both samples');
  const { ranks, ties } = rank([...x, ...y]);
  let rankSum = 0;
  for (let i = 0; i < m; i++) rankSum += ranks[i];
  const u = rankSum - (m * (m + 1)) / 2;
  if (ties.length === 0 && m * n <= EXACT_MAX_PAIRS) return { u, pValue: exactUpperTail(u, m, n), exact: true };
  const total = m + n;
  const tieTerm = ties.reduce((s, t) => s + t * t * t - t, 0);
  const variance = ((m * n) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (variance <= 0) return { u, pValue: 1, exact: false };
  const z = (u - (m * n) / 2 - 0.5) / Math.sqrt(variance);
  // The upper tail as Φ(-z) keeps its precision where 1 - Φ(z) would round to 0.
  return { u, pValue: Math.min(1, normalCdf(-z)), exact: false };
}

/** Hodges-Lehmann estimate of the shift of x against y: the median of all pairwise differences x - y. */
export function hodgesLehmannShift(x: readonly number[], y: readonly number[]): number {
  const differences: number[] = [];
  for (const a of x) for (const b of y) differences.push(a - b);
  const shift = median(differences);
  if (shift === null) throw new Error('the Hodges-Lehmann shift needs values in both samples');
  return shift;
}

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1] + Math.log(i));
  return logFactorials[n];
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/**
 * One-sided Fisher exact test that the first group's proportion of events is higher: for the 2x2 table
 * [[a, n1 - a], [c, n2 - c]], P(X >= a) where X is hypergeometric with the margins fixed (as R's
 * `fisher.test(..., alternative = "greater")`).
 */
export function fisherExactGreater(a: number, n1: number, c: number, n2: number): number {
  if (a < 0 || c < 0 || a > n1 || c > n2) throw new Error(`invalid 2x2 table: ${a}/${n1} vs ${c}/${n2}`);
  const events = a + c;
  const total = n1 + n2;
  const denominator = logChoose(total, n1);
  let p = 0;
  for (let x = a; x <= Math.min(n1, events); x++)
    p += Math.exp(logChoose(events, x) + logChoose(total - events, n1 - x) - denominator);
  return Math.min(1, p);
}

/** Largest table count (n1 + 1)·(n2 + 1) for Boschloo's test; above it Fisher's test is used (the difference is then small). */
export const BOSCHLOO_MAX_TABLES = 250_000;

/** Fisher's one-sided p-value of every table with group sizes n1 and n2, indexed [x1][x2]. */
function fisherPValues(n1: number, n2: number): Float64Array[] {
  const p = Array.from({ length: n1 + 1 }, () => new Float64Array(n2 + 1));
  const total = n1 + n2;
  const denominator = logChoose(total, n1);
  for (let events = 0; events <= total; events++) {
    let tail = 0;
    for (let x1 = Math.min(n1, events); x1 >= Math.max(0, events - n2); x1--) {
      tail += Math.exp(logChoose(events, x1) + logChoose(total - events, n1 - x1) - denominator);
      p[x1][events - x1] = Math.min(1, tail);
    }
  }
  return p;
}

/** P(X <= x) for X ~ Binomial(n, pi). */
export function binomialCdf(x: number, n: number, pi: number): number {
  if (x >= n || pi <= 0) return 1;
  if (x < 0) return 0;
  if (pi >= 1) return 0;
  let p = 0;
  for (let k = 0; k <= x; k++) p += Math.exp(logChoose(n, k) + k * Math.log(pi) + (n - k) * Math.log1p(-pi));
  return Math.min(1, p);
}

function binomialPmf(n: number, pi: number): Float64Array {
  const pmf = new Float64Array(n + 1);
  for (let x = 0; x <= n; x++) pmf[x] = Math.exp(logChoose(n, x) + x * Math.log(pi) + (n - x) * Math.log1p(-pi));
  return pmf;
}

/**
 * Boschloo's exact unconditional test, one-sided "the first proportion is greater" (as scipy's
 * `boschloo_exact([[a, c], [n1 - a, n2 - c]], alternative='greater')`): Fisher's p-value as the test
 * statistic, its size maximised over the common success probability. Uniformly more powerful than
 * Fisher's test: 4/60 against 0/60 gives 0.041 where Fisher gives 0.059.
 */
export function boschlooGreater(a: number, n1: number, c: number, n2: number): { pValue: number; test: 'boschloo' | 'fisher' } {
  const fisher = fisherExactGreater(a, n1, c, n2);
  if ((n1 + 1) * (n2 + 1) > BOSCHLOO_MAX_TABLES) return { pValue: fisher, test: 'fisher' };
  if (fisher >= 1) return { pValue: 1, test: 'boschloo' };
  const p = fisherPValues(n1, n2);
  const bound = p[a][c] * (1 + 1e-9);
  const region1: number[] = [];
  const region2: number[] = [];
  for (let x1 = 0; x1 <= n1; x1++)
    for (let x2 = 0; x2 <= n2; x2++)
      if (p[x1][x2] <= bound) {
        region1.push(x1);
        region2.push(x2);
      }
  const size = (pi: number) => {
    const f1 = binomialPmf(n1, pi);
    const f2 = binomialPmf(n2, pi);
    let sum = 0;
    for (let i = 0; i < region1.length; i++) sum += f1[region1[i]] * f2[region2[i]];
    return sum;
  };
  // The size is a smooth polynomial in pi: a fine grid finds the peak, golden-section search refines it.
  const steps = 200;
  let best = 0.5 / steps;
  let bestSize = size(best);
  for (let i = 1; i < steps; i++) {
    const pi = (i + 0.5) / steps;
    const value = size(pi);
    if (value > bestSize) [best, bestSize] = [pi, value];
  }
  const ratio = (Math.sqrt(5) - 1) / 2;
  let lo = Math.max(1e-9, best - 1 / steps);
  let hi = Math.min(1 - 1e-9, best + 1 / steps);
  let m1 = hi - ratio * (hi - lo);
  let m2 = lo + ratio * (hi - lo);
  let s1 = size(m1);
  let s2 = size(m2);
  for (let i = 0; i < 30; i++) {
    if (s1 < s2) {
      [lo, m1, s1] = [m1, m2, s2];
      m2 = lo + ratio * (hi - lo);
      s2 = size(m2);
    } else {
      [hi, m2, s2] = [m2, m1, s1];
      m1 = hi - ratio * (hi - lo);
      s1 = size(m1);
    }
  }
  return { pValue: Math.min(fisher, Math.max(bestSize, s1, s2)), test: 'boschloo' };
}
