/**
 * Runs the gate: waits for the candidate's first success (a cold revision), then probes every path
 * of the candidate, interleaved with the baseline when there is one, with a few requests in flight,
 * and stops as soon as the outcome is certain.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Reporter } from '../report';
import { isRetried } from './check';
import type { GateConfig, GateReport, GateResult, Sample, Side } from './model';
import { probe, probeUrl, type Observation } from './probe';
import { confirmed, earlyOutcome, judge, statusKey, type Run } from './judge';

export interface GateOptions {
  /** Stops probing early (e.g. the job is being cancelled); the samples so far are judged, usually inconclusive. */
  readonly signal?: AbortSignal;
}

const PROGRESS_EVERY_MS = 2000;
/** Pause before asking again after the platform's own error (a new instance starts in about a second). */
const RETRY_PAUSE_MS = 250;

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  await sleepFor(ms, undefined, { signal }).catch(() => undefined);
}

/** The `aud` claim of a JWT, without verifying it (the service does that); undefined when it is no JWT. */
export function tokenAudience(token: string): string[] | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud?: unknown };
    if (typeof payload.aud === 'string') return [payload.aud];
    if (Array.isArray(payload.aud)) return payload.aud.filter((a): a is string => typeof a === 'string');
  } catch {
    // Not a JWT: the service will say so with a 401.
  }
  return undefined;
}

function checkToken(config: GateConfig, reporter: Reporter): void {
  if (config.idToken === undefined) return;
  reporter.mask(config.idToken);
  if (config.audience === undefined) return;
  const audience = tokenAudience(config.idToken);
  if (!audience) reporter.warning('id-token is not a JWT with an aud claim; the service will probably answer 401.');
  else if (!audience.includes(config.audience))
    reporter.warning(
      `id-token was minted for audience ${audience.join(', ')}, not ${config.audience}; the service will probably answer 401.`,
    );
}

type Startup = Run['startup'];

/**
 * Probes the first path until the app answers. Deploy has already waited for the revision's Ready
 * condition, so any answer of the app, even a 503 with its own body, ends the wait (the measured
 * phase judges it); only no connection, no answer in time or the platform's own page mean the
 * revision is still starting.
 */
async function waitForStartup(config: GateConfig, reporter: Reporter, signal: AbortSignal): Promise<Startup> {
  if (config.startupTimeoutMs === 0) return { ready: true, ms: 0, attempts: 0 };
  const started = performance.now();
  const deadline = started + config.startupTimeoutMs;
  const url = probeUrl(config.url, config.paths[0]);
  let lastProgress = 0;
  for (let attempts = 1; ; attempts++) {
    // A cold revision may hold the first request until it has started, so it gets the whole startup time.
    const observed = await probe(url, config, Math.max(config.requestTimeoutMs, deadline - performance.now()), signal);
    const ms = performance.now() - started;
    if (!observed) return { ready: false, ms, attempts, failure: 'cancelled while waiting for the first success' };
    if (observed.failures.length === 0 || observed.unanswered === undefined) return { ready: true, ms, attempts };
    const last = observed.failures[0].message;
    if (performance.now() >= deadline)
      return {
        ready: false,
        ms,
        attempts,
        failure: `${config.paths[0]}: no successful response within startup-timeout ${config.startupTimeoutMs / 1000} s (${attempts} attempts; last: ${last})`,
      };
    if (attempts === 1 || ms - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = ms;
      reporter.progress(
        `Waiting for the first success of ${url}: attempt ${attempts}, ${(ms / 1000).toFixed(1)} s, last: ${last}`,
      );
    }
    await sleep(Math.min(Math.max(config.intervalMs, 100), deadline - performance.now()), signal);
  }
}

/** One measured request; asked once more after a lost connection or the platform's own page (see isRetried). */
async function probeOnceMore(
  url: string,
  config: GateConfig,
  cancel: AbortSignal,
): Promise<(Observation & { retried?: boolean }) | null> {
  const first = await probe(url, config, config.requestTimeoutMs, cancel);
  if (!first || first.failures.length === 0 || !isRetried(first.unanswered)) return first;
  await sleep(RETRY_PAUSE_MS, cancel);
  if (cancel.aborted) return null;
  const second = await probe(url, config, config.requestTimeoutMs, cancel);
  return second && { ...second, retried: true };
}

function errorCount(samples: readonly Sample[], side: Side): number {
  return samples.filter((s) => s.side === side && s.failures.length > 0).length;
}

