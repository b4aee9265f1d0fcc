/**
 * Cloud Run request metrics as Cloud Monitoring time series, from recorded requests: one series per
 * revision and response code, one DELTA point per 60-second bucket (as Cloud Run samples them),
 * then the optional per-series alignment and cross-series reduction of ListTimeSeries. Pure: the
 * caller passes the records, the query and the current time.
 */
import type { RequestRecord as RoutedRequest } from '../runtime/router';

export const REQUEST_COUNT = 'run.googleapis.com/request_count';
export const REQUEST_LATENCIES = 'run.googleapis.com/request_latencies';
export const RESOURCE_TYPE = 'cloud_run_revision';
const MINUTE = 60_000;

/** A request the router served, with its time. */
export type RequestRecord = Required<RoutedRequest>;

/** A point's value before it is encoded: a count, a number, or the latencies of a distribution. */
export type PointValue = { int: number } | { double: number } | { latencies: number[] };

export interface Point {
  readonly start: number;
  readonly end: number;
  readonly value: PointValue;
}

export interface Series {
  readonly metricType: string;
  readonly metricLabels: Record<string, string>;
  readonly resourceLabels: Record<string, string>;
  readonly kind: 'DELTA' | 'GAUGE';
  readonly valueType: 'INT64' | 'DOUBLE' | 'DISTRIBUTION';
  readonly unit: string;
  /** Newest first, as the API returns them. */
  readonly points: Point[];
}

export const ALIGNERS = [
  'ALIGN_NONE',
  'ALIGN_DELTA',
  'ALIGN_SUM',
  'ALIGN_RATE',
  'ALIGN_MEAN',
  'ALIGN_MIN',
  'ALIGN_MAX',
  'ALIGN_PERCENTILE_99',
  'ALIGN_PERCENTILE_95',
  'ALIGN_PERCENTILE_50',
  'ALIGN_PERCENTILE_05',
] as const;
export const REDUCERS = ['REDUCE_NONE', 'REDUCE_SUM', 'REDUCE_MEAN', 'REDUCE_MIN', 'REDUCE_MAX', 'REDUCE_COUNT'] as const;

export interface Query {
  readonly metricType: string;
  /** Keeps a series by its fields (`metric.type`, `resource.labels.service_name`, ...). */
  readonly keep: (fields: Record<string, string>) => boolean;
  /** Points whose end time is in (startMs, endMs] are returned; start = end selects points ending at end. */
  readonly startMs: number;
  readonly endMs: number;
  readonly nowMs: number;
  readonly aligner: string;
  readonly alignmentSeconds: number;
  readonly reducer: string;
  readonly groupBy: readonly string[];
}

/** Wrong use of an aligner or reducer (INVALID_ARGUMENT), or one the emulator lacks (UNIMPLEMENTED). */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly unimplemented = false,
  ) {
    super(message);
  }
}

const METRICS: Record<string, { valueType: 'INT64' | 'DISTRIBUTION'; unit: string }> = {
  [REQUEST_COUNT]: { valueType: 'INT64', unit: '1' },
  [REQUEST_LATENCIES]: { valueType: 'DISTRIBUTION', unit: 'ms' },
};

const labelsOf = (r: RequestRecord) => ({
  metric: { response_code: String(r.code), response_code_class: `${Math.floor(r.code / 100)}xx`, route_type: 'default' },
  resource: {
    project_id: r.project,
    location: r.location,
    service_name: r.service,
    revision_name: r.revision,
    configuration_name: r.service,
  },
});

/** The series' fields that filters and group_by_fields name. */
export function seriesFields(s: Pick<Series, 'metricType' | 'metricLabels' | 'resourceLabels'>): Record<string, string> {
  const fields: Record<string, string> = { 'metric.type': s.metricType, 'resource.type': RESOURCE_TYPE };
  if (s.resourceLabels.project_id) fields.project = s.resourceLabels.project_id;
  for (const [k, v] of Object.entries(s.metricLabels)) fields[`metric.labels.${k}`] = v;
  for (const [k, v] of Object.entries(s.resourceLabels)) fields[`resource.labels.${k}`] = v;
  return fields;
}

const inInterval = (end: number, q: Query): boolean => end <= q.endMs && (end > q.startMs || end === q.endMs);
const keyOf = (labels: object): string => JSON.stringify(labels);

