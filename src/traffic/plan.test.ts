import {
  apportion,
  checkTrafficSteps,
  deployTraffic,
  pinLatest,
  restorePlan,
  sameServing,
  servesAsWanted,
  sharesByRevision,
  trafficStepPlan,
  trafficAt,
  withoutStaleTags,
} from './plan';
import type { TrafficEntry } from '../cloudrun/traffic-entry';

const rev = (revision: string, percent: number, tag?: string): TrafficEntry =>
  tag ? { type: 'REVISION', revision, percent, tag } : { type: 'REVISION', revision, percent };
const latest = (percent: number, tag?: string): TrafficEntry =>
  tag ? { type: 'LATEST', percent, tag } : { type: 'LATEST', percent };

describe('apportion', () => {
  it.each([
    [[100], 90, [90]],
    [[90, 10], 50, [45, 5]],
    [[50, 50], 25, [13, 12]],
    [[1, 1, 1], 100, [34, 33, 33]],
    [[70, 20, 10], 0, [0, 0, 0]],
    [[0, 0], 40, [0, 0]],
    [[2, 1], 1, [1, 0]],
  ])('%j over %i → %j', (weights, total, expected) => {
    const shares = apportion(weights, total);
    expect(shares).toEqual(expected);
    if (weights.some((w) => w > 0)) expect(shares.reduce((s, n) => s + n, 0)).toBe(total);
  });
});

describe('trafficAt', () => {
  it.each([
    ['one stable revision', [rev('a', 100)], 10, [rev('c', 10), rev('a', 90)]],
    [
      'puts the traffic on the entry with the candidate tag',
      [rev('a', 100), rev('c', 0, 'sha-1')],
      50,
      [rev('c', 50, 'sha-1'), rev('a', 50)],
    ],
    [
      'keeps further candidate tags at 0',
      [rev('a', 100), rev('c', 0, 't1'), rev('c', 0, 't2')],
      10,
      [rev('c', 10, 't1'), rev('c', 0, 't2'), rev('a', 90)],
    ],
    ['a candidate already serving as planned keeps exactly its traffic', [rev('c', 100, 'rel-1')], 100, [rev('c', 100, 'rel-1')]],
    [
      'a manual split keeps its proportions',
      [rev('a', 60, 'stable'), rev('b', 40, 'old')],
      50,
      [rev('c', 50), rev('a', 30, 'stable'), rev('b', 20, 'old')],
    ],
    [
      '100 % leaves tagged stable entries at 0 and drops untagged ones',
      [rev('a', 70, 'stable'), rev('b', 30)],
      100,
      [rev('c', 100), rev('a', 0, 'stable')],
    ],
    ['tag-only entries stay', [rev('a', 100), rev('z', 0, 'old')], 10, [rev('c', 10), rev('a', 90), rev('z', 0, 'old')]],
    ['traffic already on the candidate is replaced, not added', [rev('a', 90), rev('c', 10)], 50, [rev('c', 50), rev('a', 50)]],
  ])('%s', (_name, current, percent, expected) => {
    const result = trafficAt(current, 'c', percent);
    expect(result).toEqual(expected);
    expect(result.reduce((s, e) => s + e.percent, 0)).toBe(100);
  });

  it('refuses a partial step when only the candidate serves', () => {
    expect(() => trafficAt([rev('c', 100)], 'c', 10)).toThrow(/no other revision serves traffic/);
  });
});

describe('trafficStepPlan', () => {
  it('makes one pinned state per step, every state keeping every tag', () => {
    const current = pinLatest([latest(100), rev('c', 0, 'sha-c'), rev('a', 0, 'stable')], 'a');
    const plan = trafficStepPlan(current, 'c', [10, 50, 100]);
    expect(plan.map((s) => Object.fromEntries(sharesByRevision(s)))).toEqual([
      { c: 10, a: 90 },
      { c: 50, a: 50 },
      { c: 100, a: 0 },
    ]);
    for (const state of plan) {
      expect(state.some((e) => e.type === 'LATEST')).toBe(false);
      expect(state.filter((e) => e.tag).map((e) => e.tag)).toEqual(['sha-c', 'stable']);
    }
  });
});

describe('restorePlan', () => {
  const manual = [rev('a', 60, 'stable'), rev('b', 40, 'old'), rev('z', 0, 'x')];
  it.each([
    ['pinned traffic comes back exactly', manual, 'c', manual],
    ['LATEST stays LATEST when it does not mean the candidate', [latest(100)], 'a', [latest(100)]],
    ['LATEST that now means the candidate is pinned to the stable revision', [latest(100, 't')], 'c', [rev('a', 100, 't')]],
  ])('%s', (_name, previous, latestNow, expected) => {
    expect(restorePlan(previous, latestNow, 'c', 'a')).toEqual(expected);
  });

  it('refuses to guess when LATEST means the candidate and no stable revision is known', () => {
    expect(() => restorePlan([latest(100)], 'c', 'c', undefined)).toThrow(/no other revision/);
  });
});

describe('checkTrafficSteps', () => {
  it.each([
    [[100], undefined],
    [[10, 50, 100], undefined],
    [[50, 10, 100], /must increase/],
    [[10, 10, 100], /must increase/],
    [[10, 50], /must end at 100/],
  ])('%j', (steps, problem) => {
    const result = checkTrafficSteps(steps);
    if (problem) expect(result).toMatch(problem);
    else expect(result).toBeUndefined();
  });
});

