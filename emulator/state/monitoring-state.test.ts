import { METRICS_DELAY_MS, RequestMetrics } from './monitoring-state';

const request = (at: string) => ({
  project: 'p',
  location: 'l',
  service: 's',
  revision: 's-1',
  code: 200,
  latencyMs: 1,
  at: new Date(at),
});

describe('RequestMetrics.visible', () => {
  it("defaults to Cloud Run's delay: a minute's data shows 180 s after the minute closes", () => {
    const metrics = new RequestMetrics();
    expect(metrics.delayMs).toBe(METRICS_DELAY_MS);
    metrics.record(request('2026-01-01T10:00:05Z'));
    metrics.record(request('2026-01-01T10:00:59Z'));
    metrics.record(request('2026-01-01T10:01:00Z'));
    // 10:00 closes at 10:01:00; visible from 10:04:00.
    expect(metrics.visible(Date.parse('2026-01-01T10:03:59.999Z'))).toHaveLength(0);
    expect(metrics.visible(Date.parse('2026-01-01T10:04:00Z'))).toHaveLength(2);
    expect(metrics.visible(Date.parse('2026-01-01T10:05:00Z'))).toHaveLength(3);
  });

  it('with delay 0 shows every request at once, the open minute included', () => {
    const metrics = new RequestMetrics({ delayMs: 0 });
    metrics.record(request('2026-01-01T10:00:05Z'));
    expect(metrics.visible(Date.parse('2026-01-01T10:00:06Z'))).toHaveLength(1);
  });
});
