/**
 * Promotion: shift traffic to a candidate revision in steps, judge each step (health gates on the
 * service URL and on the candidate's tag URL beside the stable one, optionally Cloud Monitoring
 * request counts), and on a failure or cancellation put back the exact traffic it replaced.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { GoogleClients } from '../cloudrun/clients';
import { describeApiError } from '../cloudrun/errors';
import { listRevisionFacts, readService, type RevisionFacts, type ServiceTraffic } from '../cloudrun/service-state';
import type { ServiceTarget } from '../cloudrun/target';
import { md, type Reporter, type StepState } from '../report';
import { inEveryRegion, RegionsFailed, regionFailures, regionReporter, valuesOrThrow } from '../regional';
import { reread, restoreTraffic, setTraffic } from './apply';
import { decodeHistory, HISTORY_ANNOTATION, madeByRunway, recordRelease, type ReleaseRecord } from './history';
import { tagLiveImage } from './live-tag';
import { restorePlan, servesAsWanted, trafficStepPlan, withoutStaleTags } from './plan';
import { checkStillOurs, promotionGuard, TrafficOverridden, withoutPromotion, withPromotion } from './override';
import { markFinished, saveRestore } from './restore';
import { checkReady, servableTraffic } from './ready-check';
import { formatSnapshot, mainRevision, type TrafficEntry } from './snapshot';
import { beforeAfter, stepsTable, type TrafficStepRecord } from './summary';
import {
  countRequests,
  judgeMetrics,
  MONITORING_DELAY_SECONDS,
  trafficStepVerdict,
  withoutOwnRequests,
  type Check,
  type MetricsLimits,
  type Verdict,
} from './verdict';

/**
 * One health-gate run: the candidate at `url`, compared with `baselineUrl` when given. `sent` counts
 * the gate's own requests to `url` that got an answer, by response class ("2xx", "5xx"), so the
 * metrics check can leave them out.
 */
export type Probe = (
  url: string,
  baselineUrl: string | undefined,
  signal: AbortSignal | undefined,
) => Promise<{ verdict: Verdict; reasons: readonly string[]; details?: string; sent?: Record<string, number> }>;

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
  /** How many releases keep their traffic tags after a successful promotion (issue 13: stale tags). */
  readonly keepTags?: number;
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

/** Gate checks of one step, with the gate's own requests the candidate received (by response class). */
async function gates(
  probe: Probe,
  state: ServiceTraffic,
  candidate: string,
  percent: number,
  stable: string | undefined,
  reporter: Reporter,
  signal: AbortSignal | undefined,
): Promise<{ checks: Check[]; sent: Record<string, number> }> {
  const checks: Check[] = [];
  const sent: Record<string, number> = {};
  // The service URL's requests reach the candidate in proportion to its share; its tag URL's all do.
  const add = (counts: Record<string, number> | undefined, share: number) => {
    for (const [cls, n] of Object.entries(counts ?? {})) sent[cls] = (sent[cls] ?? 0) + Math.round(n * share);
  };
  if (state.url) {
    const { sent: own, ...check } = await probe(state.url, undefined, signal);
    checks.push({ name: 'gate on the service URL', ...check });
    add(own, percent / 100);
  }
  const candidateUrl = tagUrl(state, candidate);
  if (!candidateUrl) {
    reporter.warning(`${candidate} has no traffic tag, so it cannot be probed on its own; only the service URL is gated`);
    return { checks, sent };
  }
  const stableUrl = tagUrl(state, stable);
  const name = stableUrl
    ? `gate on ${candidate} beside ${stable}`
    : `gate on ${candidate} (${stable ?? 'the stable revision'} has no tag to compare with)`;
  const { sent: own, ...check } = await probe(candidateUrl, stableUrl, signal);
  checks.push({ name, ...check });
  add(own, 1);
  return { checks, sent };
}

interface Promotion {
  readonly start: ServiceTraffic;
  readonly revisions: RevisionFacts[];
  readonly stable?: string;
  readonly restore: TrafficEntry[];
  /** What serves now, ready for the step plans. */
  readonly served: TrafficEntry[];
}

/**
 * Reads the service and checks everything before the first change: the candidate and every
 * revision the steps and the restore name. The plan starts from what serves, not the spec.
 */
