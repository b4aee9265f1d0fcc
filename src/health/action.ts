/** The health-gate action's core: runs the gate, writes the summary and outputs, fails the step on a failing verdict. */
import type { InputValues } from '../inputs';
import { StepFailure, type Reporter } from '../report';
import { runGate } from './gate';
import { gateConfig, type healthGateAction } from './inputs';
import { renderGateSummary } from './summary';

type Values = InputValues<(typeof healthGateAction)['inputs']>;

export async function runHealthGate(
  values: Values,
  { reporter }: { reporter: Reporter },
): Promise<{ verdict: string; report: string }> {
  const config = gateConfig(values, { url: values.url, baselineUrl: values['baseline-url'] });
  const result = await runGate(config, reporter);
  reporter.summary(renderGateSummary(result));
  const failing = result.verdict === 'fail' || (result.verdict === 'inconclusive' && config.failOnInconclusive);
  const line = `Health gate: ${result.verdict}. ${result.reasons.join(' ')}`;
  const outputs = { verdict: result.verdict, report: JSON.stringify(result.report) };
  if (failing) {
    for (const reason of result.reasons) reporter.error(reason);
    // Later steps still read the verdict and report of a failed gate.
    throw new StepFailure(`Health gate: ${result.verdict}`, outputs);
  }
  if (result.verdict === 'inconclusive') reporter.warning(line);
  else reporter.info(line);
  return outputs;
}
