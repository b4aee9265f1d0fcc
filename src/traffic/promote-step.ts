/**
 * The promote action's two steps: `main` (inputs in, promotion, outputs out; SIGINT/SIGTERM from a
 * cancelled job restore the traffic) and `post` (restores the traffic when main was killed mid-way).
 */
import { createClients } from '../cloudrun/clients';
import { readService } from '../cloudrun/service-state';
import { describeApiError } from '../cloudrun/errors';
import { inEveryRegion, RegionsFailed, regionReporter, valuesOrThrow } from '../regional';
import { perRegion, resolveTargets, valuesFor } from '../regional';
import type { InputsOf, OutputsOf } from '../inputs';
import { md, StepFailure, type Reporter, type StepContext } from '../report';
import { restoreTraffic } from './apply';
import { promoteAction } from './inputs';
import { gateProbe } from './gate-probe';
import { promoteRegions, type PromoteLeg, type PromotionSettings } from './promote';
import { requestCounts } from './request-counts';
import { pendingRestore } from './restore';
import { Refused } from './ready-check';
import { beforeAfter, trafficTable } from './summary';
import { promotionGuard, promotionOf, TrafficOverridden } from './override';

type Inputs = InputsOf<typeof promoteAction>;

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

export async function runPromote(
  inputs: Inputs,
  { reporter, state, env }: StepContext,
): Promise<OutputsOf<typeof promoteAction>> {
  const targets = resolveTargets(inputs, env);
  const candidates = valuesFor('revision', inputs.revision, targets);
  const previous = inputs['previous-traffic'] && valuesFor('previous-traffic', inputs['previous-traffic'], targets);
  const clients = createClients(env);
  const cancel = cancellation(reporter);
  try {
    const legs = targets.map((target, k): PromoteLeg => ({
      target,
      candidate: candidates[k],
      previous: previous?.[k],
      probe: gateProbe(inputs, regionReporter(reporter, target.region, targets.length > 1), env),
      countRequests: (revision, start, end) => requestCounts(clients, target, revision, start, end),
    }));
    const shared: PromotionSettings = {
      steps: inputs.steps,
      bakeSeconds: inputs.bake,
      rollbackOnFailure: inputs['rollback-on-failure'],
      failOnInconclusive: inputs['fail-on-inconclusive'],
      metrics: inputs['metrics-check']
        ? { maxErrorRate: inputs['metrics-max-error-rate'], minRequests: inputs['metrics-min-requests'] }
        : undefined,
      state,
      signal: cancel.signal,
      actor: env.GITHUB_ACTOR,
      commit: env.GITHUB_SHA,
      keepTags: inputs['keep-tags'],
    };
    const result = await promoteRegions(clients, { shared, legs }, reporter);
    const outputs = { verdict: result.verdict, traffic: perRegion(legs, result.traffic) };
    // Later steps still read the outputs (`if: steps.promote.outputs.verdict == 'fail'`).
    if (result.verdict === 'fail')
      throw new StepFailure(`Promotion of ${[...new Set(candidates)].join(', ')} failed: ${result.reasons.join('; ')}`, outputs);
    return outputs;
  } catch (e) {
    if (e instanceof StepFailure || e instanceof RegionsFailed) throw e;
    throw new Error(e instanceof Refused ? e.message : describeApiError(e));
  } finally {
    cancel.dispose();
    await clients.close();
  }
}

/**
 * The post step: restores the saved traffic (of every region) when the main step stopped
 * mid-promotion, through the same restore a failed step uses, so both end with exactly the traffic
 * saved before the first change. Only what the promotion itself set is undone: a region without its
 * record changed nothing, and a region whose traffic someone else changed since is left as it is
 * and fails the step, naming what was found.
 */
export async function runPromotePost(
  _inputs: unknown,
  { reporter, state, env }: StepContext,
): Promise<OutputsOf<typeof promoteAction>> {
  const pending = pendingRestore(state);
  if (!pending) {
    reporter.info('The promotion finished in its main step; nothing to restore');
    return {};
  }
  const clients = createClients(env);
  const targets = pending.map((p) => p.target);
  try {
    const settled = await inEveryRegion(pending, reporter, async ({ target }, r, k) => {
      const { candidate, traffic } = pending[k];
      try {
        const record = promotionOf((await readService(clients, target)).annotations, candidate);
        if (!record) {
          r.info(`No traffic change of the promotion of ${candidate} took effect on ${target.service}; nothing to restore`);
          return;
        }
        r.warning(`The promotion of ${candidate} did not finish; restoring the traffic it replaced`);
        const guard = promotionGuard(target.service, candidate, record);
        const { before, after } = await restoreTraffic(clients, target, traffic, r, guard);
        reporter.summary(
          md.heading(
            `Promotion of ${md.code(candidate)} stopped; previous traffic${targets.length > 1 ? ` of ${target.region}` : ''} restored by the post step`,
          ) + beforeAfter(before, after.traffic),
        );
      } catch (e) {
        if (e instanceof TrafficOverridden) {
          reporter.summary(
            md.heading(`Promotion of ${md.code(candidate)} stopped; traffic left as someone else set it`) +
              `${e.message}\n\n${trafficTable(e.found.traffic)}`,
          );
          throw new Error(`Not restoring: ${e.message}`);
        }
        if (e instanceof Refused) throw new Error(e.message);
        throw new Error(`Could not restore the traffic of ${target.service}: ${describeApiError(e)}`);
      }
    });
    valuesOrThrow('Restoring the previous traffic', pending, settled);
    return {};
  } finally {
    await clients.close();
  }
}
