/** The health gate as promote runs it at every step: same inputs, different URLs. */
import { gateConfig, renderGateSummary, runGate, type GateValues } from '../health';
import type { Reporter } from '../report';
import type { Probe } from './promote';

export function gateProbe(values: GateValues, reporter: Reporter): Probe {
  return async (url, baselineUrl, signal) => {
    const result = await runGate(gateConfig(values, { url, baselineUrl }), reporter, { signal });
    return { verdict: result.verdict, reasons: result.reasons, details: renderGateSummary(result) };
  };
}
