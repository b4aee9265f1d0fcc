import { apportion, checkSteps, pinLatest, restorePlan, sharesByRevision, stepPlan, trafficAt } from './plan';
import type { TrafficEntry } from './snapshot';

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

describe('stepPlan', () => {
  it('makes one pinned state per step, every state keeping every tag', () => {
    const current = pinLatest([latest(100), rev('c', 0, 'sha-c'), rev('a', 0, 'stable')], 'a');
    const plan = stepPlan(current, 'c', [10, 50, 100]);
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

describe('checkSteps', () => {
  it.each([
    [[100], undefined],
    [[10, 50, 100], undefined],
    [[50, 10, 100], /must increase/],
    [[10, 10, 100], /must increase/],
    [[10, 50], /must end at 100/],
  ])('%j', (steps, problem) => {
    const result = checkSteps(steps);
    if (problem) expect(result).toMatch(problem);
    else expect(result).toBeUndefined();
  });
});
