/**
 * A revision's readiness, read from its own conditions (never from the service's
 * latestCreatedRevision, which may be a failed one), and waiting for it with a progress line.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import type { protos } from '@google-cloud/run';
import type { GoogleClients } from './clients';
import { errorCode } from './errors';
import { withRetry } from './retry';
import { pollDelayMs } from './services';

type Revision = protos.google.cloud.run.v2.IRevision;
type Condition = protos.google.cloud.run.v2.ICondition;

export type ConditionState = 'pending' | 'reconciling' | 'failed' | 'succeeded' | 'unknown';

export interface ConditionSummary {
  readonly type: string;
  readonly state: ConditionState;
  /** The reason name, e.g. HEALTH_CHECK_CONTAINER_ERROR, if the API gave one. */
  readonly reason?: string;
  readonly message?: string;
}

export interface Readiness {
  readonly state: 'ready' | 'failed' | 'pending';
  /** The condition that decided the state (Ready, or the failed one). */
  readonly reason?: string;
  readonly message?: string;
  readonly conditions: ConditionSummary[];
}

const STATES: Record<string, ConditionState> = {
  CONDITION_PENDING: 'pending',
  CONDITION_RECONCILING: 'reconciling',
  CONDITION_FAILED: 'failed',
  CONDITION_SUCCEEDED: 'succeeded',
  1: 'pending',
  2: 'reconciling',
  3: 'failed',
  4: 'succeeded',
};

/** The conditions that say whether a revision can serve. */
export const READINESS_CONDITIONS = ['Ready', 'ContainerHealthy', 'ResourcesAvailable'];

const UNDEFINED_REASONS = new Set(['COMMON_REASON_UNDEFINED', 'REVISION_REASON_UNDEFINED', 'EXECUTION_REASON_UNDEFINED']);

function reasonOf(c: Condition): string | undefined {
  // Reasons are a oneof; the client returns enum names (or numbers over some transports).
  for (const r of [c.revisionReason, c.reason, c.executionReason]) {
    if (r !== null && r !== undefined && r !== 0 && !UNDEFINED_REASONS.has(String(r))) return String(r);
  }
  return undefined;
}

export function summarizeCondition(c: Condition): ConditionSummary {
  return {
    type: c.type ?? '',
    state: STATES[String(c.state)] ?? 'unknown',
    ...(reasonOf(c) ? { reason: reasonOf(c) } : {}),
    ...(c.message ? { message: c.message } : {}),
  };
}

/**
 * Ready when the Ready condition succeeded; failed when Ready, ContainerHealthy or
 * ResourcesAvailable failed (the most specific one explains why); pending otherwise.
 */
export function readiness(revision: Revision): Readiness {
  const conditions = (revision.conditions ?? []).map(summarizeCondition);
  const byType = new Map(conditions.map((c) => [c.type, c]));
  const ready = byType.get('Ready');
  if (ready?.state === 'succeeded') return { state: 'ready', conditions };
  const failed = ['ContainerHealthy', 'ResourcesAvailable', 'Ready'].map((t) => byType.get(t)).find((c) => c?.state === 'failed');
  if (failed) {
    return {
      state: 'failed',
      reason: failed.reason ?? ready?.reason ?? `${failed.type} failed`,
      message: failed.message ?? ready?.message,
      conditions,
    };
  }
  return { state: 'pending', reason: ready?.reason, message: ready?.message, conditions };
}

/** Cloud Logging for one revision: the API's logUri when it gives one, else the console query. */
export function revisionLogsUrl(revision: Revision | undefined, project: string, service: string, name: string): string {
  if (revision?.logUri) return revision.logUri;
  const query = [
    'resource.type="cloud_run_revision"',
    `resource.labels.service_name="${service}"`,
    `resource.labels.revision_name="${name}"`,
  ].join('\n');
  return `https://console.cloud.google.com/logs/query;query=${encodeURIComponent(query)}?project=${encodeURIComponent(project)}`;
}

export interface WaitOptions {
  readonly timeoutSeconds: number;
  /** One line per poll, e.g. "Waiting for web-abc to be Ready (12s): ContainerHealthy pending". */
  readonly progress?: (line: string) => void;
  /** Between polls; by default pollDelayMs: within 100 ms at first, as a container starts in about a second. */
  readonly intervalMs?: number;
  /** Stops waiting early, e.g. when the update operation failed. */
  readonly signal?: AbortSignal;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface WaitResult {
  readonly readiness: Readiness;
  readonly revision?: Revision;
  readonly timedOut: boolean;
  readonly seconds: number;
}

function pendingLine(r: Readiness): string {
  const waiting = r.conditions.filter((c) => READINESS_CONDITIONS.includes(c.type) && c.state !== 'succeeded');
  if (waiting.length === 0) return 'not created yet';
  return waiting.map((c) => `${c.type} ${c.state}${c.reason ? ` (${c.reason})` : ''}`).join(', ');
}

/**
 * Polls a revision (full resource name) until it is Ready, has failed, or the timeout passes. A
 * revision that does not exist yet counts as pending: the update operation creates it.
 */
export async function waitForRevision(clients: GoogleClients, name: string, options: WaitOptions): Promise<WaitResult> {
  const { timeoutSeconds, progress, intervalMs, signal, sleep = (ms: number) => delay(ms) } = options;
  const started = Date.now();
  let wait = 0;
  const short = name.split('/').pop();
  for (;;) {
    const seconds = Math.round((Date.now() - started) / 1000);
    let revision: Revision | undefined;
    try {
      [revision] = await withRetry(() => clients.revisions.getRevision({ name }));
    } catch (e) {
      if (errorCode(e) !== status.NOT_FOUND) throw e;
    }
    const current = revision ? readiness(revision) : { state: 'pending' as const, conditions: [] };
    const result = { readiness: current, revision, timedOut: false, seconds };
    if (current.state !== 'pending' || signal?.aborted) return result;
    if (seconds >= timeoutSeconds) return { ...result, timedOut: true };
    progress?.(`Waiting for revision ${short} to be Ready (${seconds}s of ${timeoutSeconds}s): ${pendingLine(current)}`);
    wait = intervalMs ?? pollDelayMs(Date.now() - started, wait);
    await sleep(Math.min(wait, Math.max(0, timeoutSeconds * 1000 - (Date.now() - started))));
  }
}
