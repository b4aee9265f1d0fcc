import { minuteWindow, requestCountFilter } from './request-counts';

describe('minuteWindow', () => {
  it.each([
    ['2026-11-25T10:00:10Z', '2026-11-25T10:00:40Z', '2026-11-25T10:00:00.000Z', '2026-11-25T10:01:00.000Z'],
    ['2026-11-25T10:00:50Z', '2026-11-25T10:02:05Z', '2026-11-25T10:00:00.000Z', '2026-11-25T10:03:00.000Z'],
    ['2026-11-25T10:01:00Z', '2026-11-25T10:02:00Z', '2026-11-25T10:01:00.000Z', '2026-11-25T10:02:00.000Z'],
  ])('%s..%s covers %s..%s', (start, end, from, to) => {
    const w = minuteWindow(new Date(start), new Date(end));
    expect([new Date(w.startMs).toISOString(), new Date(w.endMs).toISOString()]).toEqual([from, to]);
  });
});

it('filters request_count by service and revision', () => {
  expect(requestCountFilter('web', 'web-00002-abc')).toBe(
    'metric.type="run.googleapis.com/request_count" AND resource.labels.service_name="web" AND resource.labels.revision_name="web-00002-abc"',
  );
});
