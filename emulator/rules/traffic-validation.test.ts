import { LATEST, REVISION, tagProblems, trafficProblems, type TrafficTargetSpec } from './traffic-validation';

const rev = (revision: string, percent: number, tag?: string): TrafficTargetSpec => ({ type: REVISION, revision, percent, tag });

describe('trafficProblems', () => {
  it.each<[string, TrafficTargetSpec[]]>([
    ['no targets (the API defaults to 100% LATEST)', []],
    ['100% LATEST', [{ type: LATEST, percent: 100 }]],
    ['a 50/50 split with a tag', [rev('web-00001-abc', 50), rev('web-00002-def', 50, 'canary')]],
    ['a no-traffic tagged revision', [{ type: LATEST, percent: 100 }, rev('web-00002-def', 0, 'sha-1234567')]],
    ['an unspecified type that names a revision', [{ revision: 'web-00001-abc', percent: 100 }]],
    // Cloud Run accepts it, then fails the operation (terraform-docs-samples#269).
    ['a revision that does not exist', [rev('web-00009-zzz', 100)]],
  ])('accepts %s', (_, targets) => {
    expect(trafficProblems('web', targets)).toEqual([]);
  });

  it.each<[string, TrafficTargetSpec[], RegExp]>([
    ['percents under 100', [rev('web-00001-abc', 50), rev('web-00002-def', 40)], /sum to 100, but they sum to 90/],
    ['percents over 100', [rev('web-00001-abc', 60), rev('web-00002-def', 60)], /sum to 120/],
    [
      'a duplicate tag',
      [rev('web-00001-abc', 50, 'a'), rev('web-00002-def', 50, 'a')],
      /traffic\[1\]: tag 'a' is already used by traffic\[0\]/,
    ],
    ['an uppercase tag', [rev('web-00001-abc', 100, 'Canary')], /tag 'Canary' is not a valid DNS label/],
    ['a tag ending in a hyphen', [rev('web-00001-abc', 100, 'canary-')], /not a valid DNS label/],
    [
      'a LATEST target naming a revision',
      [{ type: LATEST, revision: 'web-00001-abc', percent: 100 }],
      /must not name a revision/,
    ],
    ['a REVISION target without a revision', [{ type: REVISION, percent: 100 }], /must name a revision/],
    [
      'a negative percent',
      [rev('web-00001-abc', 110), rev('web-00002-def', -10)],
      /percent must be an integer from 0 to 100, got -10/,
    ],
    ['no type and no revision', [{ percent: 100 }], /type must be/],
  ])('rejects %s', (_, targets, message) => {
    expect(trafficProblems('web', targets).join('\n')).toMatch(message);
  });

  it('reports every problem at once', () => {
    expect(trafficProblems('web', [rev('nope', 10, 'X'), rev('web-00001-abc', 10, 'X')])).toHaveLength(4);
  });
});

describe('tagProblems (tag + service name <= 46 characters)', () => {
  it.each([
    ['a'.repeat(36), 'web-servic', 0],
    ['a'.repeat(37), 'web-servic', 1],
    ['sha-' + 'f'.repeat(40), 'web', 1],
    ['sha-1234567', 'web', 0],
  ])('tag %s on service %s has %i problem(s)', (tag, service, count) => {
    expect(tagProblems(tag, service)).toHaveLength(count);
  });

  it('names both lengths', () => {
    expect(tagProblems('t'.repeat(40), 'service')[0]).toMatch(/at most 46 characters, these have 40 \+ 7 = 47/);
  });
});
