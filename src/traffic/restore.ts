/**
 * Putting traffic back after a failed, cancelled or killed promotion, and the step state that lets a
 * `post` step do it when the main step could not.
 */
import type { GoogleClients } from '../cloudrun/clients';
import { ConcurrentChangeError } from '../cloudrun/services';
import type { ServiceTarget } from '../cloudrun/target';
import type { Reporter, StepState } from '../report';
import { readService, setTraffic, type ServiceTraffic } from './service-traffic';
import { formatSnapshot, parseSnapshot, type TrafficEntry } from './snapshot';

const RESTORE = 'restore';
const PHASE = 'phase';

/** What a post step needs to undo a promotion that did not finish. */
export interface PendingRestore {
  readonly target: ServiceTarget;
  readonly candidate: string;
  readonly traffic: TrafficEntry[];
}

/** Saved before the first traffic change: from here on a killed step leaves work for `post`. */
export function saveRestore(state: StepState, pending: PendingRestore): void {
  state.save(RESTORE, JSON.stringify({ ...pending, traffic: formatSnapshot(pending.traffic) }));
  state.save(PHASE, 'shifting');
}

/** Marks the promotion finished (promoted, restored, or left on purpose): post has nothing to do. */
export function markFinished(state: StepState, how: 'promoted' | 'restored' | 'left'): void {
  state.save(PHASE, how);
}

/** The restore a post step must do, or undefined when the main step finished (or never changed traffic). */
export function pendingRestore(state: StepState): PendingRestore | undefined {
  if (state.get(PHASE) !== 'shifting') return undefined;
  const saved = JSON.parse(state.get(RESTORE)) as { target: ServiceTarget; candidate: string; traffic: string };
  return { target: saved.target, candidate: saved.candidate, traffic: parseSnapshot(saved.traffic) };
}

const ATTEMPTS = 3;

/**
 * Sets `traffic` on a fresh read of the service (its etag may have moved since the promotion's
 * last change), re-reading when another change slips in between. Nothing is sent when the traffic
 * already is what must be restored.
 */
export async function restoreTraffic(
  clients: GoogleClients,
  target: ServiceTarget,
  traffic: readonly TrafficEntry[],
  reporter: Reporter,
): Promise<{ before: TrafficEntry[]; after: ServiceTraffic }> {
  for (let attempt = 1; ; attempt++) {
    const current = await readService(clients, target);
    if (formatSnapshot(current.traffic) === formatSnapshot(traffic)) {
      reporter.info(`Traffic of ${target.service} already is the traffic to restore`);
      return { before: current.traffic, after: current };
    }
    try {
      const after = await setTraffic(clients, target, current, traffic);
      reporter.info(`Restored the traffic of ${target.service}: ${formatSnapshot(after.traffic)}`);
      return { before: current.traffic, after };
    } catch (e) {
      if (!(e instanceof ConcurrentChangeError) || attempt >= ATTEMPTS) throw e;
      reporter.warning(
        `The service changed while restoring its traffic; reading it again (attempt ${attempt + 1} of ${ATTEMPTS})`,
      );
    }
  }
}
