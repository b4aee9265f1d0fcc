/**
 * Reading and changing a Cloud Run service. Changes carry the etag read with the service, so a
 * concurrent change makes this one fail (ABORTED) instead of being overwritten silently. A change
 * that met a transient error is sent again only when a re-read shows it was not applied
 * (`sendOnce`); the caller gets the long-running operation to wait on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import type { protos } from '@google-cloud/run';
import type { GoogleClients } from './clients';
import { errorCode, errorDetails } from './errors';
import { NO_GAX_RETRY, sendOnce, withRetry, type RetryOptions } from './retry';
import { locationName, serviceName, type ServiceTarget } from './target';

export type Service = protos.google.cloud.run.v2.IService;

/** The service was changed by someone else between our read and our write. */
export class ConcurrentChangeError extends Error {
  constructor(service: string, cause: unknown) {
    super(
      `The service ${service} changed since it was read (concurrent deploy?); nothing of this change was applied. Run the step again once the other change finished. API message: ${errorDetails(cause)}`,
    );
    this.name = 'ConcurrentChangeError';
  }
}

/** The service, or undefined when it does not exist yet. */
export async function getService(
  clients: GoogleClients,
  target: ServiceTarget,
  retry?: RetryOptions,
): Promise<Service | undefined> {
  try {
    const [service] = await withRetry(() => clients.services.getService({ name: serviceName(target) }, NO_GAX_RETRY), retry);
    return service;
  } catch (e) {
    if (errorCode(e) === status.NOT_FOUND) return undefined;
    throw e;
  }
}

/** A change the API accepted; `done()` resolves with the service once the operation finished. */
export interface ServiceOperation {
  readonly name: string;
  done(): Promise<Service>;
}

export interface UpdateOptions {
  /** Top-level fields the update changes, e.g. ['template', 'traffic']; omitted: the whole service. */
  readonly updateMask?: readonly string[];
  /** Create the service if it does not exist (then no etag can be checked). */
  readonly allowMissing?: boolean;
  /** Check permissions and values without changing anything. */
  readonly validateOnly?: boolean;
  readonly retry?: RetryOptions;
  /**
   * Whether a re-read service already carries this change, asked after a transient error (the call
   * may have been applied). Without it the change is sent again, which the etag makes safe: an
   * applied change then fails as a concurrent one instead of being made twice.
   */
  readonly applied?: (service: Service) => boolean;
}

const concurrent = (target: ServiceTarget, e: unknown): unknown =>
  errorCode(e) === status.ABORTED || errorCode(e) === status.ALREADY_EXISTS ? new ConcurrentChangeError(target.service, e) : e;

type Operation = { name?: string | null; done?: boolean | null; promise(): Promise<[Service, ...unknown[]]> };

/**
 * How long to wait before polling an operation (or a new revision's readiness) again, `elapsedMs`
 * after it started: 25 ms, 50 ms, then every 100 ms for the first 5 s (a validate-only change ends at
 * once, a traffic change or rollback within that, a container starts in about a second, and every
 * tenth of a second counts), then ×1.5 per poll up to 2 s so a long rollout stays far inside the
 * API's read quota.
 * The client's own wait backs off ×1.3 from the start and notices a 1-3 s change up to ~30 % late.
 */
export function pollDelayMs(elapsedMs: number, previousMs: number): number {
  if (elapsedMs < 5000) return Math.min(100, Math.max(25, previousMs * 2));
  return Math.min(2000, Math.round(Math.max(previousMs, 100) * 1.5));
}

/**
 * Waits for an operation by polling it (pollDelayMs). A transient error while polling does not
 * lose the change in flight: the poll is retried; the operation's own error is final.
 */
function operationOf(
  target: ServiceTarget,
  operation: Operation,
  lookUp: (name: string) => Promise<Operation>,
): ServiceOperation {
  const name = operation.name ?? '';
  return {
    name,
    async done() {
      let current = operation;
      const started = Date.now();
      let delay = 0;
      try {
        while (name && !current.done) {
          delay = pollDelayMs(Date.now() - started, delay);
          await sleep(delay);
          // google-gax retries GetOperation itself (idempotent in its config): one retry layer.
          current = await lookUp(name);
        }
        // A finished operation unpacks its result without another call.
        const [service] = await current.promise();
        return service;
      } catch (e) {
        throw concurrent(target, e);
      }
    },
  };
}

