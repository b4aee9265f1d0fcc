/**
 * Promotion: shift traffic to a candidate revision in steps, judge each step (traffic-step.ts), and
 * on a failure or cancellation put back the exact traffic it replaced. In several regions together:
 * every region is checked before the first change, each step is set and judged in all of them at
 * once, and a failure in any region restores every region.
 */
import type { GoogleClients } from '../cloudrun/clients';
import { listRevisionFacts, readService, type RevisionFacts, type ServiceTraffic } from '../cloudrun/service-state';
import type { ServiceTarget } from '../cloudrun/target';
import type { Verdict } from '../health';
import { md, type Reporter, type StepState } from '../report';
import { describing, everywhere, inEveryRegion, regionReporter, valuesOrThrow, type Regional } from '../regional';
import { restoreTraffic } from './apply';
import { restorePlan, servesAsWanted, trafficStepPlan } from './plan';
import { checkStillOurs, promotionGuard, TrafficOverridden } from './override';
import { recordPromotedRelease } from './record-release';
import { markFinished, restoreError, saveRestore } from './restore';
import { checkReady, servableTraffic } from './ready-check';
import type { TrafficEntry } from '../cloudrun/traffic-entry';
import { formatSnapshot, mainRevision } from './snapshot';
import { beforeAfter, stepsTable, type TrafficStepRecord } from './summary';
import { Cancelled, runTrafficStep } from './traffic-step';
import type { MetricsLimits } from './verdict';

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

/** What every region of a promotion shares. */
export interface PromotionSettings {
  readonly steps: readonly number[];
  readonly bakeSeconds: number;
  readonly rollbackOnFailure: boolean;
  /** An inconclusive gate fails the step (the gate's fail-on-inconclusive input). */
  readonly failOnInconclusive?: boolean;
  /** The metrics check's limits: given, each step is also judged by its leg's request counts. */
  readonly metrics?: MetricsLimits;
  readonly state: StepState;
  /** Aborted when the job is cancelled: the promotion stops and restores the traffic. */
  readonly signal?: AbortSignal;
  readonly actor?: string;
  readonly commit?: string;
  /** How many releases keep their traffic tags after a successful promotion (issue 13: stale tags). */
  readonly keepTags?: number;
}

/** One region's share of a promotion. */
export interface PromoteLeg {
  readonly target: ServiceTarget;
  readonly candidate: string;
  /** The traffic to restore on failure; default: the service's traffic when the promotion starts. */
  readonly previous?: TrafficEntry[];
  readonly probe?: Probe;
  /** The region's request counter, for the metrics check. */
  readonly countRequests?: CountRequests;
}

/** A promotion in one region, as promoteRevision takes it: the settings and the one leg together. */
export type PromoteOptions = PromotionSettings & PromoteLeg;

export interface PromoteResult {
  readonly verdict: 'pass' | 'fail';
  readonly traffic: TrafficEntry[];
  readonly reasons: string[];
}

export interface RegionsPromoteResult {
  readonly verdict: 'pass' | 'fail';
  /** The traffic of each region afterwards, in the order of the legs. */
  readonly traffic: TrafficEntry[][];
  readonly reasons: string[];
}

/** What a region's promotion starts from, checked before the first change. */
interface PromotionPlan {
  readonly start: ServiceTraffic;
  readonly revisions: RevisionFacts[];
  readonly stable?: string;
  readonly restore: TrafficEntry[];
  /** What serves now, ready for the step plans. */
  readonly served: TrafficEntry[];
}

/** One region's promotion as it goes. */
interface RegionRun extends PromoteLeg {
  readonly plan: PromotionPlan;
  /** The traffic each step sets. */
  readonly stepTraffic: readonly TrafficEntry[][];
  /** What this promotion last set (or found still its own) in the region. */
  current: ServiceTraffic;
  readonly records: TrafficStepRecord[];
  /** Someone else changed the region's traffic: Runway leaves it as it is. */
  overridden?: TrafficOverridden;
}

