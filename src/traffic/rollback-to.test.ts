import type { ReleaseRecord } from './history';
import type { RevisionFacts } from '../cloudrun/service-state';
import { Refused } from './ready-check';
import { allTrafficTo, choosePrevious, missingTags, parseRollbackRequest, withoutTags } from './rollback-to';
import type { TrafficEntry } from '../cloudrun/traffic-entry';

const revs = (...specs: [string, boolean][]): RevisionFacts[] =>
  specs.map(([name, ready], i) => ({ name, ready, created: i * 1000 }));
const promoted = (revision: string): ReleaseRecord => ({ action: 'promote', revision, time: `t-${revision}` });
const rolledBack = (revision: string, from: string): ReleaseRecord => ({
  action: 'rollback',
  revision,
  from,
  time: `t-rb-${from}`,
});

describe('parseRollbackRequest', () => {
  it.each([
    ['previous', { kind: 'previous' }],
    [' web-00002-abc ', { kind: 'revision', revision: 'web-00002-abc' }],
    [
      '[{"type":"REVISION","revision":"a","percent":100}]',
      { kind: 'traffic', traffic: [{ type: 'REVISION', revision: 'a', percent: 100 }] },
    ],
  ])('%s', (to, expected) => expect(parseRollbackRequest(to)).toEqual(expected));

  it.each([
    ['Web_1', /expected previous, a revision name/],
    ['[{"type":"LATEST","percent":50}]', /add up to 50/],
  ])('rejects %s', (to, message) => expect(() => parseRollbackRequest(to)).toThrow(message));
});

describe('choosePrevious', () => {
  const all = revs(['a', true], ['b', true], ['c', true], ['d', false]);
  it.each([
    [
      'the newest release before the current one',
      [promoted('c'), promoted('b'), promoted('a')],
      'c',
      all,
      [],
      'b',
      /last good release/,
    ],
    [
      'skips a revision already rolled back from',
      [rolledBack('b', 'c'), promoted('c'), promoted('b'), promoted('a')],
      'b',
      all,
      [],
      'a',
      /last good/,
    ],
    ['skips a release that is not Ready any more', [promoted('c'), promoted('d'), promoted('a')], 'c', all, [], 'a', /last good/],
    ['without history: a Ready revision that also serves', [], 'c', all, ['c', 'a'], 'a', /also serves traffic/],
    ['without history: the newest Ready revision older than the current one', [], 'c', all, ['c'], 'b', /created before c/],
    [
      'history naming deleted revisions falls back, naming them',
      [promoted('gone')],
      'c',
      all,
      ['c'],
      'b',
      /no release history; .*passed over gone: no longer exist \(deleted: Cloud Run keeps at most 1,000 revisions/,
    ],
    [
      'a deleted newer release is passed over for an older one',
      [promoted('gone'), promoted('a')],
      'c',
      all,
      ['c'],
      'a',
      /last good release before c .*passed over gone/,
    ],
  ])('%s', (_name, history, current, revisions, serving, expected, why) => {
    const choice = choosePrevious(history, current, revisions, new Set(serving));
    expect(choice.revision).toBe(expected);
    expect(choice.why).toMatch(why);
  });

  it('refuses when nothing older is Ready', () => {
    expect(() => choosePrevious([], 'a', revs(['a', true], ['b', false]), new Set(['a']))).toThrow(Refused);
  });
});

describe('allTrafficTo', () => {
  const current: TrafficEntry[] = [
    { type: 'REVISION', revision: 'c', percent: 50 },
    { type: 'REVISION', revision: 'c', percent: 0, tag: 'sha-c' },
    { type: 'REVISION', revision: 'a', percent: 50, tag: 'stable' },
  ];
  it('puts 100 % on the target and keeps every tag on its revision', () => {
    expect(allTrafficTo(current, 'a')).toEqual([
      { type: 'REVISION', revision: 'a', percent: 100 },
      { type: 'REVISION', revision: 'c', percent: 0, tag: 'sha-c' },
      { type: 'REVISION', revision: 'a', percent: 0, tag: 'stable' },
    ]);
  });
  it('drops the tags asked for', () => {
    expect(allTrafficTo(current, 'a', ['sha-c']).map((e) => e.tag)).toEqual([undefined, 'stable']);
    expect(missingTags(current, ['sha-c', 'nope'])).toEqual(['nope']);
  });
});

describe('withoutTags', () => {
  it.each([
    [[{ type: 'REVISION', revision: 'a', percent: 100, tag: 't' }], ['t'], [{ type: 'REVISION', revision: 'a', percent: 100 }]],
    [
      [
        { type: 'REVISION', revision: 'a', percent: 0, tag: 't' },
        { type: 'LATEST', percent: 100 },
      ],
      ['t'],
      [{ type: 'LATEST', percent: 100 }],
    ],
    [
      [{ type: 'REVISION', revision: 'a', percent: 100, tag: 'u' }],
      ['t'],
      [{ type: 'REVISION', revision: 'a', percent: 100, tag: 'u' }],
    ],
  ] as [TrafficEntry[], string[], TrafficEntry[]][])('%j without %j', (entries, tags, expected) => {
    expect(withoutTags(entries, tags)).toEqual(expected);
  });
});
