/**
 * What the integration tests and the bench share: an emulator with real containers, the real Google
 * client, and deploys the way deploy-cloudrun makes them (named revision, traffic tag, no traffic
 * unless it is the first). Here, not in test/, so the bench need not import a test fixture.
 */
import { randomBytes } from 'node:crypto';
import { startEmulator, type Emulator, type EmulatorOptions } from './server';
import { createClients, type GoogleClients } from '../src/cloudrun/clients';
import { createService, getService, updateService } from '../src/cloudrun/services';
import type { ServiceTarget } from '../src/cloudrun/target';
import { describeService, type ServiceTraffic } from '../src/cloudrun/service-state';
import { setTraffic } from '../src/traffic/apply';
import { toTargets, type TrafficEntry } from '../src/cloudrun/traffic-entry';
import { mintIdToken } from '../src/identity/id-token';

export interface Stack {
  readonly emulator: Emulator;
  readonly clients: GoogleClients;
  readonly target: ServiceTarget;
  /** Environment for a bundle run against this emulator. */
  readonly env: Record<string, string>;
  /** Inputs naming the service, for a bundle run. */
  readonly where: Record<string, string>;
  stop(): Promise<void>;
}

/** A new emulator (on a given port and state directory, to restart one) and a service name. */
export async function startStack(
  options: Pick<EmulatorOptions, 'port' | 'stateDir' | 'maxRevisions'> = {},
  service = `svc-${randomBytes(3).toString('hex')}`,
): Promise<Stack> {
  // Monitoring data at once: the metrics tests judge requests made seconds earlier (the delay itself
  // is the emulator's to test, and promote's warning about it is tested in process).
  const emulator = await startEmulator({ port: 0, metricsDelayMs: 0, ...options });
  const clients = createClients(emulator.env);
  const target = { project: 'runway-test', region: 'us-central1', service };
  return {
    emulator,
    clients,
    target,
    env: { ...emulator.env },
    where: { service: target.service, region: target.region, 'project-id': target.project },
    async stop() {
      await clients.close();
      await emulator.stop();
    },
  };
}

export const revisionOf = (stack: Stack, suffix: string): string => `${stack.target.service}-${suffix}`;

/**
 * Deploys `image` as revision SERVICE-suffix with traffic tag `tag`. The first deploy takes 100 %;
 * later ones take none (the served traffic is pinned first, as deploy-cloudrun does).
 */
export async function deploy(stack: Stack, image: string, suffix: string, tag?: string): Promise<ServiceTraffic> {
  const { clients, target } = stack;
  const revision = revisionOf(stack, suffix);
  const template = { revision, containers: [{ image }] };
  const existing = await getService(clients, target);
  const tagEntry: TrafficEntry[] = tag ? [{ type: 'REVISION', revision, percent: 0, tag }] : [];
  if (!existing) {
    const op = await createService(clients, target, {
      template,
      traffic: toTargets([{ type: 'REVISION', revision, percent: 100 }, ...tagEntry]),
    });
    return describeService(await op.done());
  }
  const current = describeService(existing);
  const traffic = [...current.served, ...tagEntry];
  const op = await updateService(clients, target, { ...existing, template, traffic: toTargets(traffic) });
  return describeService(await op.done());
}

export async function setSplit(stack: Stack, traffic: TrafficEntry[]): Promise<ServiceTraffic> {
  const existing = await getService(stack.clients, stack.target);
  return setTraffic(stack.clients, stack.target, describeService(existing!), traffic);
}

export async function admin(stack: Stack, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${stack.emulator.adminUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/**
 * GET `url` of a service of this stack with an ID token the emulator issued, as any caller of a
 * private service (Cloud Run's default) must send; `init` as fetch's.
 */
export async function invoke(stack: Stack, url: string, init: RequestInit = {}): Promise<Response> {
  // mintIdToken keeps a token for its hour: benches and tests invoke hundreds of times.
  const token = await mintIdToken(new URL(url).origin, stack.env);
  return fetch(url, { ...init, headers: { authorization: `Bearer ${token}` } });
}

/** Which revision answers at `url`, per request (the hello image reports its K_REVISION). */
export async function revisionsAt(stack: Stack, url: string, requests: number): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < requests; i++) {
    const body = (await (await invoke(stack, url)).json()) as { revision: string };
    seen[body.revision] = (seen[body.revision] ?? 0) + 1;
  }
  return seen;
}

/** A commit SHA made of one digit, so release `n`'s tag and history entry are easy to tell apart. */
export const releaseSha = (n: number): string => String(n).repeat(40).slice(0, 40);

/** The environment of a bundle run for release `n` against this stack (commit, actor, project). */
export const releaseEnv = (stack: Stack, n: number): Record<string, string> => ({
  ...stack.env,
  GOOGLE_CLOUD_PROJECT: stack.target.project,
  GITHUB_SHA: releaseSha(n),
  GITHUB_ACTOR: 'dev',
});
