import type { Failure, GateConfig, Sample, Side } from './model';
import { compare, comparisonFindings, confirmed, earlyOutcome, judge, onlySlower, sideStats, type Run } from './judge';

const base: GateConfig = {
  url: 'https://candidate.example',
  paths: ['/health'],
  expectedStatus: [{ from: 200, to: 299 }],
  assertions: [],
  headers: {},
  samples: 60,
  intervalMs: 0,
  concurrency: 4,
  requestTimeoutMs: 10_000,
  startupTimeoutMs: 30_000,
  maxErrorRate: 0.1,
  failOnInconclusive: false,
};
const withBaseline: GateConfig = { ...base, baselineUrl: 'https://stable.example' };
const status503: Failure = { kind: 'status', message: 'status 503 (expected 200-299)' };
const dbDown: Failure = {
  kind: 'assertion',
  message: '$.database: expected == "connected", got "error"',
  assertion: '$.database == "connected"',
  path: '$.database',
  expected: '== "connected"',
  actual: '"error"',
};

/** `count` samples; the i-th takes ms(i) and fails when failing(i). */
function samples(
  side: Side,
  count: number,
  ms: (i: number) => number,
  failing: (i: number) => Failure | undefined = () => undefined,
  path = '/health',
): Sample[] {
  return Array.from({ length: count }, (_, i) => {
    const f = failing(i);
    return { side, path, ms: ms(i), status: f === status503 ? 503 : 200, failures: f ? [f] : [] };
  });
}
const fast = (i: number) => 20 + (i % 7);
const ready: Run['startup'] = { ready: true, ms: 120, attempts: 1 };
const run = (s: Sample[], extra: Partial<Run> = {}): Run => ({
  samples: s,
  planned: 60,
  startup: ready,
  stoppedEarly: false,
  ms: 9000,
  ...extra,
});

describe('judge, absolute limits', () => {
  it.each([
    ['healthy', base, samples('candidate', 60, fast), 'pass', /60 of 60 requests passed, p95 26 ms/],
    [
      '5 % transient errors',
      base,
      samples('candidate', 60, fast, (i) => (i % 20 === 7 ? status503 : undefined)),
      'pass',
      /57 of 60 requests passed/,
    ],
    [
      'a 200 whose body says the database is down',
      base,
      samples('candidate', 7, fast, () => dbDown),
      'fail',
      /7 of 7 requests failed; max-error-rate 10 % allows 6 of 60\. 7× \$\.database: expected == "connected", got "error"/,
    ],
    ['always 503', base, samples('candidate', 7, fast, () => status503), 'fail', /7× status 503 \(expected 200-299\)/],
    [
      '11 % errors at the end',
      base,
      samples('candidate', 60, fast, (i) => (i % 9 === 0 ? status503 : undefined)),
      'fail',
      /7 of 60 requests failed/,
    ],
    [
      'p95 within the limit (3 of 60 slow)',
      { ...base, maxP95Ms: 100 },
      samples('candidate', 60, (i) => (i < 3 ? 500 : 20)),
      'pass',
      /p95 20 ms/,
    ],
    [
      'slow p95 (4 of 60 slow)',
      { ...base, maxP95Ms: 100 },
      samples('candidate', 60, (i) => (i < 4 ? 500 : 20)),
      'fail',
      /p95 latency 500 ms exceeds max-p95-ms 100: 4 of 60 requests took longer, at most 3 of 60 may/,
    ],
    [
      'p99 over the limit (p99 of 60 is the maximum)',
      { ...base, maxP99Ms: 100 },
      samples('candidate', 60, (i) => (i === 0 ? 101 : 20)),
      'fail',
      /p99 latency 101 ms exceeds max-p99-ms 100/,
    ],
    [
      'cancelled after 10 of 60',
      base,
      samples('candidate', 10, fast),
      'inconclusive',
      /too few samples to judge \(10 of 60 requests made\)/,
    ],
  ] as const)('%s: %s', (_name, config, s, verdict, reason) => {
    const result = judge(config, run(s, { stoppedEarly: verdict === 'fail' && s.length < 60 }));
    expect(result.verdict).toBe(verdict);
    expect(result.reasons.join('\n')).toMatch(reason);
    expect(result.report.verdict).toBe(verdict);
  });

  it('fails when the revision never answered within the startup timeout', () => {
    const result = judge(
      base,
      run([], {
        startup: {
          ready: false,
          ms: 30_000,
          attempts: 40,
          failure: '/health: no successful response within startup-timeout 30 s (40 attempts; last: connection refused)',
        },
      }),
    );
    expect(result.verdict).toBe('fail');
    expect(result.reasons).toEqual([
      '/health: no successful response within startup-timeout 30 s (40 attempts; last: connection refused)',
    ]);
    expect(result.report.paths).toEqual([]);
  });

  it('reports per path the samples, error rate, percentiles and offending values', () => {
    const s = [
      ...samples('candidate', 60, fast),
      ...samples(
        'candidate',
        60,
        (i) => 10 + i,
        (i) => (i < 2 ? dbDown : undefined),
        '/ready',
      ),
    ];
    const report = judge({ ...base, paths: ['/health', '/ready'] }, run(s)).report;
    expect(report.paths.map((p) => p.path)).toEqual(['/health', '/ready']);
    expect(report.paths[1].candidate).toMatchObject({
      samples: 60,
      errors: 2,
      p50: 39,
      p95: 66,
      p99: 69,
      max: 69,
      statuses: { '200': 60 },
    });
    expect(report.paths[1].candidate.failures).toEqual([{ ...dbDown, count: 2 }]);
    expect(report.paths[1].candidate.errorRate).toBeCloseTo(2 / 60);
  });
});