describe('deployTraffic', () => {
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
    // The deploy pins what serves first, so LATEST keeps the revision it resolves to today.
    const plan = deployTraffic({ current: pinLatest(current, 'web-a'), revision: 'web-new', tag: 'sha-b', noTraffic });
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

describe('sameServing', () => {
  it.each([
    { name: 'same entries', a: [rev('a', 100, 'one')], b: [rev('a', 100, 'one')], same: true },
    {
      name: 'order and split entries do not matter',
      a: [rev('a', 60), rev('a', 40, 't')],
      b: [rev('a', 100), rev('a', 0, 't')],
      same: true,
    },
    { name: 'a different share', a: [rev('a', 90), rev('b', 10)], b: [rev('a', 100)], same: false },
    {
      name: 'a tag on another revision',
      a: [rev('a', 100), rev('b', 0, 't')],
      b: [rev('a', 100), rev('a', 0, 't')],
      same: false,
    },
    { name: 'a missing tag', a: [rev('a', 100), rev('b', 0, 't')], b: [rev('a', 100)], same: false },
  ])('$name', ({ a, b, same }) => {
    expect(sameServing(a, b)).toBe(same);
    expect(sameServing(b, a)).toBe(same);
  });
});

describe('servesAsWanted', () => {
  const wanted = [rev('a', 100, 'one')];
  const settled = { traffic: wanted, served: wanted, reconciling: false };
  it.each([
    { name: 'spec and served match, settled', state: settled, result: true },
    { name: 'a rollout under way', state: { ...settled, reconciling: true }, result: false },
    {
      name: 'a failed rollout: the spec is as wanted, the old traffic still serves',
      state: { ...settled, served: [rev('b', 100)], rolloutFailure: 'Revision a is not ready' },
      result: false,
    },
    {
      name: 'a failed latest revision keeps the terminal condition failed while the spec serves',
      state: { ...settled, rolloutFailure: 'Revision c is not ready' },
      result: true,
    },
    { name: 'served differs from the spec', state: { ...settled, served: [rev('b', 50), rev('a', 50, 'one')] }, result: false },
    { name: 'the spec differs', state: { ...settled, traffic: [latest(100, 'one')] }, result: false },
    {
      name: 'LATEST wanted and served by the revision it resolves to',
      state: { ...settled, traffic: [latest(100)], served: [rev('a', 100)], latestReady: 'a' },
      wanted: [latest(100)],
      result: true,
    },
  ])('$name', ({ state, result, ...rest }) => {
    expect(servesAsWanted(state, 'wanted' in rest ? rest.wanted! : wanted)).toBe(result);
  });
});

describe('withoutStaleTags', () => {
  // r1 … r6 created in order; r7 deployed after the candidate r5 (another release under way).
  const revisions = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'].map((name, i) => ({ name, ready: true, created: i }));
  const promoted = [rev('r5', 100, 't5'), rev('r4', 0, 't4'), rev('r3', 0, 't3'), rev('r2', 0, 't2'), rev('r1', 0, 't1')];
  it.each([
    {
      name: 'keeps the newest keep releases (the candidate first)',
      traffic: promoted,
      releases: ['r5', 'r4', 'r3', 'r2', 'r1'],
      keep: 3,
      kept: ['t5', 't4', 't3'],
      removed: ['t2', 't1'],
    },
    {
      name: 'a failed candidate (never released) loses its tag',
      traffic: [rev('r5', 100, 't5'), rev('r4', 0, 't4'), rev('r3', 0, 't3')],
      releases: ['r5', 'r3'],
      keep: 3,
      kept: ['t5', 't3'],
      removed: ['t4'],
    },
    {
      name: 'what served before counts as a release when there is no history',
      traffic: [rev('r5', 100, 't5'), rev('r1', 0, 'one')],
      releases: ['r1'],
      keep: 3,
      kept: ['t5', 'one'],
      removed: [],
    },
    {
      name: 'a revision newer than the candidate keeps its tag',
      traffic: [rev('r5', 100, 't5'), rev('r7', 0, 't7'), rev('r1', 0, 't1')],
      releases: ['r5'],
      keep: 1,
      kept: ['t5', 't7'],
      removed: ['t1'],
    },
    {
      name: 'a stale tag on a serving entry goes, its percent stays',
      traffic: [rev('r5', 60, 't5'), rev('r1', 40, 't1')],
      releases: ['r5'],
      keep: 1,
      kept: ['t5'],
      removed: ['t1'],
    },
    {
      name: "a tag Runway did not make stays on an old release, whatever its age (a team's prod- tag)",
      traffic: [rev('r5', 100, 't5'), rev('r2', 0, 'prod-2026-11'), rev('r1', 0, 't1'), rev('r1', 0, 'prod-first')],
      releases: ['r5', 'r2', 'r1'],
      keep: 1,
      kept: ['t5', 'prod-2026-11', 'prod-first'],
      removed: ['t1'],
      foreign: ['prod-2026-11', 'prod-first'],
    },
    {
      name: 'a foreign tag on a serving entry stays with its percent',
      traffic: [rev('r5', 60, 't5'), rev('r1', 40, 'prod')],
      releases: ['r5'],
      keep: 1,
      kept: ['t5', 'prod'],
      removed: [],
      foreign: ['prod'],
    },
  ])('$name', ({ traffic, releases, keep, kept, removed, ...rest }) => {
    // Runway made the t<n> tags here; anything else is someone else's.
    const result = withoutStaleTags(traffic, 'r5', releases, revisions, keep, (tag) => /^t\d$/.test(tag));
    expect(result.traffic.flatMap((e) => (e.tag ? [e.tag] : []))).toEqual(kept);
    expect(result.removed).toEqual(removed);
    expect(result.foreign).toEqual('foreign' in rest ? rest.foreign : []);
    expect(result.traffic.reduce((sum, e) => sum + e.percent, 0)).toBe(100);
  });
});
