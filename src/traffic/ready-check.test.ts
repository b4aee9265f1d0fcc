import { checkReady, type RevisionFacts } from './ready-check';
import type { TrafficEntry } from './snapshot';

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
      /x does not exist; b is not Ready/,
    ],
  ] as [TrafficEntry[], RegExp | undefined][])('%j', (traffic, problem) => {
    if (problem) expect(() => checkReady(traffic, facts, 'refusing to roll back')).toThrow(problem);
    else expect(() => checkReady(traffic, facts, 'refusing to roll back')).not.toThrow();
  });
});