describe('earlyOutcome', () => {
  it.each([
    ['7 failures in 7: certain fail', base, samples('candidate', 7, fast, () => status503), 'fail'],
    ['6 failures in 6: still open', base, samples('candidate', 6, fast, () => status503), 'open'],
    ['54 successes: 6 more failures could not breach 10 %', base, samples('candidate', 54, fast), 'pass'],
    ['44 successes: below 10 % errors with 99 % confidence (0.9^44 < 0.01)', base, samples('candidate', 44, fast), 'pass'],
    ['40 successes: open (0.9^40 = 0.015)', base, samples('candidate', 40, fast), 'open'],
    ['with a baseline a pass waits for every sample', withBaseline, samples('candidate', 54, fast), 'open'],
    ['with a baseline a certain fail still stops', withBaseline, samples('candidate', 7, fast, () => status503), 'fail'],
    [
      '4 slow requests spend the p95 budget',
      { ...base, maxP95Ms: 100 },
      samples('candidate', 10, (i) => (i < 4 ? 500 : 20)),
      'fail',
    ],
    ['every path must be certain to pass', { ...base, paths: ['/health', '/other'] }, samples('candidate', 60, fast), 'open'],
  ] as const)('%s', (_name, config, s, outcome) => {
    expect(earlyOutcome(config, config.paths, s, 60)).toBe(outcome);
  });
});

