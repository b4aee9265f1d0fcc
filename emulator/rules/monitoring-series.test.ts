import {
  Query,
  QueryError,
  REQUEST_COUNT,
  REQUEST_LATENCIES,
  RequestRecord,
  Series,
  percentile,
  timeSeries,
} from './monitoring-series';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const s = (seconds: number) => T0 + seconds * 1000;
const rec = (service: string, revision: string, code: number, at: number, latencyMs = 10): RequestRecord => ({
  project: 'acme',
  location: 'us-central1',
  service,
  revision,
  code,
  latencyMs,
  at: new Date(s(at)),
});

const records = [
  rec('web', 'web-1', 200, 10, 10),
  rec('web', 'web-1', 200, 20, 20),
  rec('web', 'web-1', 200, 30, 30),
  rec('web', 'web-1', 503, 40, 100),
  rec('web', 'web-1', 200, 70, 40),
  rec('web', 'web-1', 200, 71, 50),
  rec('web', 'web-2', 500, 75, 7),
  rec('api', 'api-1', 200, 5, 1),
];

const base: Query = {
  metricType: REQUEST_COUNT,
  keep: () => true,
  startMs: s(-1),
  endMs: s(180),
  nowMs: s(180),
  aligner: 'ALIGN_NONE',
  alignmentSeconds: 0,
  reducer: 'REDUCE_NONE',
  groupBy: [],
};

/** Series as `labels: [[startSeconds, endSeconds, value], ...]` for compact expectations. */
function compact(series: Series[]): Record<string, [number, number, unknown][]> {
  const out: Record<string, [number, number, unknown][]> = {};
  for (const x of series) {
    const key =
      [x.resourceLabels.revision_name, x.metricLabels.response_code, x.metricLabels.response_code_class]
        .filter(Boolean)
        .join('/') || '*';
    out[key] = x.points.map((p) => [(p.start - T0) / 1000, (p.end - T0) / 1000, Object.values(p.value)[0]]);
  }
  return out;
}

it('one DELTA series per revision and response code, one point per minute, newest first', () => {
  const series = timeSeries(records, base);
  expect(compact(series)).toEqual({
    'api-1/200/2xx': [[0, 60, 1]],
    'web-1/200/2xx': [
      [60, 120, 2],
      [0, 60, 3],
    ],
    'web-1/503/5xx': [[0, 60, 1]],
    'web-2/500/5xx': [[60, 120, 1]],
  });
  expect(series[1]).toMatchObject({
    kind: 'DELTA',
    valueType: 'INT64',
    metricLabels: { response_code: '200', response_code_class: '2xx', route_type: 'default' },
    resourceLabels: {
      project_id: 'acme',
      location: 'us-central1',
      service_name: 'web',
      revision_name: 'web-1',
      configuration_name: 'web',
    },
  });
});

it.each<[string, Partial<Query>, Record<string, [number, number, unknown][]>]>([
  [
    'the current minute ends now; later requests are not visible yet',
    { nowMs: s(72), keep: (f) => f['resource.labels.service_name'] === 'web' },
    {
      'web-1/200/2xx': [
        [60, 72, 2],
        [0, 60, 3],
      ],
      'web-1/503/5xx': [[0, 60, 1]],
    },
  ],
  [
    'only points ending inside (start, end]',
    { startMs: s(60), keep: (f) => f['resource.labels.revision_name'] === 'web-1' },
    { 'web-1/200/2xx': [[60, 120, 2]] },
  ],
  [
    'ALIGN_DELTA over 120 s: periods end at the interval end',
    { aligner: 'ALIGN_DELTA', alignmentSeconds: 120, keep: (f) => f['metric.labels.response_code'] === '200' },
    {
      'api-1/200/2xx': [[-60, 60, 1]],
      'web-1/200/2xx': [
        [60, 180, 2],
        [-60, 60, 3],
      ],
    },
  ],
  [
    'ALIGN_SUM + REDUCE_SUM by response_code_class',
    { aligner: 'ALIGN_SUM', alignmentSeconds: 180, reducer: 'REDUCE_SUM', groupBy: ['metric.labels.response_code_class'] },
    { '2xx': [[0, 180, 6]], '5xx': [[0, 180, 2]] },
  ],
  [
    'REDUCE_SUM by revision of one service',
    {
      aligner: 'ALIGN_DELTA',
      alignmentSeconds: 180,
      reducer: 'REDUCE_SUM',
      groupBy: ['resource.labels.revision_name'],
      keep: (f) => f['resource.labels.service_name'] === 'web',
    },
    { 'web-1': [[0, 180, 6]], 'web-2': [[0, 180, 1]] },
  ],
  [
    'REDUCE_SUM without group_by: one series',
    { aligner: 'ALIGN_DELTA', alignmentSeconds: 60, reducer: 'REDUCE_SUM' },
    {
      '*': [
        [60, 120, 3],
        [0, 60, 5],
      ],
    },
  ],
  [
    'ALIGN_RATE: requests per second',
    { aligner: 'ALIGN_RATE', alignmentSeconds: 180, reducer: 'REDUCE_SUM' },
    { '*': [[180, 180, 8 / 180]] },
  ],
  [
    'ALIGN_MAX then REDUCE_COUNT of series',
    { aligner: 'ALIGN_MAX', alignmentSeconds: 180, reducer: 'REDUCE_COUNT', groupBy: ['resource.labels.revision_name'] },
    { 'api-1': [[180, 180, 1]], 'web-1': [[180, 180, 2]], 'web-2': [[180, 180, 1]] },
  ],
])('%s', (_, overrides, want) => {
  expect(compact(timeSeries(records, { ...base, ...overrides }))).toEqual(want);
});

