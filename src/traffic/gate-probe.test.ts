import type { GateResult, SideStats } from '../health';
import { sentByClass } from './gate-probe';

const stats = (statuses: Record<string, number>): SideStats => ({
  samples: 0,
  errors: 0,
  errorRate: 0,
  p50: null,
  p95: null,
  p99: null,
  max: null,
  statuses,
  retried: 0,
  failures: [],
});

const result = (warmUp: Record<string, number>, ...paths: Record<string, number>[]): GateResult => ({
  verdict: 'pass',
  reasons: [],
  report: {
    verdict: 'pass',
    reasons: [],
    url: 'http://127.0.0.1:1',
    startup: { ms: 0, attempts: 0, ready: true },
    warmUp: { requests: 0, candidateStatuses: warmUp },
    stoppedEarly: false,
    ms: 0,
    paths: paths.map((statuses, i) => ({ path: `/${i}`, candidate: stats(statuses) })),
  },
});

const withFirstBatch = (gate: GateResult, statuses: Record<string, number>): GateResult => ({
  ...gate,
  report: { ...gate.report, firstBatch: { reasons: ['slower'], paths: [{ path: '/0', candidate: stats(statuses) }] } },
});

// What promote subtracts from Monitoring's counts: every answered request the gate itself sent.
it.each([
  ['no requests', result({}), {}],
  ['measured requests by class', result({}, { '200': 40, '204': 2, '503': 1 }), { '2xx': 42, '5xx': 1 }],
  ['warm-up answers counted too', result({ '200': 10 }, { '200': 30 }), { '2xx': 40 }],
  ['every path', result({ '500': 1 }, { '200': 5 }, { '200': 5, '500': 2 }), { '2xx': 10, '5xx': 3 }],
  ['requests without an answer are not in Monitoring', result({ none: 3 }, { none: 2, '200': 1 }), { '2xx': 1 }],
  [
    "a latency failure's first batch counted too",
    withFirstBatch(result({ '200': 10 }, { '200': 30 }), { '200': 29, '500': 1 }),
    { '2xx': 69, '5xx': 1 },
  ],
])('sentByClass: %s', (_name, gate, expected) => {
  expect(sentByClass(gate)).toEqual(expected);
});
