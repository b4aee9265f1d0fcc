/**
 * The step state that lets promote's `post` step put traffic back after a cancelled or killed
 * promotion, with the same traffic a failed step restores (`restoreTraffic` in apply.ts does both).
 */
import type { ServiceTarget } from '../cloudrun/target';
import { restoreFailed } from '../regional';
import type { StepState } from '../report';
import { Refused } from './ready-check';
import type { TrafficEntry } from '../cloudrun/traffic-entry';
import { formatSnapshot, parseSnapshot } from './snapshot';

const RESTORE = 'restore';
const PHASE = 'phase';

/** What a post step needs to undo a promotion that did not finish. */
export interface PendingRestore {
  readonly target: ServiceTarget;
  readonly candidate: string;
  readonly traffic: TrafficEntry[];
}

/** Saved before the first traffic change (one per region): from here on a killed step leaves work for `post`. */
export function saveRestore(state: StepState, pending: readonly PendingRestore[]): void {
  state.save(RESTORE, JSON.stringify(pending.map((p) => ({ ...p, traffic: formatSnapshot(p.traffic) }))));
  state.save(PHASE, 'shifting');
}

/**
 * Marks the promotion finished (promoted, restored, left on purpose, or left to the person who
 * changed its traffic): post has nothing to do.
 */
export function markFinished(state: StepState, how: 'promoted' | 'restored' | 'left' | 'overridden'): void {
  state.save(PHASE, how);
}

/** The restores a post step must do, or undefined when the main step finished (or never changed traffic). */
export function pendingRestore(state: StepState): PendingRestore[] | undefined {
  if (state.get(PHASE) !== 'shifting') return undefined;
  const saved = JSON.parse(state.get(RESTORE)) as { target: ServiceTarget; candidate: string; traffic: string }[];
  return saved.map((s) => ({ target: s.target, candidate: s.candidate, traffic: parseSnapshot(s.traffic) }));
}

/** The error of a restore that failed: a refusal as it is (it says why), any other as restoreFailed words it. */
export const restoreError = (service: string, e: unknown): Error => (e instanceof Refused ? e : restoreFailed(service, e));
