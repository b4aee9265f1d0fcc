/**
 * Promotion: shift traffic to a candidate revision in steps, judge each step (health gates on the
 * service URL and on the candidate's tag URL beside the stable one, optionally Cloud Monitoring
 * request counts), and on a failure or cancellation put back the exact traffic it replaced.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { GoogleClients } from '../cloudrun/clients';
import { describeApiError } from '../cloudrun/errors';
import type { ServiceTarget } from '../cloudrun/target';
import { md, type Reporter, type StepState } from '../report';
import { recordRelease, type Release } from './history';
import { tagLiveImage } from './live-tag';
import { pinLatest, restorePlan, stepPlan } from './plan';
import { markFinished, restoreTraffic, saveRestore } from './restore';
import { checkReady, type RevisionFacts } from './ready-check';
import { listRevisionFacts, readService, setAnnotations, setTraffic, type ServiceTraffic } from './service-traffic';
import { formatSnapshot, mainRevision, type TrafficEntry } from './snapshot';
import { beforeAfter, stepsTable, type StepRecord } from './summary';
import { countRequests, judgeMetrics, stepVerdict, type Check, type MetricsLimits, type Verdict } from './verdict';

/** One health-gate run: the candidate at `url`, compared with `baselineUrl` when given. */
export type Probe = (
  url: string,
  baselineUrl: string | undefined,
  signal: AbortSignal | undefined,
) => Promise<{ verdict: Verdict; reasons: readonly string[]; details?: string }>;

/** Requests per response class served by a revision in a time window. */
export type CountRequests = (revision: string, start: Date, end: Date) => Promise<Record<string, number>>;

export interface PromoteOptions {
  readonly target: ServiceTarget;
  readonly candidate: string;
  readonly steps: readonly number[];
  readonly bakeSeconds: number;
  /** The traffic to restore on failure; default: the service's traffic when the promotion starts. */
  readonly previous?: TrafficEntry[];
  readonly rollbackOnFailure: boolean;
  readonly probe?: Probe;
  /** An inconclusive gate fails the step (the gate's fail-on-inconclusive input). */
  readonly failOnInconclusive?: boolean;
  readonly metrics?: { readonly limits: MetricsLimits; readonly count: CountRequests };
  readonly state: StepState;
  /** Aborted when the job is cancelled: the promotion stops and restores the traffic. */
  readonly signal?: AbortSignal;
  readonly actor?: string;
  readonly commit?: string;
}

export interface PromoteResult {
  readonly verdict: 'pass' | 'fail';
  readonly traffic: TrafficEntry[];
  readonly reasons: string[];
}

class Cancelled extends Error {}

/** Resolves when `work` does, rejects with Cancelled as soon as `signal` aborts. */
function unlessCancelled<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new Cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Waits out the bake; a cancellation ends the wait and its timer, so the process can exit at once. */
async function bake(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return;
  try {
    await sleepFor(ms, undefined, { signal });
  } catch (e) {
    if (signal?.aborted) throw new Cancelled();
    throw e;
  }
}

/** The tag URL of a revision, if any tag points at it. */
function tagUrl(state: ServiceTraffic, revision: string | undefined): string | undefined {
  const tagged = state.served.find((e) => e.revision === revision && e.tag && state.tagUrls.has(e.tag));
  return tagged ? state.tagUrls.get(tagged.tag!) : undefined;
}

async function gates(
  probe: Probe,
  state: ServiceTraffic,
  candidate: string,
  stable: string | undefined,
  reporter: Reporter,
  signal: AbortSignal | undefined,
): Promise<Check[]> {
  const checks: Check[] = [];
  if (state.url) {
    checks.push({ name: 'gate on the service URL', ...(await probe(state.url, undefined, signal)) });
  }
  const candidateUrl = tagUrl(state, candidate);
  if (!candidateUrl) {
    reporter.warning(`${candidate} has no traffic tag, so it cannot be probed on its own; only the service URL is gated`);
    return checks;
  }
  const stableUrl = tagUrl(state, stable);
  const name = stableUrl
    ? `gate on ${candidate} beside ${stable}`
    : `gate on ${candidate} (${stable ?? 'the stable revision'} has no tag to compare with)`;
  checks.push({ name, ...(await probe(candidateUrl, stableUrl, signal)) });
  return checks;
}