async function planPromotion(clients: GoogleClients, options: PromoteOptions, reporter: Reporter): Promise<Promotion> {
  const { target, candidate } = options;
  const [start, revisions] = await Promise.all([readService(clients, target), listRevisionFacts(clients, target)]);
  const stable = mainRevision(start.served.filter((e) => e.revision !== candidate));
  // The spec is the state to come back to only when it serves (no failed rollout left it unserved).
  const now = servesAsWanted(start, start.traffic) ? start.traffic : start.served;
  const warn = (w: string) => reporter.warning(w);
  checkReady([{ type: 'REVISION', revision: candidate, percent: 100 }], revisions, 'refusing to promote');
  const restore = servableTraffic(
    restorePlan(options.previous ?? now, start.latestReady, candidate, stable),
    revisions,
    'refusing to promote: the traffic to restore on failure cannot be served',
    warn,
  );
  const served = servableTraffic(start.served, revisions, 'refusing to promote', warn);
  return { start, revisions, stable, restore, served };
}

export async function promoteRevision(
  clients: GoogleClients,
  options: PromoteOptions,
  reporter: Reporter,
): Promise<PromoteResult> {
  const result = await promoteRegions(clients, [options], reporter);
  return { verdict: result.verdict, traffic: result.traffic[0], reasons: result.reasons };
}

export interface RegionsPromoteResult {
  readonly verdict: 'pass' | 'fail';
  /** The traffic of each region afterwards, in the order of the options. */
  readonly traffic: TrafficEntry[][];
  readonly reasons: string[];
}

/**
 * Promotes one candidate in several regions together (issue 14): every region is checked before the
 * first change, each step is set and judged in all of them at once, and a failure in any region (or
 * a cancellation) restores every region's exact previous traffic. `legs` are one region's options
 * each; steps, bake, rollback-on-failure, state and signal are taken from the first.
 */
