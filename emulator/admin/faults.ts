/**
 * Injected failures for tests: make a named RPC fail N times with a gRPC code (and a realistic
 * message), or make the next revision fail to start. `wrap` puts the check in front of every handler
 * of a gRPC service, so any emulated API can fail the same way.
 */
import * as grpc from '@grpc/grpc-js';
import type { GrpcService } from '../apis/protos';

export interface FaultRule {
  /** `UpdateService` or `google.cloud.run.v2.Services/UpdateService`. */
  method: string;
  code: grpc.status;
  message: string;
  remaining: number;
  /**
   * `before`: the call fails and nothing happens. `after`: the call is applied (the change is made, an
   * operation started), then the caller gets the error instead of the answer, as when a response is
   * lost or a deadline passes after the server acted: a retry then meets the changed state.
   * `operation`: the call is answered with its operation and the change is applied and rolled out,
   * then the operation ends with the error instead of its response, as an operation reported failed
   * after its change applied (Lore-Hex/quill-router#782: "verify the live state after mutation,
   * including when gcloud reports a misleading nonzero result"). Only a re-read tells what serves.
   */
  when: 'before' | 'after' | 'operation';
  /**
   * Set: the rule takes only calls whose `validate_only` is this value (`false`: the real change
   * after a preflight, as deploy sends). Unset: any call of the method.
   */
  validateOnly?: boolean;
  /** Only calls on resources of this location (e.g. `europe-west1`) fail: one region of several. */
  location?: string;
}

const LOCATION = /^[a-z]+-[a-z]+\d+$/;

/** The location a request names (`name`, `parent`, or `service.name`/`job.name` of an update), if any. */
export function requestLocation(request: unknown): string | undefined {
  const r = (request ?? {}) as { name?: unknown; parent?: unknown; service?: { name?: unknown }; job?: { name?: unknown } };
  for (const value of [r.name, r.parent, r.service?.name, r.job?.name]) {
    const m = typeof value === 'string' ? /(?:^|\/)locations\/([^/]+)/.exec(value) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** A gRPC status from its name (`UNAVAILABLE`) or number; throws naming what is allowed. */
export function parseCode(code: unknown): grpc.status {
  if (typeof code === 'number' && grpc.status[code] !== undefined) return code;
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code) && typeof grpc.status[code as keyof typeof grpc.status] === 'number') {
    return grpc.status[code as keyof typeof grpc.status];
  }
  const names = Object.keys(grpc.status).filter((k) => Number.isNaN(Number(k)));
  throw new Error(`code ${JSON.stringify(code)} is not a gRPC status: use a number 0-16 or one of ${names.join(', ')}`);
}

/** An optional location of a fault rule; throws naming what is allowed. */
export function parseLocation(location: unknown): string | undefined {
  if (location === undefined) return undefined;
  if (typeof location !== 'string' || !LOCATION.test(location))
    throw new Error(`location ${JSON.stringify(location)} is not valid: use a location such as europe-west1`);
  return location;
}

export class Faults {
  private rules: FaultRule[] = [];
  /** Operations a `when: operation` fault fails once their work is done, by operation name. */
  private readonly failingOperations = new Map<string, { code: grpc.status; message: string }>();
  /** When set, the next revision fails to start with this message. */
  nextRevisionFailure: string | undefined;
  /** When set with nextRevisionFailure, only the next new revision in this location fails. */
  nextRevisionFailureLocation: string | undefined;

  add(rule: {
    method: string;
    code: unknown;
    message?: string;
    times?: number;
    when?: unknown;
    validateOnly?: unknown;
    location?: unknown;
  }): FaultRule {
    if (typeof rule.method !== 'string' || !/^([\w.]+\/)?\w+$/.test(rule.method)) {
      throw new Error(
        `method ${JSON.stringify(rule.method)} is not valid: use e.g. UpdateService or google.cloud.run.v2.Services/UpdateService`,
      );
    }
    const times = rule.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`times must be a positive integer, got ${JSON.stringify(rule.times)}`);
    const code = parseCode(rule.code);
    const when = rule.when ?? 'before';
    if (when !== 'before' && when !== 'after' && when !== 'operation')
      throw new Error(`when must be "before", "after" or "operation", got ${JSON.stringify(rule.when)}`);
    if (rule.validateOnly !== undefined && typeof rule.validateOnly !== 'boolean')
      throw new Error(`validateOnly must be true or false, got ${JSON.stringify(rule.validateOnly)}`);
    const location = parseLocation(rule.location);
    const added: FaultRule = {
      method: rule.method,
      code,
      message: rule.message ?? `Injected fault: ${grpc.status[code]}`,
      remaining: times,
      when,
      ...(rule.validateOnly !== undefined ? { validateOnly: rule.validateOnly } : {}),
      ...(location ? { location } : {}),
    };
    this.rules.push(added);
    return added;
  }

  clear(): void {
    this.rules = [];
    this.failingOperations.clear();
    this.nextRevisionFailure = undefined;
    this.nextRevisionFailureLocation = undefined;
  }

  list(): readonly FaultRule[] {
    return this.rules;
  }

  /**
   * The fault to return for a call of `path` (`pkg.Service/Method`) with `request`, consuming one use
   * of it. A rule with a location takes only calls on resources of that location.
   */
  take(path: string, request?: unknown): FaultRule | undefined {
    const method = path.split('/').pop();
    const validateOnly = Boolean((request as { validateOnly?: boolean } | undefined)?.validateOnly);
    const location = requestLocation(request);
    const rule = this.rules.find(
      (r) =>
        r.remaining > 0 &&
        (r.method === path || r.method === method) &&
        (r.validateOnly === undefined || r.validateOnly === validateOnly) &&
        (!r.location || r.location === location),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule;
  }

  /** The error an operation must end with instead of its response (once), if a fault chose it. */
  operationFailure(name: string): { code: grpc.status; message: string } | undefined {
    const failure = this.failingOperations.get(name);
    this.failingOperations.delete(name);
    return failure;
  }

  /** The service with every unary handler checking for an injected fault first. */
  wrap(service: GrpcService): GrpcService {
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [name, handler] of Object.entries(service.implementation)) {
      const path = service.definition[name]?.path.replace(/^\//, '') ?? name;
      implementation[name] = ((call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const fault = this.take(path, call.request);
        const handle = handler as grpc.handleUnaryCall<unknown, unknown>;
        if (!fault) handle(call, callback);
        else if (fault.when === 'before') callback({ code: fault.code, details: fault.message });
        else if (fault.when === 'after') handle(call, () => callback({ code: fault.code, details: fault.message }));
        else
          // The answer (an operation) reaches the caller before the operation can end: its work
          // takes at least a timer tick (Operations.start), this runs in the handler's microtasks.
          handle(call, (error, value) => {
            const name = (value as { name?: unknown } | null | undefined)?.name;
            if (!error && typeof name === 'string')
              this.failingOperations.set(name, { code: fault.code, message: fault.message });
            callback(error, value);
          });
      }) as grpc.UntypedHandleCall;
    }
    return { definition: service.definition, implementation };
  }
}
