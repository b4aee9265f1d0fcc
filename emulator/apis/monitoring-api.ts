/**
 * The emulated Cloud Monitoring API (google.monitoring.v3.MetricService): ListTimeSeries for the
 * Cloud Run request metrics `run.googleapis.com/request_count` and `run.googleapis.com/request_latencies`
 * of the requests the emulator's router served (it calls RequestMetrics.record). Every other method
 * answers UNIMPLEMENTED (grpc-js's default handler). See emulator/MONITORING.md.
 */
import * as grpc from '@grpc/grpc-js';
import { ApiError, invalidArgument, unary } from './api-error';
import { Filter, FilterError, matches, metricTypeOf, parseFilter } from '../rules/monitoring-filter';
import { ALIGNERS, Point, PointValue, QueryError, REDUCERS, Series, timeSeries } from '../rules/monitoring-series';
import { page } from './paging';
import type { RequestMetrics } from '../state/monitoring-state';
import { GrpcService, loadProtos, serviceDefinition } from './protos';

/** Latency buckets of the emitted distributions: exponential, √2 growth from 0.01 ms (the emulator's choice). */
export const LATENCY_BUCKETS = { numFiniteBuckets: 100, growthFactor: Math.SQRT2, scale: 0.01 };

type Timestamp = { seconds: string; nanos: number };
type Duration = { seconds?: string | number; nanos?: number } | null | undefined;

interface ListTimeSeriesRequest {
  name: string;
  filter: string;
  interval?: { startTime?: Timestamp | null; endTime?: Timestamp | null } | null;
  aggregation?: {
    alignmentPeriod?: Duration;
    perSeriesAligner?: string;
    crossSeriesReducer?: string;
    groupByFields?: string[];
  } | null;
  secondaryAggregation?: {
    alignmentPeriod?: Duration;
    perSeriesAligner?: string;
    crossSeriesReducer?: string;
    groupByFields?: string[];
  } | null;
  orderBy?: string;
  view?: string;
  pageSize?: number;
  pageToken?: string;
}

const toMs = (t: Timestamp): number => Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
const timestamp = (ms: number): Timestamp => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
const seconds = (d: Duration): number => Number(d?.seconds ?? 0) + (d?.nanos ?? 0) / 1e9;

export function monitoringService(metrics: RequestMetrics): GrpcService {
  const root = loadProtos(['google/monitoring/v3/metric_service.proto']);
  const implementation: grpc.UntypedServiceImplementation = {
    ListTimeSeries: unary((req: ListTimeSeriesRequest) => {
      const nowMs = Date.now();
      const query = parseRequest(req, nowMs);
      let series: Series[];
      try {
        series = timeSeries(metrics.visible(nowMs), query);
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        throw new ApiError(error.unimplemented ? grpc.status.UNIMPLEMENTED : grpc.status.INVALID_ARGUMENT, error.message);
      }
      const headersOnly = req.view === 'HEADERS';
      const { items, nextPageToken } = page(series, Number(req.pageSize) || 0, req.pageToken ?? '');
      return { timeSeries: items.map((s) => encodeSeries(s, headersOnly)), nextPageToken, executionErrors: [] };
    }),
  };
  return { definition: serviceDefinition(root, 'google.monitoring.v3.MetricService'), implementation };
}

