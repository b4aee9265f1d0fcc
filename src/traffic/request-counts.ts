/**
 * Cloud Monitoring request counts of one revision over a time window, by response class
 * (`run.googleapis.com/request_count`, label `response_code_class`). Cloud Run writes one point
 * per minute, with a delay of up to a few minutes, so a short step may see few or none: the
 * verdict then says "not judged" rather than failing a healthy release.
 */
import type { GoogleClients } from '../cloudrun/clients';
import { NO_GAX_RETRY, withRetry } from '../cloudrun/retry';
import type { ServiceTarget } from '../cloudrun/target';

const timestamp = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

const MINUTE = 60_000;

/**
 * The whole minutes that overlap [start, end]: points are per-minute buckets named by their end
 * time, and the API returns those ending in (startTime, endTime], so a window inside one minute
 * would match no point at all.
 */
export function minuteWindow(start: Date, end: Date): { startMs: number; endMs: number } {
  return { startMs: Math.floor(start.getTime() / MINUTE) * MINUTE, endMs: Math.ceil(end.getTime() / MINUTE) * MINUTE };
}

export function requestCountFilter(service: string, revision: string): string {
  return [
    'metric.type="run.googleapis.com/request_count"',
    `resource.labels.service_name="${service}"`,
    `resource.labels.revision_name="${revision}"`,
  ].join(' AND ');
}

/** Requests per response class (e.g. {"2xx": 95, "5xx": 5}) served by `revision` in the minutes overlapping [start, end]. */
export async function requestCounts(
  clients: GoogleClients,
  target: ServiceTarget,
  revision: string,
  start: Date,
  end: Date,
): Promise<Record<string, number>> {
  const { startMs, endMs } = minuteWindow(start, end);
  // google-gax would retry UNAVAILABLE itself (ListTimeSeries in its config): one retry layer.
  const [series] = await withRetry(() =>
    clients.metrics.listTimeSeries(
      {
        name: `projects/${target.project}`,
        filter: requestCountFilter(target.service, revision),
        interval: { startTime: timestamp(startMs), endTime: timestamp(endMs) },
        view: 'FULL',
      },
      NO_GAX_RETRY,
    ),
  );
  const byClass: Record<string, number> = {};
  for (const s of series) {
    const cls = s.metric?.labels?.response_code_class ?? 'unknown';
    for (const p of s.points ?? []) byClass[cls] = (byClass[cls] ?? 0) + Number(p.value?.int64Value ?? p.value?.doubleValue ?? 0);
  }
  return byClass;
}
