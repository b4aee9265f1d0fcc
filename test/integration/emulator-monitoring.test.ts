/**
 * The emulated Cloud Monitoring ListTimeSeries for Cloud Run request metrics, spoken to only by the
 * real @google-cloud/monitoring client over gRPC.
 */
import * as grpc from '@grpc/grpc-js';
import { monitoringService } from '../../emulator/apis/monitoring-api';
import { RequestMetrics } from '../../emulator/state/monitoring-state';
import { GoogleClients, createClients } from '../../src/cloudrun/clients';

const COUNT = 'run.googleapis.com/request_count';
const LATENCIES = 'run.googleapis.com/request_latencies';
const NAME = 'projects/acme';
// Five minutes ago, on a minute boundary, so buckets are known exactly.
const M0 = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
const at = (seconds: number) => new Date(M0 + seconds * 1000);
const interval = (from: number, to: number) => ({
  startTime: { seconds: (M0 + from * 1000) / 1000 },
  endTime: { seconds: (M0 + to * 1000) / 1000 },
});
const web = { project: 'acme', location: 'us-central1', service: 'web' };

const metrics = new RequestMetrics({ delayMs: 0 });
const delayed = new RequestMetrics({ delayMs: 180_000 });
const servers: grpc.Server[] = [];
let clients: GoogleClients;
let delayedClients: GoogleClients;

