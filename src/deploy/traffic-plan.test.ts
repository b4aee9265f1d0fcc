import type { TrafficEntry } from '../traffic/snapshot';
import { pinLatest, planTraffic } from './traffic-plan';

const rev = (revision: string, percent: number, tag?: string): TrafficEntry => ({
  type: 'REVISION',
  revision,
  percent,
  ...(tag ? { tag } : {}),
});
const latest = (percent: number, tag?: string): TrafficEntry => ({ type: 'LATEST', percent, ...(tag ? { tag } : {}) });

describe('planTraffic', () => {
  it.each([
    {
      name: 'first deploy takes all traffic',
      current: [],
      noTraffic: true,
      expected: [rev('web-new', 100, 'sha-b')],
    },
    {
      name: 'no-traffic keeps percents and other tags, adds the new tag at 0',
      current: [rev('web-a', 100, 'sha-a')],
      noTraffic: true,
      expected: [rev('web-a', 100, 'sha-a'), rev('web-new', 0, 'sha-b')],
    },
    {
      name: 'no-traffic pins LATEST to the revision it serves today',
      current: [latest(100)],
      noTraffic: true,
      expected: [rev('web-a', 100), rev('web-new', 0, 'sha-b')],
    },
    {
      name: 'a split with several tags keeps every one of them',
      current: [rev('web-a', 90, 'stable'), rev('web-c', 10, 'canary'), rev('web-d', 0, 'sha-d')],
      noTraffic: true,
      expected: [rev('web-a', 90, 'stable'), rev('web-c', 10, 'canary'), rev('web-d', 0, 'sha-d'), rev('web-new', 0, 'sha-b')],
    },
    {
      name: 'the new tag leaves an older revision that serves nothing',
      current: [rev('web-a', 100, 'stable'), rev('web-old', 0, 'sha-b')],
      noTraffic: true,
      expected: [rev('web-a', 100, 'stable'), rev('web-new', 0, 'sha-b')],
    },
    {
      name: 'the new tag leaves an older revision that serves traffic, which keeps its percent',
      current: [rev('web-old', 100, 'sha-b')],
      noTraffic: true,
      expected: [rev('web-old', 100), rev('web-new', 0, 'sha-b')],
    },
    {
      name: 'a tagged LATEST entry is pinned so its tag keeps pointing at the same revision',
      current: [rev('web-a', 100), latest(0, 'head')],
      noTraffic: true,
      expected: [rev('web-a', 100), rev('web-a', 0, 'head'), rev('web-new', 0, 'sha-b')],
    },
    {
      name: 'with traffic the new revision takes 100 % and the others keep their tags at 0',
      current: [rev('web-a', 80, 'stable'), rev('web-c', 20)],
      noTraffic: false,
      expected: [rev('web-a', 0, 'stable'), rev('web-new', 100, 'sha-b')],
    },
  ])('$name', ({ current, noTraffic, expected }) => {
    const plan = planTraffic({ current, latestReady: 'web-a', revision: 'web-new', tag: 'sha-b', noTraffic });
    expect(plan).toEqual(expected);
    expect(plan.reduce((sum, e) => sum + e.percent, 0)).toBe(100);
    expect(plan.filter((e) => e.tag === 'sha-b')).toEqual([rev('web-new', noTraffic && current.length > 0 ? 0 : 100, 'sha-b')]);
  });
});

describe('pinLatest', () => {
  it.each([
    { entries: [latest(100)], latestReady: 'web-a', expected: [rev('web-a', 100)] },
    {
      entries: [rev('web-a', 90), latest(10, 'head')],
      latestReady: 'web-b',
      expected: [rev('web-a', 90), rev('web-b', 10, 'head')],
    },
    { entries: [latest(100)], latestReady: undefined, expected: [latest(100)] },
  ])('$entries with latest ready $latestReady', ({ entries, latestReady, expected }) => {
    expect(pinLatest(entries, latestReady)).toEqual(expected);
  });
});