/**
 * The service once Cloud Run stops reconciling it, read again and again (pollDelayMs). The terminal
 * condition is not the verdict here: after an earlier failed rollout it stays failed while pinned
 * traffic serves, so a rollback that succeeded would look failed. Callers judge from what serves
 * (traffic_statuses, the revision's own Ready).
 */
export async function settledService(clients: GoogleClients, target: ServiceTarget): Promise<Service> {
  const started = Date.now();
  let delay = 0;
  for (;;) {
    const service = await getService(clients, target);
    if (!service) throw new Error(`service ${target.service} disappeared while its change was rolled out`);
    if (!service.reconciling) return service;
    delay = pollDelayMs(Date.now() - started, delay);
    await sleep(delay);
  }
}

/** The wait for a change found applied by a re-read (its operation's answer was lost). */
const settledOperation = (clients: GoogleClients, target: ServiceTarget): ServiceOperation => ({
  name: '',
  done: () => settledService(clients, target),
});

/** A change to send: the client's method and its request. */
type Change =
  | { readonly method: 'createService'; readonly request: protos.google.cloud.run.v2.ICreateServiceRequest }
  | { readonly method: 'updateService'; readonly request: protos.google.cloud.run.v2.IUpdateServiceRequest };

/** The client's call for a change, and the look-up of the operation it starts. */
function callsOf(clients: GoogleClients, change: Change): { send(): Promise<unknown>; lookUp(name: string): Promise<Operation> } {
  const api = clients.services;
  const calls =
    change.method === 'createService'
      ? { send: () => api.createService(change.request), lookUp: (n: string) => api.checkCreateServiceProgress(n) }
      : { send: () => api.updateService(change.request), lookUp: (n: string) => api.checkUpdateServiceProgress(n) };
  return { send: calls.send, lookUp: (n) => calls.lookUp(n) as Promise<unknown> as Promise<Operation> };
}

/** Sends a service mutation once, or again after a transient error only if a re-read shows it is not applied. */
async function sendChange(
  clients: GoogleClients,
  target: ServiceTarget,
  change: Change,
  options: Pick<UpdateOptions, 'applied' | 'retry' | 'validateOnly'>,
): Promise<ServiceOperation> {
  const { applied } = options;
  const { send, lookUp } = callsOf(clients, change);
  try {
    const outcome = await sendOnce(
      async () => ((await send()) as [Operation])[0],
      async () => {
        if (options.validateOnly || !applied) return undefined;
        const now = await getService(clients, target);
        return now && applied(now) ? now : undefined;
      },
      options.retry,
    );
    return 'sent' in outcome ? operationOf(target, outcome.sent, lookUp) : settledOperation(clients, target);
  } catch (e) {
    throw concurrent(target, e);
  }
}

/**
 * Updates the service, sending `service.etag` (when set) so a change made since it was read fails
 * with a ConcurrentChangeError.
 */
export async function updateService(
  clients: GoogleClients,
  target: ServiceTarget,
  service: Service,
  options: UpdateOptions = {},
): Promise<ServiceOperation> {
  const request: protos.google.cloud.run.v2.IUpdateServiceRequest = {
    service: { ...service, name: serviceName(target) },
    ...(options.updateMask ? { updateMask: { paths: [...options.updateMask] } } : {}),
    ...(options.allowMissing ? { allowMissing: true } : {}),
    ...(options.validateOnly ? { validateOnly: true } : {}),
  };
  return sendChange(clients, target, { method: 'updateService', request }, options);
}

/** Creates the service; a service created by someone else meanwhile fails as a concurrent change. */
export async function createService(
  clients: GoogleClients,
  target: ServiceTarget,
  service: Service,
  options: Pick<UpdateOptions, 'validateOnly' | 'retry' | 'applied'> = {},
): Promise<ServiceOperation> {
  const { name: _name, etag: _etag, ...fields } = service;
  const request = {
    parent: locationName(target),
    serviceId: target.service,
    service: fields,
    ...(options.validateOnly ? { validateOnly: true } : {}),
  };
  // Sent again without `applied`, a create that was applied fails ALREADY_EXISTS: a concurrent change.
  return sendChange(clients, target, { method: 'createService', request }, options);
}