export async function promote(clients: GoogleClients, options: PromoteOptions, reporter: Reporter): Promise<PromoteResult> {
  const { target, candidate } = options;
  const [start, revisions] = await Promise.all([readService(clients, target), listRevisionFacts(clients, target)]);
  const stable = mainRevision(start.served.filter((e) => e.revision !== candidate));
  const restore = restorePlan(options.previous ?? start.traffic, start.latestReady, candidate, stable);
  // Everything is checked before the first change: the candidate and every revision the restore needs.
  checkReady([{ type: 'REVISION', revision: candidate, percent: 100 }], revisions, 'refusing to promote');
  checkReady(restore, revisions, 'refusing to promote: the traffic to restore on failure cannot be served');
  const pinned = start.latestReady ? pinLatest(start.traffic, start.latestReady) : start.traffic;
  const steps = stable ? options.steps : [100];
  const plan = stepPlan(pinned, candidate, steps);
  reporter.info(`Promoting ${candidate} on ${target.service} in steps ${steps.join(', ')} % (stable: ${stable ?? 'none'})`);
  reporter.info(`Traffic to restore on failure: ${formatSnapshot(restore)}`);

  saveRestore(options.state, { target, candidate, traffic: restore });
  const records: StepRecord[] = [];
  let current = start;
  let failure: string[] | undefined;
  let cancelled = false;
  try {
    for (const [i, traffic] of plan.entries()) {
      const record = await runStep(clients, options, current, traffic, steps[i], stable, reporter);
      current = record.state;
      records.push(record);
      reporter.info(`Step ${i + 1}/${plan.length}: ${steps[i]} % to ${candidate}: ${record.verdict}`);
      if (record.verdict === 'fail') {
        failure = [`step ${steps[i]} % failed: ${record.reasons.join('; ')}`];
        break;
      }
    }
  } catch (e) {
    cancelled = e instanceof Cancelled;
    // An API error mid-promotion must not leave traffic half-shifted either.
    if (!cancelled && !options.rollbackOnFailure) {
      markFinished(options.state, 'left');
      throw e;
    }
    failure = [cancelled ? 'the job was cancelled' : `promotion stopped by an error: ${(e as Error).message}`];
  }

  if (failure) {
    const restoreNow = cancelled || options.rollbackOnFailure;
    const after = restoreNow ? (await restoreTraffic(clients, target, restore, reporter)).after.traffic : current.traffic;
    markFinished(options.state, restoreNow ? 'restored' : 'left');
    summarize(reporter, options, start.traffic, after, records, failure, restoreNow ? 'restored' : 'left');
    return { verdict: 'fail', traffic: after, reasons: failure };
  }

  markFinished(options.state, 'promoted');
  const notes = await recordSuccess(
    clients,
    options,
    current,
    revisions.find((r) => r.name === candidate),
    reporter,
  );
  summarize(reporter, options, start.traffic, current.traffic, records, notes, 'promoted');
  return { verdict: 'pass', traffic: current.traffic, reasons: [] };
}

/**
 * The metrics check of one step. A Monitoring API that cannot be read (e.g. no
 * monitoring.timeSeries.list permission) leaves the step not judged by metrics, like too few
 * requests: the gates already passed, and a missing role must not roll back a healthy release.
 */
async function judgeRequestCounts(
  metrics: NonNullable<PromoteOptions['metrics']>,
  candidate: string,
  stepStart: Date,
  signal: AbortSignal | undefined,
  reporter: Reporter,
): Promise<Check> {
  let check: Check;
  try {
    const counts = await unlessCancelled(metrics.count(candidate, stepStart, new Date()), signal);
    check = judgeMetrics(candidate, countRequests(counts), metrics.limits);
  } catch (e) {
    if (e instanceof Cancelled) throw e;
    const reason = `could not be read, not judged: ${describeApiError(e)} (reading needs roles/monitoring.viewer)`;
    reporter.warning(`Cloud Monitoring request counts of ${candidate} ${reason}`);
    return { name: `Cloud Monitoring request counts of ${candidate}`, verdict: 'inconclusive', reasons: [reason] };
  }
  if (check.verdict === 'inconclusive') reporter.notice(`${check.name}: ${check.reasons.join('; ')}`);
  return check;
}

