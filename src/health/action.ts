/**
 * The health-gate action's core: runs the gate (once per region when given a URL per region), writes
 * the summary and outputs, fails the step on a failing verdict.
 */
import { inEveryRegion, valuesOrThrow } from '../regional';
import type { InputsOf, OutputsOf } from '../inputs';
import { md, StepFailure, type StepContext } from '../report';
import { runGate } from './gate';
import { withIdToken } from './gate-token';
import { gateConfig, gateTargets, type healthGateAction } from './inputs';
import type { GateResult, Verdict } from './model';
import { renderGateSummary } from './summary';

/** The verdict of several gates: any fail fails, else any inconclusive is inconclusive. */
export function combinedVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('fail')) return 'fail';
  return verdicts.includes('inconclusive') ? 'inconclusive' : 'pass';
}

export async function runHealthGate(
  values: InputsOf<typeof healthGateAction>,
  { reporter, env }: StepContext,
): Promise<OutputsOf<typeof healthGateAction>> {
  const gates = gateTargets({ url: values.url, baselineUrl: values['baseline-url'] });
  const regions = gates.map((g) => g.region);
  const targets = gates.map((g) => ({ target: { region: g.region ?? '' } }));
  const results: GateResult[] = valuesOrThrow(
    'Health gate',
    targets,
    await inEveryRegion(targets, reporter, async (_t, r, i) => {
      const result = await runGate(await withIdToken(gateConfig(values, gates[i]), env, r), r);
      reporter.summary((regions[i] ? md.heading(`Region ${regions[i]}`, 2) : '') + renderGateSummary(result));
      return result;
    }),
  );
  const verdict = combinedVerdict(results.map((r) => r.verdict));
  const reasons = results.flatMap((r, i) => r.reasons.map((why) => (regions[i] ? `${regions[i]}: ${why}` : why)));
  const failing = verdict === 'fail' || (verdict === 'inconclusive' && values['fail-on-inconclusive']);
  const line = `Health gate: ${verdict}. ${reasons.join(' ')}`;
  const report = regions[0]
    ? JSON.stringify(Object.fromEntries(results.map((r, i) => [regions[i], r.report])))
    : JSON.stringify(results[0].report);
  const outputs = { verdict, report };
  if (failing) {
    for (const reason of reasons) reporter.error(reason);
    // Later steps still read the verdict and report of a failed gate.
    throw new StepFailure(`Health gate: ${verdict}`, outputs);
  }
  if (verdict === 'inconclusive') reporter.warning(line);
  else reporter.info(line);
  return outputs;
}
