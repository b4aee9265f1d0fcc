import { encodeHistory, HISTORY_ANNOTATION, type ReleaseRecord } from './history';
import {
  changedBySomeoneElse,
  checkStillOurs,
  describeOverride,
  describeTraffic,
  lastSetBy,
  PROMOTION_ANNOTATION,
  promotionGuard,
  promotionOf,
  TrafficOverridden,
  withoutPromotion,
  withPromotion,
} from './override';
import type { TrafficState } from './plan';
import type { TrafficEntry } from '../cloudrun/traffic-entry';

const rev = (revision: string, percent: number, tag?: string): TrafficEntry =>
  tag ? { type: 'REVISION', revision, percent, tag } : { type: 'REVISION', revision, percent };
const latest = (percent: number): TrafficEntry => ({ type: 'LATEST', percent });

// What a promotion of `new` set at its 10 % step.
const step = [rev('new', 10, 'two'), rev('old', 90), rev('old', 0, 'one')];
const settled = (traffic: TrafficEntry[], served = traffic): TrafficState => ({ traffic, served, reconciling: false });

describe('changedBySomeoneElse', () => {
  it.each<{ name: string; state: TrafficState; last?: TrafficEntry[]; changed: boolean }>([
    { name: 'the service serves exactly what Runway set', state: settled(step), changed: false },
    {
      name: 'same shares and tags in another order (gcloud rewrites the list)',
      state: settled([rev('old', 0, 'one'), rev('old', 90), rev('new', 10, 'two')]),
      changed: false,
    },
    {
      name: 'a rollback put everything on the old revision',
      state: settled([rev('old', 100, 'one'), rev('new', 0, 'two')]),
      changed: true,
    },
    {
      name: 'a hotfix revision took the traffic',
      state: settled([rev('fix', 100), ...step.map((e) => ({ ...e, percent: 0 }))]),
      changed: true,
    },
    {
      name: 'the split was moved by hand',
      state: settled([rev('new', 50, 'two'), rev('old', 50), rev('old', 0, 'one')]),
      changed: true,
    },
    { name: 'a tag was added (gcloud --set-tags)', state: settled([...step, rev('old', 0, 'prod-1')]), changed: true },
    {
      name: 'a tag was moved to another revision',
      state: settled([rev('new', 10), rev('old', 90, 'two'), rev('old', 0, 'one')]),
      changed: true,
    },
    {
      name: "someone else's change still rolling out (the spec is theirs, the old split serves)",
      state: { traffic: [rev('old', 100, 'one'), rev('new', 0, 'two')], served: step, reconciling: true },
      changed: true,
    },
    {
      name: "Runway's own change still rolling out (its spec, the previous split serves)",
      state: { traffic: step, served: [rev('old', 100, 'one'), rev('new', 0, 'two')], reconciling: true },
      changed: false,
    },
    {
      name: "Runway's own restore whose rollout failed (its spec, the step keeps serving)",
      state: { traffic: step, served: [rev('new', 50), rev('old', 50)], reconciling: false, rolloutFailure: 'x not ready' },
      changed: false,
    },
    {
      name: 'the spec is the same but something else serves, settled',
      state: settled(step, [rev('fix', 100)]),
      changed: true,
    },
    {
      name: 'LATEST set by Runway (the traffic when the promotion started) still serves the same revision',
      state: { ...settled([latest(100)], [rev('old', 100)]), latestReady: 'old' },
      last: [latest(100)],
      changed: false,
    },
    {
      name: 'LATEST resolving to a newer revision is no traffic change (the spec still says LATEST)',
      state: { ...settled([latest(100)], [rev('theirs', 100)]), latestReady: 'theirs' },
      last: [latest(100)],
      changed: false,
    },
  ])('$name → $changed', ({ state, last, changed }) => {
    expect(changedBySomeoneElse(state, last ?? step)).toBe(changed);
  });
});