async function serve(source: RequestMetrics): Promise<GoogleClients> {
  const server = new grpc.Server();
  const service = monitoringService(source);
  server.addService(service.definition, service.implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  servers.push(server);
  return createClients({ CLOUD_RUN_EMULATOR_HOST: `127.0.0.1:${port}` });
}

beforeAll(async () => {
  for (const [s, latencyMs] of [
    [10, 12],
    [11, 30],
    [12, 45],
  ])
    metrics.record({ ...web, revision: 'web-00001-aaa', code: 200, latencyMs, at: at(s) });
  metrics.record({ ...web, revision: 'web-00001-aaa', code: 503, latencyMs: 900, at: at(20) });
  metrics.record({ ...web, revision: 'web-00002-bbb', code: 200, latencyMs: 8, at: at(70) });
  metrics.record({ ...web, revision: 'web-00002-bbb', code: 200, latencyMs: 9, at: at(71) });
  metrics.record({ ...web, revision: 'web-00002-bbb', code: 500, latencyMs: 3, at: at(80) });
  metrics.record({ ...web, service: 'api', revision: 'api-00001-ccc', code: 200, latencyMs: 5, at: at(15) });
  metrics.record({ ...web, project: 'other', revision: 'web-00001-zzz', code: 200, latencyMs: 5, at: at(15) });
  clients = await serve(metrics);
  delayedClients = await serve(delayed);
});

afterAll(async () => {
  await Promise.all([clients?.close(), delayedClients?.close()]);
  for (const server of servers) server.forceShutdown();
});

const list = async (request: Record<string, unknown>) =>
  (await clients.metrics.listTimeSeries({ name: NAME, interval: interval(0, 180), ...request }))[0];

it('request_count: one DELTA INT64 series per revision and response code, points per minute', async () => {
  const series = await list({
    filter: `metric.type = "${COUNT}" AND resource.labels.service_name = "web" AND resource.labels.revision_name = "web-00001-aaa"`,
  });
  expect(
    series.map((s) => [s.metric?.labels?.response_code, s.metricKind, s.valueType, s.points?.map((p) => p.value?.int64Value)]),
  ).toEqual([
    ['200', 'DELTA', 'INT64', ['3']],
    ['503', 'DELTA', 'INT64', ['1']],
  ]);
  const [ok] = series;
  expect(ok.metric).toEqual({ type: COUNT, labels: { response_code: '200', response_code_class: '2xx', route_type: 'default' } });
  expect(ok.resource).toEqual({
    type: 'cloud_run_revision',
    labels: {
      project_id: 'acme',
      location: 'us-central1',
      service_name: 'web',
      revision_name: 'web-00001-aaa',
      configuration_name: 'web',
    },
  });
  expect(ok.points?.[0].interval).toEqual({
    startTime: { seconds: String(M0 / 1000), nanos: 0 },
    endTime: { seconds: String(M0 / 1000 + 60), nanos: 0 },
  });
});

it('filters by response_code_class and one_of across revisions, within the project of the request', async () => {
  const fiveXx = await list({ filter: `metric.type = "${COUNT}" AND metric.labels.response_code_class = "5xx"` });
  expect(fiveXx.map((s) => [s.resource?.labels?.revision_name, s.metric?.labels?.response_code])).toEqual([
    ['web-00001-aaa', '503'],
    ['web-00002-bbb', '500'],
  ]);
  const services = await list({ filter: `metric.type = "${COUNT}" AND resource.labels.service_name = one_of("api", "nope")` });
  expect(services.map((s) => s.resource?.labels?.revision_name)).toEqual(['api-00001-ccc']);
  const [other] = await clients.metrics.listTimeSeries({
    name: 'projects/other',
    filter: `metric.type = "${COUNT}"`,
    interval: interval(0, 180),
  });
  expect(other.map((s) => s.resource?.labels?.revision_name)).toEqual(['web-00001-zzz']);
});

it('ALIGN_DELTA + REDUCE_SUM grouped by revision counts each revision over the interval', async () => {
  const series = await list({
    filter: `metric.type = "${COUNT}" AND resource.labels.service_name = "web"`,
    aggregation: {
      alignmentPeriod: { seconds: 180 },
      perSeriesAligner: 'ALIGN_DELTA',
      crossSeriesReducer: 'REDUCE_SUM',
      groupByFields: ['resource.labels.revision_name'],
    },
  });
  expect(series.map((s) => [s.resource?.labels, s.metric?.labels, s.points?.map((p) => p.value?.int64Value)])).toEqual([
    [{ revision_name: 'web-00001-aaa' }, {}, ['4']],
    [{ revision_name: 'web-00002-bbb' }, {}, ['3']],
  ]);
  const byClass = await list({
    filter: `metric.type = "${COUNT}" AND resource.labels.service_name = "web"`,
    aggregation: {
      alignmentPeriod: { seconds: 60 },
      perSeriesAligner: 'ALIGN_SUM',
      crossSeriesReducer: 'REDUCE_SUM',
      groupByFields: ['metric.label.response_code_class'],
    },
  });
  expect(
    byClass.map((s) => [
      s.metric?.labels?.response_code_class,
      s.points?.map((p) => [Number(p.interval?.endTime?.seconds) - M0 / 1000, p.value?.int64Value]),
    ]),
  ).toEqual([
    [
      '2xx',
      [
        [120, '2'],
        [60, '3'],
      ],
    ],
    [
      '5xx',
      [
        [120, '1'],
        [60, '1'],
      ],
    ],
  ]);
});

it('request_latencies: a DISTRIBUTION in ms per minute, and percentiles by alignment', async () => {
  const filter = `metric.type = "${LATENCIES}" AND resource.labels.revision_name = "web-00001-aaa" AND metric.labels.response_code = "200"`;
  const [raw] = await list({ filter });
  expect(raw).toMatchObject({ metricKind: 'DELTA', valueType: 'DISTRIBUTION', unit: 'ms' });
  const dist = raw.points?.[0].value?.distributionValue;
  expect([dist?.count, dist?.mean]).toEqual(['3', 29]);
  expect(dist?.sumOfSquaredDeviation).toBeCloseTo((12 - 29) ** 2 + (30 - 29) ** 2 + (45 - 29) ** 2, 6);
  const [p50] = await list({
    filter,
    aggregation: { alignmentPeriod: { seconds: 180 }, perSeriesAligner: 'ALIGN_PERCENTILE_50' },
  });
  expect([p50.metricKind, p50.valueType, p50.points?.[0].value?.doubleValue]).toEqual(['GAUGE', 'DOUBLE', 30]);
});

it('view HEADERS returns the series without points; auto-pagination returns every series', async () => {
  const filter = `metric.type = "${COUNT}"`;
  const headers = await list({ filter, view: 'HEADERS' });
  const full = await list({ filter });
  expect(headers.map((s) => s.resource?.labels?.revision_name)).toEqual(full.map((s) => s.resource?.labels?.revision_name));
  expect(headers.every((s) => s.points?.length === 0)).toBe(true);
  expect(full).toHaveLength(5);
  const paged: string[] = [];
  for await (const s of clients.metrics.listTimeSeriesAsync({ name: NAME, filter, interval: interval(0, 180), pageSize: 2 })) {
    paged.push(`${s.resource?.labels?.revision_name}/${s.metric?.labels?.response_code}`);
  }
  expect(paged).toEqual(full.map((s) => `${s.resource?.labels?.revision_name}/${s.metric?.labels?.response_code}`));
});

it('points outside the interval are not returned', async () => {
  const series = await list({
    filter: `metric.type = "${COUNT}" AND resource.labels.service_name = "web"`,
    interval: interval(60, 180),
  });
  expect(series.map((s) => s.resource?.labels?.revision_name)).toEqual(['web-00002-bbb', 'web-00002-bbb']);
});

it('bad requests are INVALID_ARGUMENT naming the problem; other methods UNIMPLEMENTED', async () => {
  await expect(list({ filter: `metric.type = "${COUNT}" AND resource.labels.service_name = ` })).rejects.toEqual(
    expect.objectContaining({
      code: grpc.status.INVALID_ARGUMENT,
      details: expect.stringMatching(/^Invalid filter '.*': expected a value for resource.labels.service_name/),
    }),
  );
  await expect(list({ filter: `resource.labels.service_name = "web"` })).rejects.toEqual(
    expect.objectContaining({
      code: grpc.status.INVALID_ARGUMENT,
      details: expect.stringContaining('must name exactly one metric type'),
    }),
  );
  await expect(
    list({
      filter: `metric.type = "${COUNT}"`,
      aggregation: { alignmentPeriod: { seconds: 60 }, perSeriesAligner: 'ALIGN_PERCENTILE_99' },
    }),
  ).rejects.toEqual(
    expect.objectContaining({
      code: grpc.status.INVALID_ARGUMENT,
      details: expect.stringContaining('needs a DISTRIBUTION metric'),
    }),
  );
  await expect(clients.metrics.listMetricDescriptors({ name: NAME })).rejects.toEqual(
    expect.objectContaining({ code: grpc.status.UNIMPLEMENTED, details: expect.stringContaining('ListMetricDescriptors') }),
  );
});

it('with a reporting delay, recent requests stay invisible like in the real service', async () => {
  const now = Date.now();
  delayed.record({ ...web, revision: 'web-00003-ddd', code: 200, latencyMs: 1, at: new Date(now - 5_000) });
  delayed.record({ ...web, revision: 'web-00003-ddd', code: 200, latencyMs: 1, at: new Date(now - 240_000) });
  const [series] = await delayedClients.metrics.listTimeSeries({
    name: NAME,
    filter: `metric.type = "${COUNT}"`,
    interval: { startTime: { seconds: Math.floor((now - 600_000) / 1000) }, endTime: { seconds: Math.ceil(now / 1000) } },
    aggregation: { alignmentPeriod: { seconds: 600 }, perSeriesAligner: 'ALIGN_DELTA' },
  });
  expect(series.map((s) => s.points?.map((p) => p.value?.int64Value))).toEqual([['1']]);
});