/** A promotion under way: what its parts share. */
interface Underway {
  readonly clients: GoogleClients;
  readonly shared: PromotionSettings;
  readonly runs: readonly RegionRun[];
  readonly steps: readonly number[];
  /** Tells this promotion's record on the service from an earlier one of the same revision. */
  readonly started: string;
  readonly reporter: Reporter;
}

/** Why a promotion stopped before it finished; a cancelled one always restores. */
interface Stop {
  readonly reasons: string[];
  readonly cancelled: boolean;
}

/** Someone else changed the traffic of one or more regions (which: their runs' `overridden`). */
class Overridden extends Error {}

type Outcome = 'restored' | 'left' | 'overridden';

/** `region: ` before a region's reason when several regions run. */
const where = (p: Underway, run: RegionRun): string => (p.runs.length > 1 ? `${run.target.region}: ` : '');

export async function promoteRevision(
  clients: GoogleClients,
  options: PromoteOptions,
  reporter: Reporter,
): Promise<PromoteResult> {
  const { target, candidate, previous, probe, countRequests, ...shared } = options;
  const legs = [{ target, candidate, previous, probe, countRequests }];
  const result = await promoteRegions(clients, { shared, legs }, reporter);
  return { verdict: result.verdict, traffic: result.traffic[0], reasons: result.reasons };
}

/**
 * Promotes one candidate in every region of `promotion` together (issue 14): plans every region,
 * sets and judges each step everywhere, then records the release, or finishes the failed promotion
 * (restoring every region whose traffic is still its own).
 */
export async function promoteRegions(
  clients: GoogleClients,
  promotion: Regional<PromotionSettings, PromoteLeg>,
  reporter: Reporter,
): Promise<RegionsPromoteResult> {
  const p = await planEverywhere(clients, promotion, reporter);
  let stop: Stop | undefined;
  try {
    const failed = await stepEverywhere(p);
    if (failed) stop = { reasons: failed, cancelled: false };
    // The release is recorded (and tags pruned) only on traffic that is still this promotion's.
    else await confirmStillOurs(p);
  } catch (e) {
    stop = stoppedBy(p, e);
  }
  return stop ? finishFailed(p, stop) : finishPromoted(p);
}

/**
 * Reads the service and checks everything before the first change: the candidate and every
 * revision the steps and the restore name. The plan starts from what serves, not the spec.
 */
async function planPromotion(clients: GoogleClients, leg: PromoteLeg, reporter: Reporter): Promise<PromotionPlan> {
  const { target, candidate } = leg;
  const [start, revisions] = await Promise.all([readService(clients, target), listRevisionFacts(clients, target)]);
  const stable = mainRevision(start.served.filter((e) => e.revision !== candidate));
  // The spec is the state to come back to only when it serves (no failed rollout left it unserved).
  const now = servesAsWanted(start, start.traffic) ? start.traffic : start.served;
  const warn = (w: string) => reporter.warning(w);
  checkReady([{ type: 'REVISION', revision: candidate, percent: 100 }], revisions, 'refusing to promote');
  const restore = servableTraffic(
    restorePlan(leg.previous ?? now, start.latestReady, candidate, stable),
    revisions,
    'refusing to promote: the traffic to restore on failure cannot be served',
    warn,
  );
  const served = servableTraffic(start.served, revisions, 'refusing to promote', warn);
  return { start, revisions, stable, restore, served };
}

/**
 * Plans every region before the first change and saves the traffic to restore. A region without a
 * stable revision (its service is new) takes 100 % at once, the others step.
 */
async function planEverywhere(
  clients: GoogleClients,
  { shared, legs }: Regional<PromotionSettings, PromoteLeg>,
  reporter: Reporter,
): Promise<Underway> {
  const plans = await everywhere(
    'Promotion checks',
    legs,
    reporter,
    describing((leg, r) => planPromotion(clients, leg, r)),
  );
  const steps = plans.some((p) => p.stable) ? shared.steps : [100];
  const runs = legs.map((leg, k): RegionRun => {
    const plan = plans[k];
    const stepTraffic = trafficStepPlan(plan.served, leg.candidate, plan.stable ? steps : steps.map(() => 100));
    const r = regionReporter(reporter, leg.target.region, legs.length > 1);
    r.info(
      `Promoting ${leg.candidate} on ${leg.target.service} in steps ${steps.join(', ')} % (stable: ${plan.stable ?? 'none'})`,
    );
    r.info(`Traffic to restore on failure: ${formatSnapshot(plan.restore)}`);
    return { ...leg, plan, stepTraffic, current: plan.start, records: [] };
  });
  saveRestore(
    shared.state,
    runs.map((run) => ({ target: run.target, candidate: run.candidate, traffic: run.plan.restore })),
  );
  return { clients, shared, runs, steps, started: new Date().toISOString(), reporter };
}

