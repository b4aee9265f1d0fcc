/**
 * Cloud Monitoring request counts of one revision over a time window, by response class
 * (`run.googleapis.com/request_count`, label `response_code_class`). Cloud Run writes them per
 * minute with a delay of a few minutes, so a short step may see few or none: the verdict then says
 * "not judged" rather than failing a healthy release.
 */
import type { GoogleClients } from '../cloudrun/clients';
import { withRetry } from '../cloudrun/retry';
import type { ServiceTarget } from '../cloudrun/target';

const timestamp = (d: Date) => ({ seconds: Math.floor(d.getTime() / 1000), nanos: (d.getTime() % 1000) * 1e6 });

export function requestCountFilter(service: string, revision: string): string {
  return [
    'metric.type="run.googleapis.com/request_count"',
    `resource.labels.service_name="${service}"`,
    `resource.labels.revision_name="${revision}"`,
  ].join(' AND ');
}

/** Requests per response class (e.g. {"2xx": 95, "5xx": 5}) served by `revision` between `start` and `end`. */
export async function requestCounts(
  clients: GoogleClients,
  target: ServiceTarget,
  revision: string,
  start: Date,
  end: Date,
): Promise<Record<string, number>> {
  const [series] = await withRetry(() =>
    clients.metrics.listTimeSeries({
      name: `projects/${target.project}`,
      filter: requestCountFilter(target.service, revision),
      interval: { startTime: timestamp(start), endTime: timestamp(end) },
      view: 'FULL',
    }),
  );
  const byClass: Record<string, number> = {};
  for (const s of series) {
    const cls = s.metric?.labels?.response_code_class ?? 'unknown';
    for (const p of s.points ?? []) byClass[cls] = (byClass[cls] ?? 0) + Number(p.value?.int64Value ?? p.value?.doubleValue ?? 0);
  }
  return byClass;
}
