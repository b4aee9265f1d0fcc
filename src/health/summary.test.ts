import type { GateResult, PathReport, SideStats } from './model';
import { latencyChart, renderGateSummary } from './summary';

const stats = (over: Partial<SideStats> = {}): SideStats => ({
  samples: 60,
  errors: 0,
  errorRate: 0,
  p50: 12.3,
  p95: 40,
  p99: 81.25,
  max: 90,
  statuses: { '200': 60 },
  retried: 0,
  failures: [],
  ...over,
});

const failing: GateResult = {
  verdict: 'fail',
  reasons: [
    '/health: 7 of 7 requests failed; max-error-rate 10 % allows 6 of 60. 7× $.database: expected == "connected", got "error"',
  ],
  report: {
    verdict: 'fail',
    reasons: [],
    url: 'https://tag---svc.a.run.app',
    startup: { ms: 2400, attempts: 3, ready: true },
    warmUp: { requests: 0, candidateStatuses: {} },
    stoppedEarly: true,
    ms: 3100,
    paths: [
      {
        path: '/health',
        candidate: stats({
          samples: 7,
          errors: 7,
          errorRate: 1,
          failures: [
            {
              kind: 'assertion',
              message: 'x',
              count: 7,
              assertion: '$.database == "connected"',
              path: '$.database',
              expected: '== "connected"',
              actual: '"error"',
            },
          ],
        }),
      },
    ],
  },
};

it('renders the verdict, reasons, a table per path and the failed checks with offending values', () => {
  expect(renderGateSummary(failing)).toBe(
    [
      '### ❌ Health gate: fail',
      '',
      '- /health: 7 of 7 requests failed; max-error-rate 10 % allows 6 of 60. 7× $.database: expected == "connected", got "error"',
      '',
      'Probed `https://tag---svc.a.run.app` in 3.1 s, first success after 2.4 s (3 attempt(s)). Stopped early: the outcome was already certain.',
      '',
      '| path | target | requests | errors | error rate | p50 | p95 | p99 | max |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      '| `/health` | candidate | 7 | 7 | 100 % | 12 ms | 40 ms | 81 ms | 90 ms |',
      '',
      '#### Failed checks',
      '',
      '| path | target | count | check | expected | actual |',
      '| --- | --- | --- | --- | --- | --- |',
      '| `/health` | candidate | 7 | `$.database` | == "connected" | "error" |',
      '',
      '```mermaid',
      'xychart-beta',
      '  title "Latency (ms): candidate"',
      '  x-axis ["/health p50", "/health p95", "/health p99"]',
      '  y-axis "ms"',
      '  bar [12.3, 40, 81.3]',
      '```',
      '',
      '',
    ].join('\n'),
  );
});

it('adds the comparison with stable and charts stable as a line', () => {
  const path: PathReport = {
    path: '/',
    candidate: stats({ p50: 52, p95: 60, p99: 66 }),
    baseline: stats({ p50: 10, p95: 14, p99: 20 }),
    comparison: {
      errors: { candidate: 0, baseline: 0, pValue: 1, test: 'boschloo' },
      latency: { u: 3600, pValue: 1.4e-21, exact: false, shiftMs: 40, relativeShift: 1.739, probabilitySlower: 1 },
    },
  };
  const text = renderGateSummary({
    ...failing,
    report: { ...failing.report, baselineUrl: 'https://svc.a.run.app', paths: [path] },
  });
  expect(text).toContain('Probed `https://tag---svc.a.run.app` against stable `https://svc.a.run.app`');
  expect(text).toContain('| `/` | stable | 60 | 0 | 0 % | 10 ms | 14 ms | 20 ms | 90 ms |');
  expect(text).toContain('| `/` | 0 vs 0 | 1.0000 (Boschloo) | +40 ms (173.9 %) | 100 % | 1.4e-21 |');
  expect(latencyChart([path])).toContain('  bar [52, 60, 66]\n  line [10, 14, 20]\n');
});

it('shows only the reasons when the revision never started', () => {
  const text = renderGateSummary({
    verdict: 'fail',
    reasons: ['/: no successful response within startup-timeout 30 s (40 attempts; last: connection refused)'],
    report: { ...failing.report, startup: { ms: 30_000, attempts: 40, ready: false }, stoppedEarly: false, paths: [] },
  });
  expect(text).not.toContain('```mermaid');
  expect(text).toContain('- /: no successful response within startup-timeout 30 s');
});