/** Per-minute DELTA series; the current minute ends now (the real service shows it only once it has closed). */
export function minuteSeries(records: readonly RequestRecord[], q: Query): Series[] {
  const metric = METRICS[q.metricType];
  if (!metric) return [];
  const series = new Map<string, { labels: ReturnType<typeof labelsOf>; buckets: Map<number, number[]> } | null>();
  for (const r of records) {
    const at = r.at.getTime();
    if (at > q.nowMs) continue;
    // A cheap key per revision and code; the filter runs once per series, not once per request.
    const key = `${r.project}\n${r.location}\n${r.service}\n${r.revision}\n${r.code}`;
    let s = series.get(key);
    if (s === undefined) {
      const labels = labelsOf(r);
      const fields = seriesFields({ metricType: q.metricType, metricLabels: labels.metric, resourceLabels: labels.resource });
      s = q.keep(fields) ? { labels, buckets: new Map() } : null;
      series.set(key, s);
    }
    if (s === null) continue;
    const start = Math.floor(at / MINUTE) * MINUTE;
    const bucket = s.buckets.get(start) ?? [];
    bucket.push(r.latencyMs);
    s.buckets.set(start, bucket);
  }
  const out: Series[] = [];
  for (const entry of series.values()) {
    if (!entry) continue;
    const { labels, buckets } = entry;
    const points = [...buckets.entries()]
      .map(([start, latencies]) => ({
        start,
        end: Math.min(start + MINUTE, q.nowMs),
        value: metric.valueType === 'INT64' ? { int: latencies.length } : { latencies },
      }))
      .filter((p) => inInterval(p.end, q))
      .sort((a, b) => b.end - a.end);
    if (points.length > 0) {
      out.push({
        metricType: q.metricType,
        metricLabels: labels.metric,
        resourceLabels: labels.resource,
        kind: 'DELTA',
        ...metric,
        points,
      });
    }
  }
  // By revision, then response code: the order a reader of the list expects.
  const order = (x: Series): string => keyOf([x.resourceLabels, x.metricLabels]);
  return out.sort((a, b) => order(a).localeCompare(order(b)));
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** Linear-interpolated percentile of the raw latencies (the real API estimates it from buckets). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (rank - lo);
}

const numberOf = (v: PointValue): number => ('int' in v ? v.int : 'double' in v ? v.double : NaN);

function alignValues(values: PointValue[], aligner: string, periodSeconds: number, valueType: Series['valueType']): PointValue {
  const latencies = () => values.flatMap((v) => ('latencies' in v ? v.latencies : []));
  const numbers = values.map(numberOf);
  switch (aligner) {
    case 'ALIGN_DELTA':
    case 'ALIGN_SUM':
      return valueType === 'DISTRIBUTION' ? { latencies: latencies() } : { int: sum(numbers) };
    case 'ALIGN_RATE':
      return { double: sum(numbers) / periodSeconds };
    case 'ALIGN_MEAN':
      return { double: sum(numbers) / numbers.length };
    case 'ALIGN_MIN':
      return { int: Math.min(...numbers) };
    case 'ALIGN_MAX':
      return { int: Math.max(...numbers) };
    default:
      return { double: percentile(latencies(), Number(aligner.slice(-2))) };
  }
}

/** Checks the aligner fits the metric (as the real API does) and names what alignment makes of it. */
function alignedShape(s: Pick<Series, 'valueType'>, aligner: string): Pick<Series, 'kind' | 'valueType'> {
  const distribution = s.valueType === 'DISTRIBUTION';
  if (aligner === 'ALIGN_DELTA' || aligner === 'ALIGN_SUM') return { kind: 'DELTA', valueType: s.valueType };
  if (aligner.startsWith('ALIGN_PERCENTILE_')) {
    if (!distribution) throw new QueryError(`${aligner} needs a DISTRIBUTION metric; ${REQUEST_COUNT} is INT64`);
    return { kind: 'GAUGE', valueType: 'DOUBLE' };
  }
  if (distribution) throw new QueryError(`${aligner} needs a numeric metric; ${REQUEST_LATENCIES} is a DISTRIBUTION`);
  return { kind: 'GAUGE', valueType: aligner === 'ALIGN_MIN' || aligner === 'ALIGN_MAX' ? 'INT64' : 'DOUBLE' };
}