/** One step: set its traffic, gate, bake, count requests, judge. */
async function runStep(
  clients: GoogleClients,
  options: PromoteOptions,
  before: ServiceTraffic,
  traffic: readonly TrafficEntry[],
  percent: number,
  stable: string | undefined,
  reporter: Reporter,
): Promise<StepRecord & { state: ServiceTraffic; reasons: string[] }> {
  const { candidate, signal } = options;
  const stepStart = new Date();
  const state = await unlessCancelled(setTraffic(clients, options.target, before, traffic), signal);
  const checks = options.probe
    ? await unlessCancelled(gates(options.probe, state, candidate, stable, reporter, signal), signal)
    : [];
  const judging = { failOnInconclusive: options.failOnInconclusive };
  for (const c of checks.filter((c) => c.verdict === 'inconclusive' && !options.failOnInconclusive))
    reporter.warning(
      `${c.name} at ${percent} %: inconclusive, not failing the step (fail-on-inconclusive: false): ${c.reasons.join('; ')}`,
    );
  let metrics: Check | undefined;
  if (stepVerdict(checks, undefined, judging).verdict === 'pass') {
    await bake(options.bakeSeconds * 1000 - (Date.now() - stepStart.getTime()), signal);
    if (options.metrics) {
      metrics = await judgeRequestCounts(options.metrics, candidate, stepStart, signal, reporter);
    }
  }
  const verdict = stepVerdict(checks, metrics, judging);
  return {
    state,
    percent,
    verdict: verdict.verdict,
    reasons: verdict.reasons,
    checks: metrics ? [...checks, metrics] : checks,
    seconds: (Date.now() - stepStart.getTime()) / 1000,
  };
}

/** Release history, last good revision and the live image tag; failures here are reported, not fatal. */
async function recordSuccess(
  clients: GoogleClients,
  options: PromoteOptions,
  current: ServiceTraffic,
  revision: RevisionFacts | undefined,
  reporter: Reporter,
): Promise<string[]> {
  const notes: string[] = [];
  const digest = revision?.digest;
  const release: Release = {
    action: 'promote',
    revision: options.candidate,
    time: new Date().toISOString(),
    ...(digest ? { digest } : {}),
    ...(options.commit ? { commit: options.commit } : {}),
    ...(options.actor ? { actor: options.actor } : {}),
  };
  try {
    await setAnnotations(clients, options.target, current, recordRelease(current.annotations, release));
    notes.push(`Recorded ${options.candidate} as the last good revision in the service annotations.`);
  } catch (e) {
    reporter.warning(`Promoted, but the release history could not be recorded: ${(e as Error).message}`);
  }
  try {
    notes.push(await tagLiveImage(clients, revision?.image, options.target.service));
  } catch (e) {
    reporter.warning(`Promoted, but the live image tag could not be set: ${(e as Error).message}`);
  }
  for (const n of notes) reporter.info(n);
  return notes;
}

function summarize(
  reporter: Reporter,
  options: PromoteOptions,
  before: readonly TrafficEntry[],
  after: readonly TrafficEntry[],
  records: readonly StepRecord[],
  notes: readonly string[],
  outcome: 'promoted' | 'restored' | 'left',
): void {
  const title = {
    promoted: `Promoted ${md.code(options.candidate)}`,
    restored: `Promotion of ${md.code(options.candidate)} failed; previous traffic restored`,
    left: `Promotion of ${md.code(options.candidate)} failed; traffic left at the failed step (rollback-on-failure: false)`,
  }[outcome];
  reporter.summary(
    md.heading(`${title} on ${md.code(options.target.service)}`) +
      notes.map((n) => `- ${n}\n`).join('') +
      '\n' +
      (records.length ? stepsTable(options.candidate, records) : '') +
      beforeAfter(before, after) +
      records
        .flatMap((r) =>
          r.checks.filter((c) => c.details).map((c) => md.details(`${r.percent} %: ${c.name} (${c.verdict})`, c.details!)),
        )
        .join(''),
  );
}
