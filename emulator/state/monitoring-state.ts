/** The requests the emulator's router served: the data behind the Monitoring API's Cloud Run request metrics. */
import type { RequestRecord } from '../rules/monitoring-series';
import type { RequestRecord as RoutedRequest, RequestRecorder } from '../runtime/router';

export interface RequestMetricsOptions {
  /**
   * How long a request stays invisible to ListTimeSeries. The real service shows a minute's data
   * a few minutes (up to 180 s) after it closes; the emulator defaults to none.
   */
  readonly delayMs?: number;
  /** Oldest requests are forgotten beyond this many (memory stays bounded under load tests). */
  readonly maxRecords?: number;
}

/** The requests the emulator's router served, as the source of the Cloud Run request metrics. */
export class RequestMetrics implements RequestRecorder {
  private records: RequestRecord[] = [];
  readonly delayMs: number;
  private readonly maxRecords: number;

  constructor(options: RequestMetricsOptions = {}) {
    this.delayMs = options.delayMs ?? 0;
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
}
