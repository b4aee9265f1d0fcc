import type { RevisionFacts } from '../cloudrun/service-state';
import { checkReady, dropUnservableTags } from './ready-check';
import type { TrafficEntry } from '../cloudrun/traffic-entry';

describe('checkReady', () => {
  const facts: RevisionFacts[] = [
    { name: 'a', ready: true, created: 1 },
    { name: 'b', ready: false, created: 2, notReadyReason: 'HealthCheckContainerError' },
  ];
  it.each([
    [[{ type: 'REVISION', revision: 'a', percent: 100 }], undefined],
    [
      [
        { type: 'REVISION', revision: 'a', percent: 100 },
        { type: 'REVISION', revision: 'b', percent: 0, tag: 't' },
      ],
      undefined,
    ],
    [
      [{ type: 'REVISION', revision: 'b', percent: 100 }],
      /^refusing to roll back, nothing was changed: b is not Ready \(HealthCheckContainerError\)$/,
    ],
    [
      [
        { type: 'REVISION', revision: 'x', percent: 50 },
        { type: 'REVISION', revision: 'b', percent: 50 },
      ],
      /x does not exist \(deleted: .*\); b is not Ready/,
    ],
  ] as [TrafficEntry[], RegExp | undefined][])('%j', (traffic, problem) => {
    if (problem) expect(() => checkReady(traffic, facts, 'refusing to roll back')).toThrow(problem);
    else expect(() => checkReady(traffic, facts, 'refusing to roll back')).not.toThrow();
  });
});

describe('dropUnservableTags', () => {
  const facts: RevisionFacts[] = [
    { name: 'a', ready: true, created: 1 },
    { name: 'b', ready: false, created: 2, notReadyReason: 'HealthCheckContainerError' },
  ];
  const rev = (revision: string, percent: number, tag?: string): TrafficEntry => ({
    type: 'REVISION',
    revision,
    percent,
    ...(tag ? { tag } : {}),
  });
  it.each([
    ['keeps tags on Ready revisions', [rev('a', 100), rev('a', 0, 'one')], [rev('a', 100), rev('a', 0, 'one')], []],
    [
      'drops a tag on a failed revision',
      [rev('a', 100), rev('b', 0, 'two')],
      [rev('a', 100)],
      [/tag two: b is not Ready \(HealthCheckContainerError\)/],
    ],
    [
      'drops a tag on a deleted revision',
      [rev('a', 100), rev('gone', 0, 'old')],
      [rev('a', 100)],
      [/tag old: gone does not exist/],
    ],
    ['leaves serving entries to checkReady', [rev('b', 100)], [rev('b', 100)], []],
  ] as [string, TrafficEntry[], TrafficEntry[], RegExp[]][])('%s', (_name, traffic, kept, warnings) => {
    const result = dropUnservableTags(traffic, facts);
    expect(result.traffic).toEqual(kept);
    expect(result.warnings).toHaveLength(warnings.length);
    warnings.forEach((w, i) => expect(result.warnings[i]).toMatch(w));
  });
});