/** The region's service read again, checked to still serve what this promotion set last (a person's change wins). */
async function stillOurs(p: Underway, run: RegionRun): Promise<ServiceTraffic> {
  const fresh = await readService(p.clients, run.target);
  checkStillOurs(run.target.service, fresh, run.candidate, { started: p.started, traffic: run.current.traffic });
  return fresh;
}

/**
 * Every region's value, else a throw: Overridden when someone else changed any region's traffic
 * (noted on its run), Cancelled when the job was cancelled, else the regions' failure.
 */
function valuesOrStop<T>(p: Underway, what: string, settled: readonly PromiseSettledResult<T>[]): T[] {
  for (const [k, s] of settled.entries())
    if (s.status === 'rejected' && s.reason instanceof TrafficOverridden) p.runs[k].overridden = s.reason;
  if (p.runs.some((run) => run.overridden)) throw new Overridden();
  if (settled.some((s) => s.status === 'rejected' && s.reason instanceof Cancelled)) throw new Cancelled();
  return valuesOrThrow(what, p.runs, settled);
}

/** Sets and judges each step in every region at once; the reasons of the first step that failed anywhere. */
async function stepEverywhere(p: Underway): Promise<string[] | undefined> {
  const { clients, shared, steps, started } = p;
  for (const [i, percent] of steps.entries()) {
    const settled = await inEveryRegion(
      p.runs,
      p.reporter,
      describing(async (run: RegionRun, r: Reporter) => {
        const before = await stillOurs(p, run);
        const step = { percent, traffic: run.stepTraffic[i], before, stable: run.plan.stable, started };
        const record = await runTrafficStep(clients, shared, run, step, r);
        run.current = record.state;
        run.records.push(record);
        r.info(`Step ${i + 1}/${steps.length}: ${percent} % to ${run.candidate}: ${record.verdict}`);
        return record;
      }),
    );
    const records = valuesOrStop(p, `The ${percent} % step`, settled);
    const failed = records.flatMap((record, k) =>
      record.verdict === 'fail' ? [`${where(p, p.runs[k])}step ${percent} % failed: ${record.reasons.join('; ')}`] : [],
    );
    if (failed.length) return failed;
  }
  return undefined;
}

/** Checks every region still serves what this promotion set last, before the release is recorded. */
async function confirmStillOurs(p: Underway): Promise<void> {
  const settled = await inEveryRegion(
    p.runs,
    p.reporter,
    describing((run: RegionRun) => stillOurs(p, run)),
  );
  for (const [k, fresh] of valuesOrStop(p, 'Recording the release', settled).entries()) p.runs[k].current = fresh;
}

/** Why the promotion stopped on `e`; `e` itself when the traffic is to stay as it is (rollback-on-failure: false). */
function stoppedBy(p: Underway, e: unknown): Stop {
  const cancelled = e instanceof Cancelled;
  const byOthers = e instanceof Overridden;
  // An API error mid-promotion must not leave traffic half-shifted either.
  if (!cancelled && !byOthers && !p.shared.rollbackOnFailure) {
    markFinished(p.shared.state, 'left');
    throw e;
  }
  const reasons = byOthers
    ? p.runs.flatMap((run) => (run.overridden ? [`${where(p, run)}${run.overridden.message}`] : []))
    : [cancelled ? 'the job was cancelled' : `promotion stopped by an error: ${(e as Error).message}`];
  return { reasons, cancelled };
}

/**
 * A failed region's end: left as someone else set it, left at the failed step, or (`restoreNow`)
 * restored, checked again on every read of the restore.
 */
