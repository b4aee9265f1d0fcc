/**
 * Reading and changing a Cloud Run service. Changes carry the etag read with the service, so a
 * concurrent change makes this one fail (ABORTED) instead of being overwritten silently; transient
 * errors are retried; the caller gets the long-running operation to wait on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import type { protos } from '@google-cloud/run';
import type { GoogleClients } from './clients';
import { errorCode, errorDetails } from './errors';
import { withRetry, type RetryOptions } from './retry';
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
    const [service] = await withRetry(() => clients.services.getService({ name: serviceName(target) }), retry);
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
}

const concurrent = (target: ServiceTarget, e: unknown): unknown =>
  errorCode(e) === status.ABORTED || errorCode(e) === status.ALREADY_EXISTS ? new ConcurrentChangeError(target.service, e) : e;

type Operation = { name?: string | null; done?: boolean | null; promise(): Promise<[Service, ...unknown[]]> };

/**
 * How long to wait before polling an operation again, `elapsedMs` after it started: every 100 ms
 * for the first 5 s (a traffic change or rollback ends within that, and every tenth of a second
 * counts), then ×1.5 per poll up to 2 s so a long rollout stays far inside the API's read quota.
 * The client's own wait backs off ×1.3 from the start and notices a 1-3 s change up to ~30 % late.
 */
export function pollDelayMs(elapsedMs: number, previousMs: number): number {
  if (elapsedMs < 5000) return 100;
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
          current = await withRetry(() => lookUp(name));
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
  try {
    const [operation] = await withRetry(() => clients.services.updateService(request), options.retry);
    return operationOf(
      target,
      operation as unknown as Operation,
      (n) => clients.services.checkUpdateServiceProgress(n) as Promise<unknown> as Promise<Operation>,
    );
  } catch (e) {
    throw concurrent(target, e);
  }
}

/** Creates the service; a service created by someone else meanwhile fails as a concurrent change. */
export async function createService(
  clients: GoogleClients,
  target: ServiceTarget,
  service: Service,
  options: Pick<UpdateOptions, 'validateOnly' | 'retry'> = {},
): Promise<ServiceOperation> {
  const { name: _name, etag: _etag, ...fields } = service;
  try {
    const [operation] = await withRetry(
      () =>
        clients.services.createService({
          parent: locationName(target),
          serviceId: target.service,
          service: fields,
          ...(options.validateOnly ? { validateOnly: true } : {}),
        }),
      options.retry,
    );
    return operationOf(
      target,
      operation as unknown as Operation,
      (n) => clients.services.checkCreateServiceProgress(n) as Promise<unknown> as Promise<Operation>,
    );
  } catch (e) {
    throw concurrent(target, e);
  }
}
