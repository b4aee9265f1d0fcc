/**
 * The health-gate action's core: runs the gate (once per region when given a URL per region), writes
 * the summary and outputs, fails the step on a failing verdict.
 */
// The regional modules it needs, not the layer's index: that also holds the API error wording, which
// loads @grpc/grpc-js, and health-gate loads no Google client package.
import { everywhere } from '../regional/fan-out';
import { perRegion } from '../regional/outputs';
import type { OutputsOf, ResolvedOf } from '../inputs';
import { md, StepFailure, type StepContext } from '../report';
import { runGate } from './gate';
import { withIdToken } from './gate-token';
import { gateConfig, type healthGateAction } from './inputs';
import type { GateResult, Verdict } from './model';
import { renderGateSummary } from './summary';

/** The verdict of several gates: any fail fails, else any inconclusive is inconclusive. */
export function combinedVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('fail')) return 'fail';
  return verdicts.includes('inconclusive') ? 'inconclusive' : 'pass';
}

export async function runHealthGate(
  { shared, legs }: ResolvedOf<typeof healthGateAction>,
  { reporter, env }: StepContext,
): Promise<OutputsOf<typeof healthGateAction>> {
  const regions = legs.map((l) => l.target.region);
  const results: GateResult[] = await everywhere('Health gate', legs, reporter, async (leg, r, i) => {
    const result = await runGate(await withIdToken(gateConfig(shared, leg), env, r), r);
    reporter.summary((regions[i] ? md.heading(`Region ${regions[i]}`, 2) : '') + renderGateSummary(result));
    return result;
  });
  const verdict = combinedVerdict(results.map((r) => r.verdict));
  const reasons = results.flatMap((r, i) => r.reasons.map((why) => (regions[i] ? `${regions[i]}: ${why}` : why)));
  const failing = verdict === 'fail' || (verdict === 'inconclusive' && shared['fail-on-inconclusive']);
  const line = `Health gate: ${verdict}. ${reasons.join(' ')}`;
  const outputs = {
    verdict,
    report: perRegion(
      legs,
      results.map((r) => r.report),
    ),
  };
  if (failing) {
    for (const reason of reasons) reporter.error(reason);
    // Later steps still read the verdict and report of a failed gate.
    throw new StepFailure(`Health gate: ${verdict}`, outputs);
  }
  if (verdict === 'inconclusive') reporter.warning(line);
  else reporter.info(line);
  return outputs;
}
