import { fromTargets, toTargets, type TrafficEntry } from '../cloudrun/traffic-entry';
import { formatSnapshot, mainRevision, parseSnapshot } from './snapshot';

const split: TrafficEntry[] = [
  { type: 'REVISION', revision: 'web-00002-abc', percent: 90, tag: 'stable' },
  { type: 'REVISION', revision: 'web-00003-def', percent: 10 },
  { type: 'REVISION', revision: 'web-00004-ghi', percent: 0, tag: 'canary' },
];

describe('traffic snapshots', () => {
  it('round-trips through the API shape and JSON without changing targets, percents or tags', () => {
    expect(fromTargets(toTargets(split))).toEqual(split);
    expect(parseSnapshot(formatSnapshot(split))).toEqual(split);
  });

  it.each([
    [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 },
      { type: 'LATEST', percent: 100 },
    ],
    [
      { type: 1, percent: 100, tag: 'x' },
      { type: 'LATEST', percent: 100, tag: 'x' },
    ],
    [
      { type: 2, revision: 'r', percent: 0 },
      { type: 'REVISION', revision: 'r', percent: 0 },
    ],
    [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'r', percent: 50, tag: '' },
      { type: 'REVISION', revision: 'r', percent: 50 },
    ],
  ])('reads %j', (target, entry) => {
    expect(fromTargets([target as never])).toEqual([entry]);
  });

  it.each([
    ['nope', /not valid JSON/],
    ['[]', /non-empty/],
    ['[{"type":"X","percent":100}]', /LATEST or REVISION/],
    ['[{"type":"REVISION","percent":100}]', /needs a revision/],
    ['[{"type":"LATEST","percent":50.5}]', /whole number/],
    ['[{"type":"LATEST","percent":60},{"type":"REVISION","revision":"r","percent":30}]', /add up to 90/],
  ])('rejects %s', (json, message) => {
    expect(() => parseSnapshot(json)).toThrow(message);
  });

  it.each([
    [split, undefined, 'web-00002-abc'],
    [[{ type: 'LATEST', percent: 100 }] as TrafficEntry[], 'web-00009-zzz', 'web-00009-zzz'],
    [[], undefined, undefined],
  ])('main revision of %j', (entries, latest, expected) => {
    expect(mainRevision(entries, latest)).toBe(expected);
  });
});
