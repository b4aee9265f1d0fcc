/** The health gate as promote runs it at every step: same inputs, different URLs. */
import { gateConfig, renderGateSummary, runGate, withIdToken, type GateResult, type GateValues } from '../health';
import type { Reporter } from '../report';
import type { Probe } from './promote';

/** The gate's answered requests to its candidate URL (warm-up and a first batch included) by response class ("2xx", "5xx"). */
export function sentByClass(result: GateResult): Record<string, number> {
  const sent: Record<string, number> = {};
  const { warmUp, paths, firstBatch } = result.report;
  const tallies = [warmUp.candidateStatuses, ...[...(firstBatch?.paths ?? []), ...paths].map((p) => p.candidate.statuses)];
  for (const statuses of tallies) {
    for (const [code, n] of Object.entries(statuses)) {
      if (!/^\d{3}$/.test(code)) continue;
      const cls = `${code[0]}xx`;
      sent[cls] = (sent[cls] ?? 0) + n;
    }
  }
  return sent;
}

export function gateProbe(values: GateValues, reporter: Reporter, env: NodeJS.ProcessEnv): Probe {
  return async (url, baselineUrl, signal) => {
    const config = await withIdToken(gateConfig(values, { url, baselineUrl }), env, reporter);
    const result = await runGate(config, reporter, { signal });
    return { verdict: result.verdict, reasons: result.reasons, details: renderGateSummary(result), sent: sentByClass(result) };
  };
}
