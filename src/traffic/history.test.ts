import {
  decodeHistory,
  describeRelease,
  encodeHistory,
  HISTORY_ANNOTATION,
  LAST_GOOD_ANNOTATION,
  madeByRunway,
  recordRelease,
  type ReleaseRecord,
} from './history';

const release = (n: number, extra: Partial<ReleaseRecord> = {}): ReleaseRecord => ({
  action: 'promote',
  revision: `web-${String(n).padStart(5, '0')}-abc`,
  time: `2026-11-25T10:${String(n % 60).padStart(2, '0')}:00Z`,
  digest: `sha256:${'a'.repeat(64)}`,
  commit: 'f'.repeat(40),
  actor: 'octocat',
  ...extra,
});

describe('release history annotations', () => {
  it('round-trips, newest first', () => {
    const text = encodeHistory([release(1)], release(2));
    expect(decodeHistory(text)).toEqual([release(2), release(1)]);
  });

  it.each([
    [undefined, []],
    ['', []],
    ['not json', []],
    ['{"a":1}', []],
    [
      '[{"action":"promote","revision":"r","time":"t"},{"action":"deploy","revision":"x","time":"t"},null,3]',
      [{ action: 'promote', revision: 'r', time: 't' }],
    ],
  ])('reads %j without failing', (value, expected) => {
    expect(decodeHistory(value)).toEqual(expected);
  });

  it('keeps at most the newest 10 entries', () => {
    let history: ReleaseRecord[] = [];
    for (let n = 1; n <= 14; n++) history = decodeHistory(encodeHistory(history, release(n)));
    expect(history.map((r) => r.revision)).toEqual(Array.from({ length: 10 }, (_, i) => release(14 - i).revision));
  });

  it('drops the oldest entries to stay within the byte limit', () => {
    const long = (n: number) => release(n, { reason: 'x'.repeat(300) });
    const text = encodeHistory([long(3), long(2), long(1)], long(4), 10, 1200);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1200);
    expect(decodeHistory(text).map((r) => r.revision)).toEqual([long(4).revision, long(3).revision]);
    expect(() => encodeHistory([], release(1, { reason: 'y'.repeat(2000) }), 10, 1000)).toThrow(/larger than 1000 bytes/);
  });

  it('records a release beside other annotations and sets the last good revision', () => {
    const before = { 'team.example/owner': 'web', [HISTORY_ANNOTATION]: encodeHistory([], release(1)) };
    const after = recordRelease(before, release(2));
    expect(after['team.example/owner']).toBe('web');
    expect(after[LAST_GOOD_ANNOTATION]).toBe(release(2).revision);
    expect(decodeHistory(after[HISTORY_ANNOTATION]).map((r) => r.revision)).toEqual([release(2).revision, release(1).revision]);
    expect(Object.keys(after).every((k) => !/^(run|cloud)\.googleapis\.com\/|knative\.dev\//.test(k))).toBe(true);
  });

  it.each([
    [release(1), /promote web-00001-abc, .*commit ffffffffffff, by octocat/],
    [
      { action: 'rollback', revision: 'a', time: 't', from: 'b', reason: 'errors' } as ReleaseRecord,
      /rollback a, t, from b \(errors\)/,
    ],
  ])('describes %j', (r, text) => expect(describeRelease(r)).toMatch(text));
});

describe('madeByRunway', () => {
  const history = [
    release(3, { tags: ['canary'] }),
    release(2, { action: 'rollback', tags: undefined }),
    // An entry written by hand or by an older Runway: tags that are not strings count for nothing.
    { ...release(1), tags: [7, 'rel-1'] } as unknown as ReleaseRecord,
  ];
  it.each([
    ['canary', true, 'recorded with a release'],
    ['rel-1', true, 'recorded with an older release'],
    ['sha-0123456789ab', true, "Runway's own form"],
    ['prod-2026-11-20', false, "a team's gcloud tag"],
    ['stable', false, 'never recorded'],
    ['7', false, 'not a string in the record'],
  ])('%s → %s (%s)', (tag, made) => expect(madeByRunway(history)(tag)).toBe(made));

  it('owns only its own form without history', () => {
    expect(madeByRunway([])('sha-abcd')).toBe(true);
    expect(madeByRunway([])('canary')).toBe(false);
  });
});
