/**
 * The promote action's two steps: `main` (inputs in, promotion, outputs out; SIGINT/SIGTERM from a
 * cancelled job restore the traffic) and `post` (restores the traffic when main was killed mid-way).
 */
import { createClients } from '../cloudrun/clients';
import { describeApiError } from '../cloudrun/errors';
import { resolveTarget } from '../cloudrun/target';
import type { InputValues } from '../inputs';
import { md, StepFailure, type Reporter, type StepState } from '../report';
import { restoreTraffic } from './apply';
import { promoteAction } from './inputs';
import { gateProbe } from './gate-probe';
import { promoteRevision } from './promote';
import { requestCounts } from './request-counts';
import { pendingRestore } from './restore';
import { Refused } from './ready-check';
import { formatSnapshot } from './snapshot';
import { beforeAfter } from './summary';

type Inputs = InputValues<typeof promoteAction.inputs>;

interface StepContext {
  readonly reporter: Reporter;
  readonly state: StepState;
  readonly env: NodeJS.ProcessEnv;
}

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
): Promise<Record<'verdict' | 'traffic', string>> {
  const target = resolveTarget(inputs, env);
  const clients = createClients(env);
  const cancel = cancellation(reporter);
  try {
    const result = await promoteRevision(
      clients,
      {
        target,
        candidate: inputs.revision,
        steps: inputs.steps,
        bakeSeconds: inputs.bake,
        previous: inputs['previous-traffic'],
        rollbackOnFailure: inputs['rollback-on-failure'],
        probe: gateProbe(inputs, reporter),
        failOnInconclusive: inputs['fail-on-inconclusive'],
        metrics: inputs['metrics-check']
          ? {
              limits: { maxErrorRate: inputs['metrics-max-error-rate'], minRequests: inputs['metrics-min-requests'] },
              count: (revision, start, end) => requestCounts(clients, target, revision, start, end),
            }
          : undefined,
        state,
        signal: cancel.signal,
        actor: env.GITHUB_ACTOR,
        commit: env.GITHUB_SHA,
        keepTags: inputs['keep-tags'],
      },
      reporter,
    );
    const outputs = { verdict: result.verdict, traffic: formatSnapshot(result.traffic) };
    // Later steps still read the outputs (`if: steps.promote.outputs.verdict == 'fail'`).
    if (result.verdict === 'fail')
      throw new StepFailure(`Promotion of ${inputs.revision} failed: ${result.reasons.join('; ')}`, outputs);
    return outputs;
  } catch (e) {
    if (e instanceof StepFailure) throw e;
    throw new Error(e instanceof Refused ? e.message : describeApiError(e));
  } finally {
    cancel.dispose();
    await clients.close();
  }
}

/**
 * The post step: restores the saved traffic when the main step stopped mid-promotion, through the
 * same restore a failed step uses, so both end with exactly the traffic saved before the first change.
 */
export async function runPromotePost(_inputs: unknown, { reporter, state, env }: StepContext): Promise<Record<string, string>> {
  const pending = pendingRestore(state);
  if (!pending) {
    reporter.info('The promotion finished in its main step; nothing to restore');
    return {};
  }
  reporter.warning(`The promotion of ${pending.candidate} did not finish; restoring the traffic it replaced`);
  const clients = createClients(env);
  try {
    const { before, after } = await restoreTraffic(clients, pending.target, pending.traffic, reporter);
    reporter.summary(
      md.heading(`Promotion of ${md.code(pending.candidate)} stopped; previous traffic restored by the post step`) +
        beforeAfter(before, after.traffic),
    );
    return {};
  } catch (e) {
    if (e instanceof Refused) throw new Error(e.message);
    throw new Error(`Could not restore the traffic of ${pending.target.service}: ${describeApiError(e)}`);
  } finally {
    await clients.close();
  }
}
