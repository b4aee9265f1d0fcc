/**
 * An in-process Cloud Run emulator for an integration test, with the real Google clients pointed at
 * it and small helpers for the admin endpoint. Each call starts its own emulator on free ports;
 * `close()` stops it and removes every container it started.
 *
 *   const emu = await startTestEmulator();
 *   const svc = await emu.deploy('web', { image });          // CreateService + wait
 *   await emu.admin('POST', '/faults', { method: 'UpdateService', code: 'UNAVAILABLE' });
 */
import type { protos } from '@google-cloud/run';
import { execFileSync } from 'node:child_process';
import { createClients, type GoogleClients } from '../../src/cloudrun/clients';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/server';
import { mintIdToken } from '../../src/identity/id-token';
import { ensureTestImage } from './test-images';

export type IService = protos.google.cloud.run.v2.IService;
export type IContainer = protos.google.cloud.run.v2.IContainer;
export type ITrafficTarget = protos.google.cloud.run.v2.ITrafficTarget;

export const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION' as const;
export const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' as const;
/** A traffic target to a named revision. */
export const target = (revision: string, percent: number, tag?: string): ITrafficTarget => ({
  type: REVISION,
  revision,
  percent,
  tag,
});

export const PARENT = 'projects/runway-test/locations/us-central1';
export const serviceName = (id: string) => `${PARENT}/services/${id}`;
export const shortName = (name: string | null | undefined) => (name ?? '').split('/').pop() ?? '';

export interface TestEmulator {
  emulator: Emulator;
  clients: GoogleClients;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  state(): Promise<Record<string, unknown>>;
  /**
   * Creates a service with one container, waits for the operation and reads the service again: the
   * operation's response may carry an etag that reconciliation's end replaced (the emulator's
   * stricter side), as the actions also re-read before a next change. Public (invoker check
   * disabled, what deploy-cloudrun's allow-unauthenticated sets) unless `extra` says otherwise: these
   * tests read the app's answers directly; emulator-access.test.ts covers private services.
   */
  deploy(id: string, container: IContainer, extra?: IService): Promise<IService>;
  /** An ID token for `audience` from the admin endpoint, minted as the actions mint one in emulator mode. */
  token(audience: string): Promise<string>;
  /** UpdateService, wait for the operation and read the service again (see deploy). */
  update(service: IService, request?: { updateMask?: { paths: string[] }; allowMissing?: boolean }): Promise<IService>;
  close(): Promise<void>;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  // Monitoring data at once unless a test asks for Cloud Run's delay (metricsDelayMs: 180_000).
  const emulator = await startEmulator({ startupTimeoutMs: 20_000, metricsDelayMs: 0, ...options });
  const clients = createClients(emulator.env);
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.adminUrl}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as unknown };
  };
  return {
    emulator,
    clients,
    admin,
    state: async () => (await admin('GET', '/state')).json as Record<string, unknown>,
    async deploy(id, container, extra = {}) {
      const [op] = await clients.services.createService({
        parent: PARENT,
        serviceId: id,
        service: { invokerIamDisabled: true, ...extra, template: { ...(extra.template ?? {}), containers: [container] } },
      });
      const [created] = await op.promise();
      return (await clients.services.getService({ name: created.name! }))[0];
    },
    token: (audience) => mintIdToken(audience, emulator.env),
    async update(service, request = {}) {
      const [op] = await clients.services.updateService({ service, ...request });
      const [updated] = await op.promise();
      return (await clients.services.getService({ name: updated.name! }))[0];
    },
    async close() {
      await clients.close();
      await emulator.stop();
    },
  };
}

/**
 * One emulator and the hello image for a whole test file: started before its tests, stopped after.
 * Read `emu` and `image` inside tests (they are set by then).
 */
export function emulatorForFile(options: EmulatorOptions = {}): { emu: TestEmulator; image: string } {
  const context = {} as { emu: TestEmulator; image: string };
  beforeAll(async () => {
    context.image = await ensureTestImage('hello');
    context.emu = await startTestEmulator(options);
  });
  afterAll(() => context.emu?.close());
  return context;
}

/** Names (or, with `field` ID, IDs) of running containers whose name contains `fragment` (e.g. a revision ID). */
export function runningContainers(fragment: string, field: 'Names' | 'ID' = 'Names'): string[] {
  return execFileSync('docker', ['ps', '--filter', `name=${fragment}`, '--format', `{{.${field}}}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

/** Waits (up to `timeoutMs`) until no container whose name contains `fragment` runs; returns what still runs. */
export async function containersGone(fragment: string, timeoutMs = 10_000): Promise<string[]> {
  const end = Date.now() + timeoutMs;
  let running = runningContainers(fragment);
  while (running.length > 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    running = runningContainers(fragment);
  }
  return running;
}

/** What the hello image answers: its Cloud Run variables, APP_* env vars, args and an optional file. */
export interface HelloAnswer {
  revision: string;
  service: string;
  host?: string;
  env: Record<string, string>;
  args: string[];
  file?: string;
}

/** GET a URL and parse the hello image's JSON answer. */
export async function hello(url: string | null | undefined): Promise<HelloAnswer> {
  const res = await fetch(url!);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return (await res.json()) as HelloAnswer;
}
