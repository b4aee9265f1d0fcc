/**
 * Long-running operations as google.longrunning.Operations serves them. Every mutating call returns
 * an Operation at once; the work runs in the background and the client polls GetOperation (gax does)
 * or calls WaitOperation. Metadata and response are google.protobuf.Any with the type the client
 * decodes (type.googleapis.com/google.cloud.run.v2.Service, ...). An admin-set delay holds every
 * operation open at least that long, so tests can observe in-flight operations.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { ApiError, notFound } from '../apis/api-error';
import type { OperationRecord, StateStore } from './store';

/** Encodes a message of a given full type name to bytes (taken from the loaded gRPC methods). */
export type Encoders = Record<string, (message: unknown) => Buffer>;

/** How many operations are kept (GetOperation on an older, finished one is NOT_FOUND). */
export const MAX_OPERATIONS = 1000;

export class Operations {
  delayMs = 0;
  /** An injected error an operation ends with although its work succeeded (admin faults, `when: operation`). */
  injectedFailure: (name: string) => { code: number; message: string } | undefined = () => undefined;
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: StateStore,
    private readonly encoders: Encoders,
  ) {
    // Work does not survive a restart: an operation saved while open can never finish.
    for (const record of Object.values(store.state.operations)) {
      if (!record.done)
        Object.assign(record, {
          done: true,
          error: { code: 10, message: 'The emulator restarted before this operation finished.' },
        });
    }
  }

  /** Starts `work` in the background and returns the open operation, as the API answers a mutating call. */
  start(parent: string, type: string, metadata: unknown, work: () => Promise<unknown>) {
    const name = `${parent}/operations/${randomUUID()}`;
    const record: OperationRecord = { name, type, metadata, done: false };
    this.forgetOldest();
    this.store.state.operations[name] = record;
    this.store.save();
    const started = Date.now();
    const running: Promise<void> = work()
      .then(
        (response) => {
          const injected = this.injectedFailure(name);
          if (injected) record.error = injected;
          else record.response = response;
        },
        (error: unknown) => {
          this.injectedFailure(name); // the work failed by itself: its own error stands
          record.error = {
            code: error instanceof ApiError ? error.code : 13,
            message: error instanceof Error ? error.message : String(error),
          };
        },
      )
      .then(async () => {
        await sleep(Math.max(0, this.delayMs - (Date.now() - started)));
        record.done = true;
        this.store.save();
        for (const wake of this.waiters.get(name) ?? []) wake();
        this.waiters.delete(name);
        this.inFlight.delete(running);
      });
    this.inFlight.add(running);
    return this.message(record);
  }

  /** Keeps the saved state bounded: beyond MAX_OPERATIONS, the oldest finished operations are forgotten. */
  private forgetOldest(): void {
    const all = this.store.state.operations;
    const names = Object.keys(all);
    for (const name of names.slice(0, Math.max(0, names.length - MAX_OPERATIONS + 1))) if (all[name].done) delete all[name];
  }

  /** Resolves when every operation started so far has finished (so stopping leaves no work behind). */
  async drain(): Promise<void> {
    this.delayMs = 0;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** The google.longrunning.Operation message of a record. */
  message(record: OperationRecord) {
    // protobufjs takes google.protobuf.Any from its bundled descriptor, whose field keeps its proto
    // name (type_url) whatever the loader's keepCase says.
    const any = (value: unknown) => ({ type_url: `type.googleapis.com/${record.type}`, value: this.encode(record.type, value) });
    return {
      name: record.name,
      metadata: any(record.metadata),
      done: record.done,
      ...(record.done && record.error ? { error: { ...record.error, details: [] } } : {}),
      ...(record.done && !record.error ? { response: any(record.response) } : {}),
    };
  }

  get(name: string): OperationRecord {
    const record = this.store.state.operations[name];
    if (!record) throw notFound(`Operation ${name} not found`);
    return record;
  }

  /** Resolves when the operation is done or the timeout passes, whichever is first. */
  async wait(name: string, timeoutMs: number): Promise<OperationRecord> {
    const record = this.get(name);
    if (record.done) return record;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const list = this.waiters.get(name) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.waiters.set(name, list);
    });
    return record;
  }

  private encode(type: string, value: unknown): Buffer {
    const encode = this.encoders[type];
    if (!encode) throw new Error(`No encoder for ${type}`);
    return encode(value);
  }
}