export async function promoteRegions(
  clients: GoogleClients,
  legs: readonly PromoteOptions[],
  reporter: Reporter,
): Promise<RegionsPromoteResult> {
  const [first] = legs;
  const targets = legs.map((l) => l.target);
  const several = legs.length > 1;
  const reporters = legs.map((l) => regionReporter(reporter, l.target.region, several));
  const plans = valuesOrThrow(
    'Promotion checks',
    legs,
    await inEveryRegion(legs, reporter, (_t, r, k) => planPromotion(clients, legs[k], r)),
  );
  // A region without a stable revision (its service is new) takes 100 % at once, the others step.
  const steps = plans.some((p) => p.stable) ? first.steps : [100];
  const stepPlans = plans.map((p, k) => trafficStepPlan(p.served, legs[k].candidate, p.stable ? steps : steps.map(() => 100)));
  for (const [k, { target, candidate }] of legs.entries()) {
    reporters[k].info(
      `Promoting ${candidate} on ${target.service} in steps ${steps.join(', ')} % (stable: ${plans[k].stable ?? 'none'})`,
    );
    reporters[k].info(`Traffic to restore on failure: ${formatSnapshot(plans[k].restore)}`);
  }

  saveRestore(
    first.state,
    legs.map((l, k) => ({ target: l.target, candidate: l.candidate, traffic: plans[k].restore })),
  );
  // Tells this promotion's record on the service from an earlier one of the same revision.
  const started = new Date().toISOString();
  const records: TrafficStepRecord[][] = legs.map(() => []);
  const current = plans.map((p) => p.start);
  // Regions whose traffic someone else changed: Runway leaves them as they are.
  const overridden: (TrafficOverridden | undefined)[] = legs.map(() => undefined);
  /** The service read again, checked to still serve what this promotion set last (a person's change wins). */
  const stillOurs = async (k: number): Promise<ServiceTraffic> => {
    const fresh = await readService(clients, targets[k]);
    checkStillOurs(targets[k].service, fresh, legs[k].candidate, { started, traffic: current[k].traffic });
    return fresh;
  };
  /** Throws when any region was overridden (after noting which), else the regions' own first error. */
  const throwFailures = (settled: readonly PromiseSettledResult<unknown>[], what: string) => {
    const thrown = regionFailures(legs, settled);
    for (const [k, s] of settled.entries())
      if (s.status === 'rejected' && s.reason instanceof TrafficOverridden) overridden[k] = s.reason;
    if (overridden.some(Boolean)) throw new Overridden();
    if (thrown.some((f) => f.reason instanceof Cancelled)) throw new Cancelled();
    if (thrown.length) throw several ? new RegionsFailed(what, thrown) : thrown[0].reason;
  };
  let failure: string[] | undefined;
  let cancelled = false;
  try {
    for (const [i, percent] of steps.entries()) {
      const settled = await inEveryRegion(legs, reporter, async (_t, r, k) =>
        runTrafficStep(clients, legs[k], await stillOurs(k), stepPlans[k][i], percent, plans[k].stable, r, started),
      );
      const failed: string[] = [];
      for (const [k, s] of settled.entries()) {
        if (s.status === 'rejected') continue;
        current[k] = s.value.state;
        records[k].push(s.value);
        reporters[k].info(`Step ${i + 1}/${steps.length}: ${percent} % to ${legs[k].candidate}: ${s.value.verdict}`);
        const where = several ? `${targets[k].region}: ` : '';
        if (s.value.verdict === 'fail') failed.push(`${where}step ${percent} % failed: ${s.value.reasons.join('; ')}`);
      }
      throwFailures(settled, `The ${percent} % step`);
      if (failed.length) {
        failure = failed;
        break;
      }
    }
    // The release is recorded (and tags pruned) only on traffic that is still this promotion's.
    if (!failure) {
      const settled = await inEveryRegion(legs, reporter, (_t, _r, k) => stillOurs(k));
      throwFailures(settled, 'Recording the release');
      settled.forEach((s, k) => (current[k] = (s as PromiseFulfilledResult<ServiceTraffic>).value));
    }
  } catch (e) {
    cancelled = e instanceof Cancelled;
    const byOthers = e instanceof Overridden;
    // An API error mid-promotion must not leave traffic half-shifted either.
    if (!cancelled && !byOthers && !first.rollbackOnFailure) {
      markFinished(first.state, 'left');
      throw e;
    }
    failure = byOthers
      ? overridden.flatMap((o, k) => (o ? [`${several ? `${targets[k].region}: ` : ''}${o.message}`] : []))
      : [cancelled ? 'the job was cancelled' : `promotion stopped by an error: ${(e as Error).message}`];
  }

  if (failure) {
    const restoreNow = cancelled || first.rollbackOnFailure;
    const outcomes = await finishFailed(clients, legs, plans, current, overridden, restoreNow, started, reporter);
    for (const [k, o] of outcomes.entries()) if (o.overridden && !overridden[k]) failure.push(o.overridden.message);
    markFinished(first.state, outcomes.some((o) => o.overridden) ? 'overridden' : restoreNow ? 'restored' : 'left');
    for (const [k, leg] of legs.entries())
      summarize(reporter, leg, plans[k].start.served, outcomes[k].after, records[k], failure, outcomes[k].outcome, several);
    return { verdict: 'fail', traffic: outcomes.map((o) => o.after), reasons: failure };
  }

  const finished = await Promise.all(
    legs.map((leg, k) => {
      const { start, revisions } = plans[k];
      // What served before the promotion counts as released, newest first (for the tags it keeps).
      const servedBefore = revisions
        .filter((r) => start.served.some((e) => e.revision === r.name && e.percent > 0))
        .sort((a, b) => b.created - a.created)
        .map((r) => r.name);
      return recordSuccess(clients, leg, current[k], revisions, servedBefore, reporters[k]);
    }),
  );
  markFinished(first.state, 'promoted');
  for (const [k, leg] of legs.entries())
    summarize(
      reporter,
      leg,
      plans[k].start.served,
      finished[k].state.traffic,
      records[k],
      finished[k].notes,
      'promoted',
      several,
    );
  return { verdict: 'pass', traffic: finished.map((f) => f.state.traffic), reasons: [] };
}

/** Someone else changed the traffic of one or more regions (which: `overridden` in promoteRegions). */
class Overridden extends Error {}

type Outcome = 'restored' | 'left' | 'overridden';

/**
 * After a failed, cancelled or overridden promotion: each region whose traffic is still this
 * promotion's is restored (when `restoreNow`), checked again on every read of the restore; a region
 * someone else changed is left as it is, with what was found.
 */
