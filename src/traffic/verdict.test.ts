import { countRequests, judgeMetrics, trafficStepVerdict, withoutOwnRequests, type Check } from './verdict';

const limits = { maxErrorRate: 5, minRequests: 20 };

describe('judgeMetrics', () => {
  it.each([
    [{ total: 10, errors: 10 }, 'inconclusive', /10 request\(s\).*fewer than min-requests 20/],
    [{ total: 100, errors: 5 }, 'pass', /5 of 100 requests failed \(5xx\): 5 %, within/],
    [{ total: 100, errors: 6 }, 'fail', /6 %, above max-error-rate 5 %/],
    [{ total: 3, errors: 1 }, 'inconclusive', /fewer than/],
    [{ total: 300, errors: 1 }, 'pass', /0.33 %/],
  ])('%j → %s', (counts, verdict, reason) => {
    const check = judgeMetrics('web-2', counts, limits);
    expect(check.verdict).toBe(verdict);
    expect(check.reasons.join()).toMatch(reason);
  });
});

describe('trafficStepVerdict', () => {
  const pass: Check = { name: 'gate', verdict: 'pass', reasons: [] };
  const fail: Check = { name: 'side by side', verdict: 'fail', reasons: ['p95 worse'] };
  const unsure: Check = { name: 'gate', verdict: 'inconclusive', reasons: ['too few samples'] };
  const metricsFail: Check = { name: 'metrics', verdict: 'fail', reasons: ['8 %'] };
  const metricsUnsure: Check = { name: 'metrics', verdict: 'inconclusive', reasons: ['few'] };
  it.each([
    [[pass, pass], undefined, 'pass', []],
    [[pass, fail], undefined, 'fail', ['side by side: fail (p95 worse)']],
    [[unsure], undefined, 'pass', []],
    [[pass], metricsFail, 'fail', ['metrics: 8 %']],
    [[pass], metricsUnsure, 'pass', []],
  ] as [Check[], Check | undefined, string, string[]][])('%j + %j → %s', (gates, metrics, verdict, reasons) => {
    expect(trafficStepVerdict(gates, metrics)).toEqual({ verdict, reasons });
  });

  it.each([
    [[unsure], undefined, 'fail', ['gate: inconclusive (too few samples)']],
    [[pass], metricsUnsure, 'pass', []],
  ] as [Check[], Check | undefined, string, string[]][])(
    'with fail-on-inconclusive: %j + %j → %s',
    (gates, metrics, verdict, reasons) => {
      expect(trafficStepVerdict(gates, metrics, { failOnInconclusive: true })).toEqual({ verdict, reasons });
    },
  );
});

describe('countRequests', () => {
  it.each([
    [{}, { total: 0, errors: 0 }],
    [
      { '2xx': 90, '4xx': 5, '5xx': 5 },
      { total: 100, errors: 5 },
    ],
  ])('%j', (byClass, counts) => expect(countRequests(byClass)).toEqual(counts));
});

describe('withoutOwnRequests', () => {
  it.each([
    [{ '2xx': 40, '5xx': 3 }, { '2xx': 16 }, { '2xx': 24, '5xx': 3 }],
    [
      { '2xx': 10, '5xx': 2 },
      { '2xx': 12, '5xx': 2 },
      { '2xx': 0, '5xx': 0 },
    ],
    [{ '4xx': 5 }, {}, { '4xx': 5 }],
  ])('%j minus the gate’s %j → %j', (counts, own, expected) => {
    expect(withoutOwnRequests(counts, own)).toEqual(expected);
  });
});
