import type { StepState } from '../report';
import { markFinished, pendingRestore, saveRestore } from './restore';

/** Step state as the runner keeps it: the last value saved under a name wins. */
function memoryState(): StepState {
  const values = new Map<string, string>();
  return { save: (n, v) => void values.set(n, v), get: (n) => values.get(n) ?? '' };
}

const pending = {
  target: { project: 'acme-prod', region: 'europe-west1', service: 'web' },
  candidate: 'web-00003-new',
  traffic: [
    { type: 'REVISION' as const, revision: 'web-00002-old', percent: 100, tag: 'stable' },
    { type: 'REVISION' as const, revision: 'web-00003-new', percent: 0, tag: 'sha-abc' },
  ],
};

describe('restore state between main and post', () => {
  it('has nothing to restore when main never changed traffic', () => {
    expect(pendingRestore(memoryState())).toBeUndefined();
  });

  it('gives post the exact traffic while the promotion is under way', () => {
    const state = memoryState();
    saveRestore(state, [pending]);
    expect(pendingRestore(state)).toEqual([pending]);
  });

  it('keeps one restore per region', () => {
    const state = memoryState();
    const other = { ...pending, target: { ...pending.target, region: 'us-east1' }, traffic: [pending.traffic[0]] };
    saveRestore(state, [pending, other]);
    expect(pendingRestore(state)).toEqual([pending, other]);
  });

  it.each(['promoted', 'restored', 'left'] as const)('has nothing to restore once main %s', (how) => {
    const state = memoryState();
    saveRestore(state, [pending]);
    markFinished(state, how);
    expect(pendingRestore(state)).toBeUndefined();
  });
});