/** Validates a ListTimeSeries request into a query; INVALID_ARGUMENT or UNIMPLEMENTED naming the field. */
export function parseRequest(req: ListTimeSeriesRequest, nowMs: number) {
  const project = /^projects\/([^/]+)$/.exec(req.name ?? '')?.[1];
  if (!project) throw invalidArgument(`Invalid name '${req.name}': expected projects/PROJECT_ID`);
  let filter: Filter;
  let metricType: string;
  try {
    filter = parseFilter(req.filter ?? '');
    metricType = metricTypeOf(filter);
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    throw invalidArgument(`Invalid filter '${req.filter}': ${error.message}`);
  }
  const end = req.interval?.endTime;
  if (!end) throw invalidArgument('interval.end_time is required');
  const endMs = toMs(end);
  const startMs = req.interval?.startTime ? toMs(req.interval.startTime) : endMs;
  if (startMs > endMs) throw invalidArgument('interval.start_time must not be later than interval.end_time');
  if (req.orderBy) throw invalidArgument('order_by is not supported and must be left blank');
  const secondary = req.secondaryAggregation;
  if (
    secondary &&
    (seconds(secondary.alignmentPeriod) > 0 || isSet(secondary.perSeriesAligner) || isSet(secondary.crossSeriesReducer))
  ) {
    throw new ApiError(grpc.status.UNIMPLEMENTED, 'secondary_aggregation is not supported by the emulator');
  }
  const aggregation = req.aggregation ?? {};
  const aligner = aggregation.perSeriesAligner || 'ALIGN_NONE';
  const reducer = aggregation.crossSeriesReducer || 'REDUCE_NONE';
  if (!(ALIGNERS as readonly string[]).includes(aligner)) {
    throw new ApiError(
      grpc.status.UNIMPLEMENTED,
      `per_series_aligner ${aligner} is not supported by the emulator: use ${ALIGNERS.join(', ')}`,
    );
  }
  if (!(REDUCERS as readonly string[]).includes(reducer)) {
    throw new ApiError(
      grpc.status.UNIMPLEMENTED,
      `cross_series_reducer ${reducer} is not supported by the emulator: use ${REDUCERS.join(', ')}`,
    );
  }
  const groupBy = (aggregation.groupByFields ?? []).map((field) => {
    const normalized = field.replace(/^(metric|resource)\.label\./, '$1.labels.');
    if (!/^(metric|resource)\.labels\.\w+$/.test(normalized) && normalized !== 'resource.type') {
      throw invalidArgument(`Invalid group_by_fields entry '${field}': use metric.labels.KEY or resource.labels.KEY`);
    }
    return normalized;
  });
  return {
    metricType,
    keep: (fields: Record<string, string>) => fields.project === project && matches(filter, fields),
    startMs,
    endMs,
    nowMs,
    aligner,
    alignmentSeconds: seconds(aggregation.alignmentPeriod),
    reducer,
    groupBy,
  };
}

const isSet = (value: string | undefined): boolean => !!value && !/_NONE$/.test(value);

function encodeSeries(s: Series, headersOnly: boolean) {
  return {
    metric: { type: s.metricType, labels: s.metricLabels },
    resource: { type: 'cloud_run_revision', labels: s.resourceLabels },
    metricKind: s.kind,
    valueType: s.valueType,
    unit: s.unit,
    points: headersOnly ? [] : s.points.map(encodePoint),
  };
}

function encodePoint(p: Point) {
  return { interval: { startTime: timestamp(p.start), endTime: timestamp(p.end) }, value: encodeValue(p.value) };
}

function encodeValue(v: PointValue) {
  if ('int' in v) return { int64Value: String(v.int) };
  if ('double' in v) return { doubleValue: v.double };
  return { distributionValue: distribution(v.latencies) };
}

/** A google.api.Distribution of latencies in ms. */
export function distribution(latencies: readonly number[]) {
  const count = latencies.length;
  const mean = count ? latencies.reduce((a, b) => a + b, 0) / count : 0;
  const { numFiniteBuckets: n, growthFactor, scale } = LATENCY_BUCKETS;
  const buckets = new Array<number>(n + 2).fill(0);
  for (const v of latencies) {
    const i = v < scale ? 0 : Math.min(n + 1, Math.floor(Math.log(v / scale) / Math.log(growthFactor) + 1e-9) + 1);
    buckets[i]++;
  }
  while (buckets.length > 0 && buckets[buckets.length - 1] === 0) buckets.pop();
  return {
    count: String(count),
    mean,
    sumOfSquaredDeviation: latencies.reduce((a, v) => a + (v - mean) ** 2, 0),
    bucketOptions: { exponentialBuckets: LATENCY_BUCKETS },
    bucketCounts: buckets.map(String),
    exemplars: [],
  };
}