async function finishRegion(
  p: Underway,
  run: RegionRun,
  restoreNow: boolean,
  reporter: Reporter,
): Promise<{ after: TrafficEntry[]; outcome: Outcome; overridden?: TrafficOverridden }> {
  const { target } = run;
  if (run.overridden) return { after: [...run.overridden.found.traffic], outcome: 'overridden', overridden: run.overridden };
  if (!restoreNow) return { after: run.current.traffic, outcome: 'left' };
  const guard = promotionGuard(target.service, run.candidate, { started: p.started, traffic: run.current.traffic });
  try {
    const { after } = await restoreTraffic(p.clients, target, run.plan.restore, reporter, guard);
    return { after: after.traffic, outcome: 'restored' };
  } catch (e) {
    if (!(e instanceof TrafficOverridden)) throw restoreError(target.service, e);
    reporter.warning(`Not restoring the traffic of ${target.service}: ${e.message}`);
    return { after: [...e.found.traffic], outcome: 'overridden', overridden: e };
  }
}

/**
 * After a failed, cancelled or overridden promotion: each region whose traffic is still this
 * promotion's is restored (when rollback-on-failure or cancelled); a region someone else changed is
 * left as it is, with what was found.
 */
async function finishFailed(p: Underway, stop: Stop): Promise<RegionsPromoteResult> {
  const { shared, runs } = p;
  const restoreNow = stop.cancelled || shared.rollbackOnFailure;
  const outcomes = await everywhere('Restoring the previous traffic', runs, p.reporter, (run, r) =>
    finishRegion(p, run, restoreNow, r),
  );
  const reasons = [...stop.reasons];
  for (const [k, o] of outcomes.entries()) if (o.overridden && !runs[k].overridden) reasons.push(o.overridden.message);
  markFinished(shared.state, outcomes.some((o) => o.overridden) ? 'overridden' : restoreNow ? 'restored' : 'left');
  for (const [k, run] of runs.entries()) summarize(p, run, outcomes[k].after, reasons, outcomes[k].outcome);
  return { verdict: 'fail', traffic: outcomes.map((o) => o.after), reasons };
}

/** After the last step: the release recorded in every region. */
async function finishPromoted(p: Underway): Promise<RegionsPromoteResult> {
  const finished = await everywhere('Recording the release', p.runs, p.reporter, (run, r) =>
    recordPromotedRelease(
      p.clients,
      p.shared,
      run,
      { current: run.current, before: run.plan.start.served, revisions: run.plan.revisions },
      r,
    ),
  );
  markFinished(p.shared.state, 'promoted');
  for (const [k, run] of p.runs.entries()) summarize(p, run, finished[k].state.traffic, finished[k].notes, 'promoted');
  return { verdict: 'pass', traffic: finished.map((f) => f.state.traffic), reasons: [] };
}

/** A region's promotion in the job summary: its outcome, notes, steps, traffic before and after, and gate details. */
function summarize(
  p: Underway,
  run: RegionRun,
  after: readonly TrafficEntry[],
  notes: readonly string[],
  outcome: 'promoted' | Outcome,
): void {
  const { candidate, target, records } = run;
  const title = {
    promoted: `Promoted ${md.code(candidate)}`,
    restored: `Promotion of ${md.code(candidate)} failed; previous traffic restored`,
    overridden: `Promotion of ${md.code(candidate)} stopped: someone else changed the traffic; nothing restored`,
    left: `Promotion of ${md.code(candidate)} failed; traffic left at the failed step (rollback-on-failure: false)`,
  }[outcome];
  p.reporter.summary(
    md.heading(`${title} on ${md.code(target.service)}${p.runs.length > 1 ? ` in ${target.region}` : ''}`) +
      notes.map((n) => `- ${n}\n`).join('') +
      '\n' +
      (records.length ? stepsTable(candidate, records) : '') +
      beforeAfter(run.plan.start.served, after) +
      records
        .flatMap((r) =>
          r.checks.filter((c) => c.details).map((c) => md.details(`${r.percent} %: ${c.name} (${c.verdict})`, c.details!)),
        )
        .join(''),
  );
}
