/**
 * The promote action's two steps: `main` (inputs in, promotion, outputs out; SIGINT/SIGTERM from a
 * cancelled job restore the traffic) and `post` (restores the traffic when main was killed mid-way).
 */
import { createClients, type GoogleClients } from '../cloudrun/clients';
import { readService } from '../cloudrun/service-state';
import { described, everywhere, perRegion, regionReporter } from '../regional';
import type { OutputsOf, ResolvedOf } from '../inputs';
import { md, StepFailure, type Reporter, type StepContext } from '../report';
import { restoreTraffic } from './apply';
import { promoteAction } from './inputs';
import { gateProbe } from './gate-probe';
import { promoteRegions, type PromoteLeg, type PromotionSettings } from './promote';
import { requestCounts } from './request-counts';
import { pendingRestore, restoreError, type PendingRestore } from './restore';
import { beforeAfter, trafficTable } from './summary';
import { promotionGuard, promotionOf, TrafficOverridden } from './override';

type Outputs = OutputsOf<typeof promoteAction>;

/** An AbortSignal that fires on the signals the runner sends a cancelled job (SIGINT, then SIGTERM). */
function cancellation(reporter: Reporter): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    reporter.warning(`Received ${name}: stopping the promotion and restoring the previous traffic`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** What every region shares, from the shared inputs and the job. */
function promotionSettings(
  inputs: ResolvedOf<typeof promoteAction>['shared'],
  { state, env }: StepContext,
  signal: AbortSignal,
): PromotionSettings {
  return {
    steps: inputs.steps,
    bakeSeconds: inputs.bake,
    rollbackOnFailure: inputs['rollback-on-failure'],
    failOnInconclusive: inputs['fail-on-inconclusive'],
    metrics: inputs['metrics-check']
      ? { maxErrorRate: inputs['metrics-max-error-rate'], minRequests: inputs['metrics-min-requests'] }
      : undefined,
    state,
    signal,
    actor: env.GITHUB_ACTOR,
    commit: env.GITHUB_SHA,
    keepTags: inputs['keep-tags'],
  };
}

export async function runPromote({ shared, legs }: ResolvedOf<typeof promoteAction>, context: StepContext): Promise<Outputs> {
  const { reporter, env } = context;
  const clients = createClients(env);
  const cancel = cancellation(reporter);
  try {
    const promoteLegs = legs.map(({ target, revision, 'previous-traffic': previous }): PromoteLeg => ({
      target,
      candidate: revision,
      previous,
      probe: gateProbe(shared, regionReporter(reporter, target.region, legs.length > 1), env),
      countRequests: (candidate, start, end) => requestCounts(clients, target, candidate, start, end),
    }));
    const settings = promotionSettings(shared, context, cancel.signal);
    const result = await promoteRegions(clients, { shared: settings, legs: promoteLegs }, reporter);
    const outputs = { verdict: result.verdict, traffic: perRegion(legs, result.traffic) };
    // Later steps still read the outputs (`if: steps.promote.outputs.verdict == 'fail'`).
    if (result.verdict === 'fail') {
      const candidates = [...new Set(legs.map((l) => l.revision))].join(', ');
      throw new StepFailure(`Promotion of ${candidates} failed: ${result.reasons.join('; ')}`, outputs);
    }
    return outputs;
  } catch (e) {
    throw described(e);
  } finally {
    cancel.dispose();
    await clients.close();
  }
}

/**
 * One region's restore in the post step. Only what the promotion itself set is undone: a region
 * without its record changed nothing, and a region whose traffic someone else changed since is
 * left as it is and fails, naming what was found.
 */
async function restoreUnfinished(
  clients: GoogleClients,
  { target, candidate, traffic }: PendingRestore,
  several: boolean,
  r: Reporter,
  reporter: Reporter,
): Promise<void> {
  try {
    const record = promotionOf((await readService(clients, target)).annotations, candidate);
    if (!record) {
      r.info(`No traffic change of the promotion of ${candidate} took effect on ${target.service}; nothing to restore`);
      return;
    }
    r.warning(`The promotion of ${candidate} did not finish; restoring the traffic it replaced`);
    const { before, after } = await restoreTraffic(
      clients,
      target,
      traffic,
      r,
      promotionGuard(target.service, candidate, record),
    );
    reporter.summary(
      md.heading(
        `Promotion of ${md.code(candidate)} stopped; previous traffic${several ? ` of ${target.region}` : ''} restored by the post step`,
      ) + beforeAfter(before, after.traffic),
    );
  } catch (e) {
    if (!(e instanceof TrafficOverridden)) throw restoreError(target.service, e);
    reporter.summary(
      md.heading(`Promotion of ${md.code(candidate)} stopped; traffic left as someone else set it`) +
        `${e.message}\n\n${trafficTable(e.found.traffic)}`,
    );
    throw new Error(`Not restoring: ${e.message}`);
  }
}

/**
 * The post step: restores the saved traffic (of every region) when the main step stopped
 * mid-promotion, through the same restore a failed step uses, so both end with exactly the traffic
 * saved before the first change. Its inputs are not needed: the main step saved what to restore.
 */
export async function runPromotePost(_inputs: unknown, { reporter, state, env }: StepContext): Promise<Outputs> {
  const pending = pendingRestore(state);
  if (!pending) {
    reporter.info('The promotion finished in its main step; nothing to restore');
    return {};
  }
  const clients = createClients(env);
  try {
    await everywhere('Restoring the previous traffic', pending, reporter, (p, r) =>
      restoreUnfinished(clients, p, pending.length > 1, r, reporter),
    );
    return {};
  } finally {
    await clients.close();
  }
}