describe('judge against a baseline', () => {
  const stable = samples('baseline', 60, fast);
  it.each([
    [
      'the same as stable',
      samples('candidate', 60, fast),
      'pass',
      /^\/health: 60 of 60 requests passed, p95 26 ms; no worse than stable \(errors 0 vs 0, latency shift \+0\.0 ms\)$/,
    ],
    [
      'more errors than stable, inside max-error-rate',
      samples('candidate', 60, fast, (i) => (i % 10 === 0 ? status503 : undefined)),
      'fail',
      /candidate fails more often than stable: 6\/60 vs 0\/60 \(one-sided Boschloo exact p = 0\.0092\)/,
    ],
    [
      '4 errors against none: Boschloo calls it (p = 0.0415) where Fisher would not (0.0594)',
      samples('candidate', 60, fast, (i) => (i % 15 === 0 ? status503 : undefined)),
      'fail',
      /candidate fails more often than stable: 4\/60 vs 0\/60 \(one-sided Boschloo exact p = 0\.0415\)/,
    ],
    [
      'clearly slower',
      samples('candidate', 60, (i) => 60 + (i % 7)),
      'fail',
      /candidate is slower than stable by \+40 ms \(\+173\.9 % of stable's median\) \(one-sided Mann-Whitney U p = /,
    ],
    ['slower by less than 10 ms', samples('candidate', 60, (i) => 25 + (i % 7)), 'pass', /60 of 60/],
    // Twice stable's median, yet under the 25 ms floor: scheduling noise on a busy runner, not a regression.
    ['slower by 20 ms (+87 %)', samples('candidate', 60, (i) => 40 + (i % 7)), 'pass', /60 of 60/],
  ] as const)('%s: %s', (_name, candidate, verdict, reason) => {
    const result = judge(withBaseline, run([...candidate, ...stable]));
    expect(result.verdict).toBe(verdict);
    expect(result.reasons.join('\n')).toMatch(reason);
    expect(result.report.paths[0].baseline?.samples).toBe(60);
  });

  it.each([
    // scipy.stats.boschloo_exact([[5, c], [55, 60 - c]], alternative='greater')
    [1, 'inconclusive', ['/health: candidate had more errors than stable (5/60 vs 1/60), not significant (Boschloo p = 0.0853)']],
    [2, 'pass', [expect.stringMatching(/no worse than stable \(errors 5 vs 2, latency shift/)]],
  ] as const)('5 errors against %d: %s', (stableErrors, verdict, reasons) => {
    const candidate = samples('candidate', 60, fast, (i) => (i % 12 === 0 ? status503 : undefined));
    const stableWithErrors = samples('baseline', 60, fast, (i) => (i < stableErrors ? status503 : undefined));
    const result = judge(withBaseline, run([...candidate, ...stableWithErrors]));
    expect(result.verdict).toBe(verdict);
    expect(result.reasons).toEqual(reasons);
  });

  it('a large but noisy shift is inconclusive', () => {
    const candidate = samples('candidate', 5, (i) => [60, 65, 70, 15, 75][i]);
    const stableFew = samples('baseline', 5, (i) => [20, 22, 64, 16, 25][i]);
    const c = compare(candidate, stableFew);
    // scipy: U = 19, exact p = 0.1111; numpy: median pairwise difference 40.
    expect(c.latency).toMatchObject({ u: 19, shiftMs: 40, exact: true });
    expect(c.latency!.pValue).toBeCloseTo(0.1111111, 6);
    const findings = comparisonFindings('/', c, sideStats(candidate), sideStats(stableFew));
    expect(findings.fail).toEqual([]);
    expect(findings.inconclusive.join()).toMatch(/candidate looks slower than stable by .*not significant/);
  });

  it('too few samples to compare is inconclusive', () => {
    const result = judge(
      { ...withBaseline, samples: 3 },
      run([...samples('candidate', 3, fast), ...samples('baseline', 3, fast)], { planned: 3 }),
    );
    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons[0]).toMatch(/too few samples to compare with stable \(3 and 3; need 5 each\)/);
  });

  it('the comparison carries U, p, the Hodges-Lehmann shift and P(slower)', () => {
    const c = compare(
      samples('candidate', 60, (i) => 60 + (i % 7)),
      stable,
    );
    expect(c.errors).toEqual({ candidate: 0, baseline: 0, pValue: 1, test: 'boschloo' });
    expect(c.latency).toMatchObject({ u: 3600, shiftMs: 40, probabilitySlower: 1, exact: false });
    expect(c.latency!.pValue).toBeLessThan(1e-15);
  });
});

it.each([
  [[], [], false],
  [['/: slower'], ['/: slower'], true],
  [['/: slower', '/a: slower'], ['/: slower', '/a: slower'], true],
  [['/: slower', '/: more errors'], ['/: slower'], false],
  [['/: more errors'], [undefined], false],
] as const)('onlySlower(%j, %j) is %s', (fail, slower, expected) => {
  expect(onlySlower(fail, slower)).toBe(expected);
});

describe('a failure for latency alone, and its confirmation', () => {
  const stable = samples('baseline', 60, fast);
  const slow = samples('candidate', 60, (i) => 60 + (i % 7));
  const slowAndFailing = samples(
    'candidate',
    60,
    (i) => 60 + (i % 7),
    (i) => (i % 10 === 0 ? status503 : undefined),
  );
  it.each([
    ['slower only', slow, true],
    ['slower and more errors than stable', slowAndFailing, false],
    ['the same as stable', samples('candidate', 60, fast), false],
  ] as const)('%s: onlySlower %s', (_name, candidate, onlySlower) => {
    expect(judge(withBaseline, run([...candidate, ...stable])).onlySlower ?? false).toBe(onlySlower);
  });

  it('is not flagged over an absolute budget, which needs no confirmation', () => {
    const overP95 = judge({ ...withBaseline, maxP95Ms: 50 }, run([...slow, ...stable]));
    expect(overP95.verdict).toBe('fail');
    expect(overP95.onlySlower).toBeUndefined();
  });

  const first = judge(withBaseline, run([...slow, ...stable]));
  it.each([
    ['confirmed: the second batch is slower too', slow, 'fail', /a second batch confirmed it\.$/],
    [
      'not confirmed: the second batch is as fast as stable',
      samples('candidate', 60, fast),
      'pass',
      /did not confirm it \(pass\)\.$/,
    ],
  ] as const)('%s', (_name, again, verdict, note) => {
    const second = judge(withBaseline, run([...again, ...stable]));
    const result = confirmed(first, second);
    expect(result.verdict).toBe(verdict);
    expect(result.onlySlower).toBeUndefined();
    expect(result.reasons.slice(0, -1)).toEqual(second.reasons);
    expect(result.reasons.at(-1)).toMatch(
      /^A first batch of requests found: \/health: candidate is slower than stable by \+40 ms/,
    );
    expect(result.reasons.at(-1)).toMatch(note);
    expect(result.report.reasons).toEqual(result.reasons);
    expect(result.report.firstBatch).toEqual({ reasons: first.reasons, paths: first.report.paths });
  });
});
