/**
 * One traffic step of a promotion in one region: set its traffic, gate it (the service URL, and the
 * candidate's tag URL beside the stable one), bake, count requests, judge. A cancelled job stops it
 * at once (Cancelled).
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { GoogleClients } from '../cloudrun/clients';
import { describeApiError } from '../cloudrun/errors';
import type { ServiceTraffic } from '../cloudrun/service-state';
import type { Reporter } from '../report';
import { setTraffic } from './apply';
import { withPromotion } from './override';
import { servesAsWanted } from './plan';
import type { Probe, PromoteLeg, PromotionSettings } from './promote';
import type { TrafficEntry } from '../cloudrun/traffic-entry';
import type { TrafficStepRecord } from './summary';
import {
  countRequests,
  judgeMetrics,
  MONITORING_DELAY_SECONDS,
  trafficStepVerdict,
  withoutOwnRequests,
  type Check,
} from './verdict';

/** The job was cancelled: the promotion stops and restores the traffic. */
export class Cancelled extends Error {}

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

/** One step of a promotion in one region, as runTrafficStep takes it. */
export interface TrafficStep {
  readonly percent: number;
  /** The traffic the step sets. */
  readonly traffic: readonly TrafficEntry[];
  /** The service read just before, checked to still serve what this promotion set last: its etag is current. */
  readonly before: ServiceTraffic;
  readonly stable: string | undefined;
  /** When the promotion started: tells its record on the service from an earlier one of the same revision. */
  readonly started: string;
}

/** Gate checks of one step, with the gate's own requests the candidate received (by response class). */
async function gates(
  probe: Probe,
  candidate: string,
  state: ServiceTraffic,
  step: TrafficStep,
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
    add(own, step.percent / 100);
  }
  const candidateUrl = tagUrl(state, candidate);
  if (!candidateUrl) {
    reporter.warning(`${candidate} has no traffic tag, so it cannot be probed on its own; only the service URL is gated`);
    return { checks, sent };
  }
  const { stable } = step;
  const stableUrl = tagUrl(state, stable);
  const name = stableUrl
    ? `gate on ${candidate} beside ${stable}`
    : `gate on ${candidate} (${stable ?? 'the stable revision'} has no tag to compare with)`;
  const { sent: own, ...check } = await probe(candidateUrl, stableUrl, signal);
  checks.push({ name, ...check });
  add(own, 1);
  return { checks, sent };
}

/**
 * The metrics check of one step, without the gate's own requests (`sent`). A Monitoring API that
 * cannot be read (e.g. no monitoring.timeSeries.list permission) leaves the step not judged by
 * metrics, like too few requests: the gates already passed, and a missing role must not roll back
 * a healthy release. No data at all by the end of the bake is said as a warning, never a silent pass.
 */
async function judgeRequestCounts(
  settings: PromotionSettings,
  leg: PromoteLeg,
  stepStart: Date,
  sent: Record<string, number>,
  reporter: Reporter,
): Promise<Check | undefined> {
  const { metrics, signal, bakeSeconds } = settings;
  const { countRequests: count, candidate } = leg;
  if (!metrics || !count) return undefined;
  const name = `Cloud Monitoring request counts of ${candidate}`;
  let counts: Record<string, number>;
  try {
    counts = await unlessCancelled(count(candidate, stepStart, new Date()), signal);
  } catch (e) {
    if (e instanceof Cancelled) throw e;
    const reason = `could not be read, not judged: ${describeApiError(e)} (reading needs roles/monitoring.viewer)`;
    reporter.warning(`${name} ${reason}`);
    return { name, verdict: 'inconclusive', reasons: [reason] };
  }
  if (Object.keys(counts).length === 0) {
    const reason = `no data yet for the ${bakeSeconds}s bake: Cloud Monitoring publishes a minute's counts up to ${MONITORING_DELAY_SECONDS}s later, so only a bake of at least ${MONITORING_DELAY_SECONDS + 60}s would be judged; not judged`;
    reporter.warning(`${name}: ${reason}`);
    return { name, verdict: 'inconclusive', reasons: [reason] };
  }
  const check = judgeMetrics(candidate, countRequests(withoutOwnRequests(counts, sent)), metrics);
  if (check.verdict === 'inconclusive') reporter.notice(`${check.name}: ${check.reasons.join('; ')}`);
  return check;
}

/** One step in one region: set its traffic, gate, bake, count requests, judge. */
export async function runTrafficStep(
  clients: GoogleClients,
  settings: PromotionSettings,
  leg: PromoteLeg,
  step: TrafficStep,
  reporter: Reporter,
): Promise<TrafficStepRecord & { state: ServiceTraffic; reasons: string[] }> {
  const { signal, failOnInconclusive } = settings;
  const { before, traffic, percent } = step;
  const stepStart = new Date();
  // Nothing is sent when the step already serves (a region new to the service took 100 % at its
  // first deploy and stays there while the other regions step).
  const served = servesAsWanted(before, traffic);
  if (served) reporter.info(`${percent} %: already served as planned; no traffic update sent.`);
  // The record of what this promotion set rides in the same update (override.ts).
  const record = withPromotion(before.annotations, { revision: leg.candidate, started: step.started, traffic: [...traffic] });
  const state = served ? before : await unlessCancelled(setTraffic(clients, leg.target, before, traffic, record), signal);
  const { checks, sent } = leg.probe
    ? await unlessCancelled(gates(leg.probe, leg.candidate, state, step, reporter, signal), signal)
    : { checks: [], sent: {} };
  for (const c of checks.filter((c) => c.verdict === 'inconclusive' && !failOnInconclusive))
    reporter.warning(
      `${c.name} at ${percent} %: inconclusive, not failing the step (fail-on-inconclusive: false): ${c.reasons.join('; ')}`,
    );
  let metrics: Check | undefined;
  if (trafficStepVerdict(checks, undefined, { failOnInconclusive }).verdict === 'pass') {
    const bakeMs = settings.bakeSeconds * 1000 - (Date.now() - stepStart.getTime());
    if (bakeMs > 0) reporter.progress(`${percent} %: gates passed; baking ${Math.ceil(bakeMs / 1000)}s before the next step`);
    await bake(bakeMs, signal);
    metrics = await judgeRequestCounts(settings, leg, stepStart, sent, reporter);
  }
  const verdict = trafficStepVerdict(checks, metrics, { failOnInconclusive });
  return {
    state,
    percent,
    verdict: verdict.verdict,
    reasons: verdict.reasons,
    checks: metrics ? [...checks, metrics] : checks,
    seconds: (Date.now() - stepStart.getTime()) / 1000,
  };
}
