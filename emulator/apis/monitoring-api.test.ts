import * as grpc from '@grpc/grpc-js';
import { LATENCY_BUCKETS, distribution, parseRequest } from './monitoring-api';

const COUNT = 'run.googleapis.com/request_count';
const end = { seconds: '1800000000', nanos: 0 };
const start = { seconds: '1799999700', nanos: 0 };
const ok = { name: 'projects/acme', filter: `metric.type = "${COUNT}"`, interval: { startTime: start, endTime: end } };

describe('parseRequest', () => {
  it('reads the project, metric type, interval and aggregation', () => {
    const q = parseRequest(
      {
        ...ok,
        aggregation: {
          alignmentPeriod: { seconds: '300' },
          perSeriesAligner: 'ALIGN_DELTA',
          crossSeriesReducer: 'REDUCE_SUM',
          groupByFields: ['metric.label.response_code_class', 'resource.labels.revision_name'],
        },
      },
      5,
    );
    expect(q).toMatchObject({
      metricType: COUNT,
      startMs: 1799999700_000,
      endMs: 1800000000_000,
      nowMs: 5,
      aligner: 'ALIGN_DELTA',
      alignmentSeconds: 300,
      reducer: 'REDUCE_SUM',
      groupBy: ['metric.labels.response_code_class', 'resource.labels.revision_name'],
    });
    expect(q.keep({ project: 'acme', 'metric.type': COUNT })).toBe(true);
    expect(q.keep({ project: 'other', 'metric.type': COUNT })).toBe(false);
  });

  it('defaults: no aggregation is raw data; a missing start time means the end time', () => {
    const q = parseRequest({ ...ok, interval: { endTime: end } }, 0);
    expect(q).toMatchObject({ aligner: 'ALIGN_NONE', reducer: 'REDUCE_NONE', groupBy: [], startMs: q.endMs });
  });

  it.each<[object, grpc.status, RegExp]>([
    [{ name: 'acme' }, grpc.status.INVALID_ARGUMENT, /Invalid name 'acme': expected projects\/PROJECT_ID/],
    [
      { filter: 'metric.type = ' },
      grpc.status.INVALID_ARGUMENT,
      /Invalid filter 'metric.type = ': expected a value for metric.type/,
    ],
    [{ filter: 'resource.labels.service_name = "web"' }, grpc.status.INVALID_ARGUMENT, /must name exactly one metric type/],
    [{ interval: { startTime: start } }, grpc.status.INVALID_ARGUMENT, /interval.end_time is required/],
    [{ interval: { startTime: end, endTime: start } }, grpc.status.INVALID_ARGUMENT, /start_time must not be later than/],
    [{ orderBy: 'value' }, grpc.status.INVALID_ARGUMENT, /order_by is not supported/],
    [
      { aggregation: { perSeriesAligner: 'ALIGN_STDDEV' } },
      grpc.status.UNIMPLEMENTED,
      /ALIGN_STDDEV is not supported by the emulator: use ALIGN_NONE/,
    ],
    [
      { aggregation: { crossSeriesReducer: 'REDUCE_PERCENTILE_99' } },
      grpc.status.UNIMPLEMENTED,
      /REDUCE_PERCENTILE_99 is not supported/,
    ],
    [
      { aggregation: { groupByFields: ['metadata.system_labels.x'] } },
      grpc.status.INVALID_ARGUMENT,
      /Invalid group_by_fields entry 'metadata.system_labels.x'/,
    ],
    [
      { secondaryAggregation: { perSeriesAligner: 'ALIGN_SUM' } },
      grpc.status.UNIMPLEMENTED,
      /secondary_aggregation is not supported/,
    ],
  ])('%j → %s', (overrides, code, message) => {
    expect(() => parseRequest({ ...ok, ...overrides }, 0)).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  });

  it('an empty secondary_aggregation (as clients send it) is accepted', () => {
    expect(() =>
      parseRequest({ ...ok, secondaryAggregation: { perSeriesAligner: 'ALIGN_NONE', crossSeriesReducer: 'REDUCE_NONE' } }, 0),
    ).not.toThrow();
  });
});

describe('distribution', () => {
  const { scale, growthFactor } = LATENCY_BUCKETS;
  it.each([
    [[], { count: '0', mean: 0, bucketCounts: [] }],
    [[scale / 2], { count: '1', bucketCounts: ['1'] }],
    [[scale, scale * growthFactor * 1.01], { count: '2', bucketCounts: ['0', '1', '1'] }],
    [[2, 4], { count: '2', mean: 3, sumOfSquaredDeviation: 2 }],
    [[1e30], { bucketCounts: [...new Array(101).fill('0'), '1'] }],
  ])('%j', (latencies, want) => {
    expect(distribution(latencies)).toMatchObject(want);
  });

  it('declares its exponential buckets', () => {
    expect(distribution([1]).bucketOptions).toEqual({ exponentialBuckets: LATENCY_BUCKETS });
  });
});