async function finishFailed(
  clients: GoogleClients,
  legs: readonly PromoteOptions[],
  plans: readonly Promotion[],
  current: readonly ServiceTraffic[],
  overridden: readonly (TrafficOverridden | undefined)[],
  restoreNow: boolean,
  started: string,
  reporter: Reporter,
): Promise<{ after: TrafficEntry[]; outcome: Outcome; overridden?: TrafficOverridden }[]> {
  const settled = await inEveryRegion(legs, reporter, async ({ target: t }, r, k) => {
    const found = overridden[k];
    if (found) return { after: [...found.found.traffic], outcome: 'overridden' as const, overridden: found };
    if (!restoreNow) return { after: current[k].traffic, outcome: 'left' as const };
    const guard = promotionGuard(t.service, legs[k].candidate, { started, traffic: current[k].traffic });
    try {
      const { after } = await restoreTraffic(clients, t, plans[k].restore, r, guard);
      return { after: after.traffic, outcome: 'restored' as const };
    } catch (e) {
      if (!(e instanceof TrafficOverridden)) throw e;
      r.warning(`Not restoring the traffic of ${t.service}: ${e.message}`);
      return { after: [...e.found.traffic], outcome: 'overridden' as const, overridden: e };
    }
  });
  return valuesOrThrow('Restoring the previous traffic', legs, settled);
}

/**
 * The metrics check of one step, without the gate's own requests (`sent`). A Monitoring API that
 * cannot be read (e.g. no monitoring.timeSeries.list permission) leaves the step not judged by
 * metrics, like too few requests: the gates already passed, and a missing role must not roll back
 * a healthy release. No data at all by the end of the bake is said as a warning, never a silent pass.
 */
async function judgeRequestCounts(
  options: PromoteOptions,
  stepStart: Date,
  sent: Record<string, number>,
  reporter: Reporter,
): Promise<Check> {
  const { metrics, candidate, signal } = options;
  const name = `Cloud Monitoring request counts of ${candidate}`;
  let counts: Record<string, number>;
  try {
    counts = await unlessCancelled(metrics!.count(candidate, stepStart, new Date()), signal);
  } catch (e) {
    if (e instanceof Cancelled) throw e;
    const reason = `could not be read, not judged: ${describeApiError(e)} (reading needs roles/monitoring.viewer)`;
    reporter.warning(`${name} ${reason}`);
    return { name, verdict: 'inconclusive', reasons: [reason] };
  }
  if (Object.keys(counts).length === 0) {
    const reason = `no data yet for the ${options.bakeSeconds}s bake: Cloud Monitoring publishes a minute's counts up to ${MONITORING_DELAY_SECONDS}s later, so only a bake of at least ${MONITORING_DELAY_SECONDS + 60}s would be judged; not judged`;
    reporter.warning(`${name}: ${reason}`);
    return { name, verdict: 'inconclusive', reasons: [reason] };
  }
  const check = judgeMetrics(candidate, countRequests(withoutOwnRequests(counts, sent)), metrics!.limits);
  if (check.verdict === 'inconclusive') reporter.notice(`${check.name}: ${check.reasons.join('; ')}`);
  return check;
}

/** One step: set its traffic, gate, bake, count requests, judge. */
async function runTrafficStep(
  clients: GoogleClients,
  options: PromoteOptions,
  before: ServiceTraffic,
  traffic: readonly TrafficEntry[],
  percent: number,
  stable: string | undefined,
  reporter: Reporter,
  started: string,
): Promise<TrafficStepRecord & { state: ServiceTraffic; reasons: string[] }> {
  const { candidate, signal } = options;
  const stepStart = new Date();
  // `before` is a fresh read, checked to still be ours (stillOurs), so its etag is current.
  // Nothing is sent when the step already serves (a region new to the service took 100 % at its
  // first deploy and stays there while the other regions step).
  const served = servesAsWanted(before, traffic);
  if (served) reporter.info(`${percent} %: already served as planned; no traffic update sent.`);
  // The record of what this promotion set rides in the same update (override.ts).
  const record = withPromotion(before.annotations, { revision: candidate, started, traffic: [...traffic] });
  const state = served ? before : await unlessCancelled(setTraffic(clients, options.target, before, traffic, record), signal);
  const { checks, sent } = options.probe
    ? await unlessCancelled(gates(options.probe, state, candidate, percent, stable, reporter, signal), signal)
    : { checks: [], sent: {} };
  const judging = { failOnInconclusive: options.failOnInconclusive };
  for (const c of checks.filter((c) => c.verdict === 'inconclusive' && !options.failOnInconclusive))
    reporter.warning(
      `${c.name} at ${percent} %: inconclusive, not failing the step (fail-on-inconclusive: false): ${c.reasons.join('; ')}`,
    );
  let metrics: Check | undefined;
  if (trafficStepVerdict(checks, undefined, judging).verdict === 'pass') {
    const bakeMs = options.bakeSeconds * 1000 - (Date.now() - stepStart.getTime());
    if (bakeMs > 0) reporter.progress(`${percent} %: gates passed; baking ${Math.ceil(bakeMs / 1000)}s before the next step`);
    await bake(bakeMs, signal);
    if (options.metrics) metrics = await judgeRequestCounts(options, stepStart, sent, reporter);
  }
  const verdict = trafficStepVerdict(checks, metrics, judging);
  return {
    state,
    percent,
    verdict: verdict.verdict,
    reasons: verdict.reasons,
    checks: metrics ? [...checks, metrics] : checks,
    seconds: (Date.now() - stepStart.getTime()) / 1000,
  };
}

