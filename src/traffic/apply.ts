/**
 * The one place traffic changes: deploy, promote and rollback set traffic (and annotations) through
 * here. A traffic-only update sends the service's name, etag, traffic and annotations under an
 * update_mask of exactly those fields, never the template: echoing `template.revision` back has
 * met 409 "Revision named … with different configuration already exists"
 * (googleapis/google-cloud-python#11870, #14259; hashicorp/terraform-provider-google#9438).
 */
import { isDeepStrictEqual } from 'node:util';
import type { GoogleClients } from '../cloudrun/clients';
import { describeService, listRevisionFacts, readService, type ServiceTraffic } from '../cloudrun/service-state';
import { ConcurrentChangeError, settledService, updateService, type Service } from '../cloudrun/services';
import { describeApiError } from '../cloudrun/errors';
import { serviceName, type ServiceTarget } from '../cloudrun/target';
import type { Reporter } from '../report';
import { pinLatest, sameServing, servesAsWanted } from './plan';
import { servableTraffic } from './ready-check';
import { fromTargets, toTargets, type TrafficEntry } from '../cloudrun/traffic-entry';
import { formatSnapshot } from './snapshot';

/**
 * Fails unless `after` serves `wanted`: the operation ended, but what serves decides. A failed
 * terminal condition alone does not: a failed latest revision keeps it failed while pinned traffic
 * serves as asked.
 */
function checkServing(target: ServiceTarget, after: ServiceTraffic, wanted: readonly TrafficEntry[]): ServiceTraffic {
  if (sameServing(after.served, pinLatest(wanted, after.latestReady))) return after;
  const why = after.rolloutFailure ? `: ${after.rolloutFailure}` : '';
  throw new Error(
    `the traffic change of ${target.service} did not take effect: what serves is ${formatSnapshot(after.served)}, not ${formatSnapshot(wanted)}${why}`,
  );
}

/** What a traffic change came to; `operationError` when its operation failed although the change serves. */
export type TrafficChange = ServiceTraffic & { readonly operationError?: string };

/**
 * After an operation failed: the change may have applied anyway (an operation reported failed after
 * its change took effect: Lore-Hex/quill-router#782). The settled service decides, never the
 * operation alone, and nothing is sent again: it serves `traffic` (and carries `annotations`), or
 * the operation's error stands.
 */
async function appliedDespite(
  clients: GoogleClients,
  target: ServiceTarget,
  error: unknown,
  traffic: readonly TrafficEntry[],
  annotations: Record<string, string> | undefined,
): Promise<TrafficChange> {
  if (error instanceof ConcurrentChangeError) throw error;
  const now = describeService(await settledService(clients, target));
  const applied =
    servesAsWanted(now, traffic) && (!annotations || isDeepStrictEqual({ ...now.service.annotations }, annotations));
  if (!applied) throw error;
  return { ...now, operationError: describeApiError(error).split('\n')[0] };
}

/**
 * Sets the traffic (and annotations, when given) in one traffic-only update, checked against the
 * etag of `current.service`, waits for the operation and checks what serves afterwards. A failed
 * operation whose change serves all the same counts as done (`operationError` says so).
 */
export async function setTraffic(
  clients: GoogleClients,
  target: ServiceTarget,
  current: ServiceTraffic,
  traffic: readonly TrafficEntry[],
  annotations?: Record<string, string>,
): Promise<TrafficChange> {
  const service: Service = {
    name: serviceName(target),
    etag: current.service.etag,
    traffic: toTargets(traffic),
    ...(annotations ? { annotations } : {}),
  };
  const operation = await updateService(clients, target, service, {
    updateMask: annotations ? ['traffic', 'annotations'] : ['traffic'],
    applied: (now) =>
      isDeepStrictEqual(fromTargets(now.traffic), [...traffic]) &&
      (!annotations || isDeepStrictEqual({ ...now.annotations }, annotations)),
  });
  const done = await operation.done().then(
    (service) => ({ service }),
    (error: unknown) => ({ error }),
  );
  if ('error' in done) return appliedDespite(clients, target, done.error, traffic, annotations);
  return checkServing(target, describeService(done.service), traffic);
}

/** Records annotations alone (no traffic change, no new revision). */
export async function setAnnotations(
  clients: GoogleClients,
  target: ServiceTarget,
  current: ServiceTraffic,
  annotations: Record<string, string>,
): Promise<ServiceTraffic> {
  const service: Service = { name: serviceName(target), etag: current.service.etag, annotations };
  const operation = await updateService(clients, target, service, {
    updateMask: ['annotations'],
    applied: (now) => isDeepStrictEqual({ ...now.annotations }, annotations),
  });
  return describeService(await operation.done());
}

const ATTEMPTS = 3;

/**
 * Asked on every read before a restore sends anything: throws to stop it (someone else changed the
 * traffic since Runway set it, override.ts) and returns the annotations to send with the traffic.
 */
export type RestoreGuard = (current: ServiceTraffic, wanted: readonly TrafficEntry[]) => Record<string, string>;

/**
 * Puts `traffic` back on a fresh read of the service (its etag may have moved since the last
 * change), re-reading when another change slips in between. Nothing is sent only when the traffic
 * both is the spec and serves, so a restore after a failed rollout really moves traffic. Tags on
 * revisions that can no longer serve are dropped with a warning; a serving one refuses. With a
 * `guard`, every read is checked by it first, so a change slipped in by someone else is never
 * overwritten by the retry.
 */
export async function restoreTraffic(
  clients: GoogleClients,
  target: ServiceTarget,
  traffic: readonly TrafficEntry[],
  reporter: Reporter,
  guard?: RestoreGuard,
): Promise<{ before: TrafficEntry[]; after: ServiceTraffic }> {
  const wanted = servableTraffic(traffic, await listRevisionFacts(clients, target), 'cannot restore the traffic', (w) =>
    reporter.warning(w),
  );
  for (let attempt = 1; ; attempt++) {
    const current = await readService(clients, target);
    if (servesAsWanted(current, wanted)) {
      reporter.info(`Traffic of ${target.service} already is the traffic to restore, and it serves`);
      return { before: current.served, after: current };
    }
    const annotations = guard?.(current, wanted);
    try {
      const after = await setTraffic(clients, target, current, wanted, annotations);
      if (after.operationError)
        reporter.warning(
          `The restore's operation reported an error (${after.operationError}), but ${target.service} serves the restored traffic: judged from what serves.`,
        );
      reporter.info(`Restored the traffic of ${target.service}: ${formatSnapshot(after.traffic)}`);
      return { before: current.served, after };
    } catch (e) {
      if (!(e instanceof ConcurrentChangeError) || attempt >= ATTEMPTS) throw e;
      reporter.warning(
        `The service changed while restoring its traffic; reading it again (attempt ${attempt + 1} of ${ATTEMPTS})`,
      );
    }
  }
}