describe('the promotion record', () => {
  const record = { revision: 'new', started: '2026-12-07T02:00:00.000Z', traffic: step };
  const annotations = { team: 'payments', [HISTORY_ANNOTATION]: '[]' };

  it('round-trips and leaves every other annotation as it is', () => {
    const written = withPromotion(annotations, record);
    expect(promotionOf(written, 'new')).toEqual(record);
    expect(withoutPromotion(written)).toEqual(annotations);
  });

  it.each([
    ['another revision', withPromotion({}, record), 'other'],
    ['no record', {}, 'new'],
    ['unreadable JSON', { [PROMOTION_ANNOTATION]: '{' }, 'new'],
    [
      'traffic that is not a traffic snapshot',
      { [PROMOTION_ANNOTATION]: JSON.stringify({ ...record, traffic: [{ a: 1 }] }) },
      'new',
    ],
    ['no start time', { [PROMOTION_ANNOTATION]: JSON.stringify({ revision: 'new', traffic: step }) }, 'new'],
  ])('%s reads as none', (_name, value, revision) => {
    expect(promotionOf(value, revision)).toBeUndefined();
  });

  it.each([
    ["this promotion's record wins over memory (its update's answer may have been lost)", record.started, step],
    ["an earlier promotion's record of the same revision does not count", '2026-12-06T00:00:00.000Z', [rev('old', 100)]],
  ])('%s', (_name, started, expected) => {
    expect(lastSetBy(withPromotion({}, record), 'new', { started, traffic: [rev('old', 100)] }).traffic).toEqual(expected);
  });
});

describe('describeTraffic', () => {
  it.each([
    [step, 'new 10 %, old 90 %; tags: two → new, one → old'],
    [[latest(100)], 'LATEST 100 %'],
    [[rev('a', 0, 't')], 'no traffic; tags: t → a'],
  ])('%j → %s', (entries, text) => expect(describeTraffic(entries)).toBe(text));
});

describe('describeOverride and checkStillOurs', () => {
  const since = '2026-12-07T02:00:00.000Z';
  const rolledBack = [rev('old', 100, 'one'), rev('new', 0, 'two')];
  const rollback = (time: string): ReleaseRecord => ({
    action: 'rollback',
    revision: 'old',
    from: 'new',
    time,
    actor: 'on-call',
    reason: 'errors',
  });
  const found = (history: ReleaseRecord[], served = rolledBack) => ({
    ...settled(rolledBack, served),
    annotations: (history.length ? { [HISTORY_ANNOTATION]: encodeHistory(history.slice(1), history[0]) } : {}) as Record<
      string,
      string
    >,
  });

  it.each([
    {
      name: 'a Runway rollback since the promotion started is named',
      state: found([rollback('2026-12-07T02:05:00Z')]),
      text: /^it serves old 100 %; tags: one → old, two → new, not new 10 %, old 90 %; tags: two → new, one → old as Runway last set it; the release history's last entry is a rollback: rollback old, 2026-12-07T02:05:00Z, by on-call, from new \(errors\)$/,
    },
    {
      name: 'an older rollback is not the cause and is not named',
      state: found([rollback('2026-12-01T00:00:00Z')]),
      text: /as Runway last set it$/,
    },
    {
      name: 'a spec that does not serve yet is named beside what serves',
      state: found([], [rev('new', 10), rev('old', 90)]),
      text: /^it serves new 10 %, old 90 % \(its spec: old 100 %; tags: one → old, two → new\), not/,
    },
  ])('$name', ({ state, text }) => {
    expect(describeOverride(state, step, since)).toMatch(text);
  });

  it('throws TrafficOverridden naming service, candidate and what serves, or passes', () => {
    const last = { started: since, traffic: step };
    expect(() => checkStillOurs('web', { ...settled(step), annotations: {} }, 'new', last)).not.toThrow();
    const state = found([rollback('2026-12-07T02:05:00Z')]);
    expect(() => checkStillOurs('web', state, 'new', last)).toThrow(TrafficOverridden);
    expect(() => checkStillOurs('web', state, 'new', last)).toThrow(
      /^the traffic of web was changed by someone else during the promotion of new: it serves old 100 %.*a rollback: rollback old.*a person's change wins/,
    );
  });

  it("a restore guard records the restore as the promotion's last traffic, or refuses", () => {
    const guard = promotionGuard('web', 'new', { started: since, traffic: step });
    const restore = [rev('old', 100, 'one'), rev('new', 0, 'two')];
    const annotations = guard({ ...settled(step), annotations: { team: 'payments' } }, restore);
    expect(annotations.team).toBe('payments');
    expect(promotionOf(annotations, 'new')).toEqual({ revision: 'new', started: since, traffic: restore });
    expect(() => guard({ ...found([]), traffic: [rev('fix', 100)], served: [rev('fix', 100)] }, restore)).toThrow(
      /it serves fix 100 %/,
    );
  });
});