/** Per-series alignment: one point per alignment period, periods ending at the interval's end. */
export function align(series: readonly Series[], q: Query): Series[] {
  const period = q.alignmentSeconds * 1000;
  return series.map((s) => {
    const shape = alignedShape(s, q.aligner);
    const windows = new Map<number, PointValue[]>();
    for (const p of s.points) {
      const windowEnd = q.endMs - Math.floor((q.endMs - p.end) / period) * period;
      windows.set(windowEnd, [...(windows.get(windowEnd) ?? []), p.value]);
    }
    const points = [...windows.entries()]
      .sort((a, b) => b[0] - a[0])
      .map(([end, values]) => ({
        start: shape.kind === 'DELTA' ? end - period : end,
        end,
        value: alignValues(values, q.aligner, q.alignmentSeconds, s.valueType),
      }));
    return { ...s, ...shape, points };
  });
}

/** Cross-series reduction: one series per distinct value of the group_by_fields. */
export function reduce(series: readonly Series[], q: Query): Series[] {
  const groups = new Map<string, Series[]>();
  for (const s of series) {
    const fields = seriesFields(s);
    const key = keyOf(q.groupBy.map((f) => fields[f] ?? ''));
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()].map((members) => {
    const first = members[0];
    const pick = (prefix: string, labels: Record<string, string>) =>
      Object.fromEntries(Object.entries(labels).filter(([k]) => q.groupBy.includes(`${prefix}.labels.${k}`)));
    const byEnd = new Map<number, Point[]>();
    for (const p of members.flatMap((m) => m.points)) byEnd.set(p.end, [...(byEnd.get(p.end) ?? []), p]);
    const shape = reducedShape(first, q.reducer);
    const points = [...byEnd.entries()]
      .sort((a, b) => b[0] - a[0])
      .map(([end, ps]) => ({
        start: ps[0].start,
        end,
        value: reduceValues(
          ps.map((p) => p.value),
          q.reducer,
          first.valueType,
        ),
      }));
    return {
      ...first,
      ...shape,
      metricLabels: pick('metric', first.metricLabels),
      resourceLabels: pick('resource', first.resourceLabels),
      points,
    };
  });
}

function reducedShape(s: Pick<Series, 'kind' | 'valueType'>, reducer: string): Pick<Series, 'kind' | 'valueType'> {
  if (reducer === 'REDUCE_SUM') return { kind: s.kind, valueType: s.valueType };
  if (s.valueType === 'DISTRIBUTION')
    throw new QueryError(`${reducer} needs numeric values; align ${REQUEST_LATENCIES} with a percentile first`);
  if (reducer === 'REDUCE_COUNT') return { kind: 'GAUGE', valueType: 'INT64' };
  return { kind: 'GAUGE', valueType: reducer === 'REDUCE_MEAN' ? 'DOUBLE' : s.valueType };
}

function reduceValues(values: PointValue[], reducer: string, valueType: Series['valueType']): PointValue {
  const numbers = values.map(numberOf);
  const typed = (n: number): PointValue => (valueType === 'INT64' ? { int: n } : { double: n });
  switch (reducer) {
    case 'REDUCE_SUM':
      return valueType === 'DISTRIBUTION'
        ? { latencies: values.flatMap((v) => ('latencies' in v ? v.latencies : [])) }
        : typed(sum(numbers));
    case 'REDUCE_COUNT':
      return { int: values.length };
    case 'REDUCE_MEAN':
      return { double: sum(numbers) / numbers.length };
    case 'REDUCE_MIN':
      return typed(Math.min(...numbers));
    default:
      return typed(Math.max(...numbers));
  }
}

/** The whole query: minute points, then alignment and reduction when asked for. */
export function timeSeries(records: readonly RequestRecord[], q: Query): Series[] {
  if (q.reducer !== 'REDUCE_NONE' && q.aligner === 'ALIGN_NONE') {
    throw new QueryError(`cross_series_reducer ${q.reducer} needs a per_series_aligner other than ALIGN_NONE`);
  }
  if (q.aligner !== 'ALIGN_NONE' && q.alignmentSeconds < 60) {
    throw new QueryError(`alignment_period must be at least 60s when per_series_aligner is ${q.aligner}`);
  }
  const metric = METRICS[q.metricType];
  // Validated against the metric's kind even when there is no data, as the real API does.
  if (metric && q.aligner !== 'ALIGN_NONE') {
    const shape = alignedShape(metric, q.aligner);
    if (q.reducer !== 'REDUCE_NONE') reducedShape(shape, q.reducer);
  }
  const minutes = minuteSeries(records, q);
  if (q.aligner === 'ALIGN_NONE') return minutes;
  const aligned = align(minutes, q);
  return q.reducer === 'REDUCE_NONE' ? aligned : reduce(aligned, q);
}
