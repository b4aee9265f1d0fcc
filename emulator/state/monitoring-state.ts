/** The requests the emulator's router served: the data behind the Monitoring API's Cloud Run request metrics. */
import type { RequestRecord } from '../rules/monitoring-series';
import type { RequestRecord as RoutedRequest, RequestRecorder } from '../runtime/router';

export interface RequestMetricsOptions {
  /**
   * How long after its minute closes a request becomes visible to ListTimeSeries. Cloud Run's request
   * metrics are "Sampled every 60 seconds. After sampling, data is not visible for up to 180 seconds."
   * (https://cloud.google.com/monitoring/api/metrics_gcp, run.googleapis.com/request_count), so the
   * default is METRICS_DELAY_MS. 0 shows every request at once, the current minute included.
   */
  readonly delayMs?: number;
  /** Oldest requests are forgotten beyond this many (memory stays bounded under load tests). */
  readonly maxRecords?: number;
}

/** The real delay: a minute's data appears up to 180 s after the minute closes. */
export const METRICS_DELAY_MS = 180_000;
const MINUTE = 60_000;

/** The requests the emulator's router served, as the source of the Cloud Run request metrics. */
export class RequestMetrics implements RequestRecorder {
  private records: RequestRecord[] = [];
  readonly delayMs: number;
  private readonly maxRecords: number;

  constructor(options: RequestMetricsOptions = {}) {
    this.delayMs = options.delayMs ?? METRICS_DELAY_MS;
    this.maxRecords = options.maxRecords ?? 1_000_000;
  }

  record(r: RoutedRequest): void {
    this.records.push({ ...r, at: r.at ?? new Date() });
    if (this.records.length > this.maxRecords) this.records = this.records.slice(-Math.floor(this.maxRecords * 0.9));
  }

  /** The recorded requests, oldest first as recorded. */
  all(): readonly RequestRecord[] {
    return this.records;
  }

  /** The requests ListTimeSeries shows at `nowMs`: those whose minute closed at least the delay ago. */
  visible(nowMs: number): readonly RequestRecord[] {
    if (this.delayMs === 0) return this.records;
    return this.records.filter((r) => Math.floor(r.at.getTime() / MINUTE) * MINUTE + MINUTE + this.delayMs <= nowMs);
  }
}