/**
 * The measured phase: `samples` requests per path and side, early stop. `concurrency` workers, twice
 * as many with a baseline: the requests alternate between the sides (another URL, another
 * revision), so each sees about the load it would alone and the comparison takes no longer.
 */
async function measure(
  config: GateConfig,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<{ samples: Sample[]; stoppedEarly: boolean }> {
  const jobs: { side: Side; path: string; url: string }[] = [];
  for (let i = 0; i < config.samples; i++)
    for (const path of config.paths) {
      jobs.push({ side: 'candidate', path, url: probeUrl(config.url, path) });
      if (config.baselineUrl !== undefined) jobs.push({ side: 'baseline', path, url: probeUrl(config.baselineUrl, path) });
    }
  const stop = new AbortController();
  const cancel = AbortSignal.any([signal, stop.signal]);
  const samples: Sample[] = [];
  let next = 0;
  let stoppedEarly = false;
  let lastProgress = performance.now();
  const progress = () => {
    const stable = config.baselineUrl !== undefined ? `, stable ${errorCount(samples, 'baseline')}` : '';
    reporter.progress(
      `Probed ${samples.length}/${jobs.length} requests; errors: candidate ${errorCount(samples, 'candidate')}${stable}`,
    );
  };
  const worker = async () => {
    while (next < jobs.length && !cancel.aborted) {
      const job = jobs[next++];
      const observed = await probeOnceMore(job.url, config, cancel);
      if (!observed) return;
      samples.push({ side: job.side, path: job.path, ...observed });
      if (samples.length < jobs.length && earlyOutcome(config, config.paths, samples, config.samples) !== 'open') {
        stoppedEarly = true;
        stop.abort();
        return;
      }
      if (performance.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = performance.now();
        progress();
      }
      await sleep(config.intervalMs, cancel);
    }
  };
  const workers = config.concurrency * (config.baselineUrl !== undefined ? 2 : 1);
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, worker));
  progress();
  return { samples, stoppedEarly };
}

/**
 * Rounds of requests to every path of both sides before a comparison, not judged: a revision that
 * has just started answers its first requests slower (JIT, lazy imports, cold pools) while stable is
 * warm, and the latency test called that a regression (seen here: same image, +25 ms, p = 0.004).
 */
export const WARM_UP_ROUNDS = 10;

async function warmUp(config: GateConfig, signal: AbortSignal): Promise<GateReport['warmUp']> {
  const candidateStatuses: Record<string, number> = {};
  const baselineUrl = config.baselineUrl;
  if (baselineUrl === undefined) return { requests: 0, candidateStatuses };
  let rounds = 0;
  for (; rounds < WARM_UP_ROUNDS && !signal.aborted; rounds++) {
    const asked = config.paths.flatMap((path) => [
      probe(probeUrl(config.url, path), config, config.requestTimeoutMs, signal).then((o) => {
        if (o) candidateStatuses[statusKey(o.status)] = (candidateStatuses[statusKey(o.status)] ?? 0) + 1;
      }),
      probe(probeUrl(baselineUrl, path), config, config.requestTimeoutMs, signal),
    ]);
    await Promise.all(asked);
  }
  return { requests: rounds * config.paths.length, candidateStatuses };
}

/** Probes and judges a revision; never throws for an unhealthy revision (that is a 'fail' verdict). */
export async function runGate(config: GateConfig, reporter: Reporter, options: GateOptions = {}): Promise<GateResult> {
  const started = performance.now();
  const signal = options.signal ?? new AbortController().signal;
  checkToken(config, reporter);
  const startup = await waitForStartup(config, reporter, signal);
  if (startup.ready && startup.attempts > 0)
    reporter.info(
      `${probeUrl(config.url, config.paths[0])} answered after ${(startup.ms / 1000).toFixed(1)} s (${startup.attempts} attempt(s)).`,
    );
  const warm = startup.ready ? await warmUp(config, signal) : undefined;
  const measured = startup.ready ? await measure(config, reporter, signal) : { samples: [], stoppedEarly: false };
  const run = { planned: config.samples, startup, warmUp: warm };
  const first = judge(config, { ...measured, ...run, ms: performance.now() - started });
  if (!first.onlySlower || signal.aborted) return first;
  reporter.info(`${first.reasons.join('; ')}: measuring a second batch before failing on latency alone.`);
  const again = await measure(config, reporter, signal);
  return confirmed(first, judge(config, { ...again, ...run, ms: performance.now() - started }));
}