/**
 * After the last step: one traffic update that removes stale tags (releases older than the last
 * `keepTags`, failed candidates) and records the release, so history and last-good are written
 * only with a traffic operation that succeeded; then the live image tag. Failures here are
 * reported, not fatal: the candidate already serves.
 */
async function recordSuccess(
  clients: GoogleClients,
  options: PromoteOptions,
  current: ServiceTraffic,
  revisions: readonly RevisionFacts[],
  servedBefore: readonly string[],
  reporter: Reporter,
): Promise<{ state: ServiceTraffic; notes: string[] }> {
  const notes: string[] = [];
  const revision = revisions.find((r) => r.name === options.candidate);
  const tags = current.traffic.flatMap((e) => (e.revision === options.candidate && e.tag ? [e.tag] : []));
  const release: ReleaseRecord = {
    action: 'promote',
    revision: options.candidate,
    time: new Date().toISOString(),
    ...(revision?.digest ? { digest: revision.digest } : {}),
    ...(options.commit ? { commit: options.commit } : {}),
    ...(options.actor ? { actor: options.actor } : {}),
    ...(tags.length ? { tags } : {}),
  };
  // The promotion is finished: its record has nothing left to guard.
  const annotations = recordRelease(withoutPromotion(current.annotations), release);
  const history = decodeHistory(annotations[HISTORY_ANNOTATION]);
  const releases = [...history.flatMap((r) => (r.action === 'promote' ? [r.revision] : [])), ...servedBefore];
  const pruned = withoutStaleTags(
    current.traffic,
    options.candidate,
    releases,
    revisions,
    options.keepTags ?? 3,
    madeByRunway(history),
  );
  let state = current;
  try {
    state = await setTraffic(
      clients,
      options.target,
      await reread(clients, options.target, current),
      pruned.traffic,
      annotations,
    );
    notes.push(`Recorded ${options.candidate} as the last good revision in the service annotations.`);
    if (pruned.removed.length) notes.push(`Removed stale traffic tags: ${pruned.removed.join(', ')}.`);
    if (pruned.foreign.length)
      notes.push(`Kept older traffic tags Runway did not make (not Runway's to remove): ${pruned.foreign.join(', ')}.`);
  } catch (e) {
    reporter.warning(`Promoted, but the release history could not be recorded: ${(e as Error).message}`);
  }
  try {
    notes.push(await tagLiveImage(clients, revision?.image, options.target.service));
  } catch (e) {
    reporter.warning(`Promoted, but the live image tag could not be set: ${(e as Error).message}`);
  }
  for (const n of notes) reporter.info(n);
  return { state, notes };
}

function summarize(
  reporter: Reporter,
  options: PromoteOptions,
  before: readonly TrafficEntry[],
  after: readonly TrafficEntry[],
  records: readonly TrafficStepRecord[],
  notes: readonly string[],
  outcome: 'promoted' | Outcome,
  several = false,
): void {
  const title = {
    promoted: `Promoted ${md.code(options.candidate)}`,
    restored: `Promotion of ${md.code(options.candidate)} failed; previous traffic restored`,
    overridden: `Promotion of ${md.code(options.candidate)} stopped: someone else changed the traffic; nothing restored`,
    left: `Promotion of ${md.code(options.candidate)} failed; traffic left at the failed step (rollback-on-failure: false)`,
  }[outcome];
  reporter.summary(
    md.heading(`${title} on ${md.code(options.target.service)}${several ? ` in ${options.target.region}` : ''}`) +
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