describe('request_latencies', () => {
  const latencies = {
    ...base,
    metricType: REQUEST_LATENCIES,
    keep: (f: Record<string, string>) => f['resource.labels.revision_name'] === 'web-1',
  };

  it('carries the raw latencies of each minute as a DISTRIBUTION in ms', () => {
    const [ok] = timeSeries(records, latencies);
    expect(ok).toMatchObject({ kind: 'DELTA', valueType: 'DISTRIBUTION', unit: 'ms' });
    expect(ok.points.map((p) => p.value)).toEqual([{ latencies: [40, 50] }, { latencies: [10, 20, 30] }]);
  });

  it('ALIGN_PERCENTILE_50 over 3 minutes of one series', () => {
    const p50 = timeSeries(records, {
      ...latencies,
      aligner: 'ALIGN_PERCENTILE_50',
      alignmentSeconds: 180,
      keep: (f) => latencies.keep(f) && f['metric.labels.response_code'] === '200',
    });
    expect(p50.map((x) => [x.kind, x.valueType, x.points[0].value])).toEqual([['GAUGE', 'DOUBLE', { double: 30 }]]);
  });

  it('ALIGN_DELTA + REDUCE_SUM merges distributions', () => {
    const [all] = timeSeries(records, { ...latencies, aligner: 'ALIGN_DELTA', alignmentSeconds: 180, reducer: 'REDUCE_SUM' });
    expect(all.points).toHaveLength(1);
    expect(all.points[0].value).toEqual({ latencies: expect.arrayContaining([10, 20, 30, 40, 50, 100]) });
  });
});

it.each<[Partial<Query>, RegExp]>([
  [{ aligner: 'ALIGN_RATE', alignmentSeconds: 60, metricType: REQUEST_LATENCIES }, /ALIGN_RATE needs a numeric metric/],
  [{ aligner: 'ALIGN_PERCENTILE_99', alignmentSeconds: 60 }, /ALIGN_PERCENTILE_99 needs a DISTRIBUTION metric/],
  [{ reducer: 'REDUCE_SUM' }, /needs a per_series_aligner other than ALIGN_NONE/],
  [{ aligner: 'ALIGN_DELTA', alignmentSeconds: 30 }, /alignment_period must be at least 60s/],
  [
    { aligner: 'ALIGN_DELTA', alignmentSeconds: 60, reducer: 'REDUCE_MEAN', metricType: REQUEST_LATENCIES },
    /REDUCE_MEAN needs numeric values/,
  ],
])('%j is rejected even without data', (overrides, message) => {
  expect(() => timeSeries([], { ...base, ...overrides })).toThrow(QueryError);
  expect(() => timeSeries([], { ...base, ...overrides })).toThrow(message);
});

it('other metric types have no data', () => {
  expect(timeSeries(records, { ...base, metricType: 'run.googleapis.com/container/cpu/utilizations' })).toEqual([]);
});

it.each([
  [[], 50, 0],
  [[5], 99, 5],
  [[1, 2, 3, 4], 50, 2.5],
  [[10, 20, 30, 40, 50], 95, 48],
  [[3, 1, 2], 5, 1.1],
])('percentile(%j, %d) = %d', (values, p, want) => {
  expect(percentile(values, p)).toBeCloseTo(want, 9);
});
