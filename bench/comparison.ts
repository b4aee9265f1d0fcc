/**
 * How often the candidate-versus-stable comparison is wrong, at the default 100 samples per side:
 * simulated request-level samples (log-normal latencies, random errors, seeded) judged by the real
 * comparison functions of the verdict, with runGate's second batch after a failure for latency alone.
 * A/A rows are false alarms; the others are power.
 *
 *   npx tsx bench/run.ts comparison
 */
import type { Sample, Side } from '../src/health/model';
import { ALPHA, compare, comparisonFindings, onlySlower, sideStats } from '../src/health/judge';
import { round, seeded, type Group, type Result } from './result';

const RUNS = 500;
const SAMPLES = 100;

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Latency around `medianMs` with the long right tail of real requests (log-normal, sigma 0.5). */
function samples(rand: () => number, side: Side, medianMs: number, errorRate: number): Sample[] {
  return Array.from({ length: SAMPLES }, () => ({
    side,
    path: '/',
    ms: medianMs * Math.exp(0.5 * normal(rand)),
    failures: rand() < errorRate ? [{ kind: 'status' as const, message: 'status 503' }] : [],
  }));
}

interface Scenario {
  name: string;
  candidate: [number, number];
  stable: [number, number];
}

function findings(s: Scenario, rand: () => number) {
  const candidate = samples(rand, 'candidate', ...s.candidate);
  const stable = samples(rand, 'baseline', ...s.stable);
  return comparisonFindings('/', compare(candidate, stable), sideStats(candidate), sideStats(stable));
}

/** Whether a gate fails: as runGate, a failure for latency alone stands only if a second batch fails too. */
function fails(s: Scenario, rand: () => number): boolean {
  const first = findings(s, rand);
  return (onlySlower(first.fail, [first.slower]) ? findings(s, rand) : first).fail.length > 0;
}

/** Share of RUNS simulated gates that end in `fail`, in %. */
function failRate(s: Scenario, rand: () => number): number {
  let count = 0;
  for (let i = 0; i < RUNS; i++) if (fails(s, rand)) count++;
  return (100 * count) / RUNS;
}

export const comparison: Group = {
  name: 'comparison',
  async run(): Promise<Result[]> {
    const rand = seeded(42);
    const aa = [
      { name: 'same latency, no errors', candidate: [100, 0], stable: [100, 0] },
      { name: 'same latency, 1 % errors both', candidate: [100, 0.01], stable: [100, 0.01] },
      { name: 'same latency, 5 % errors both', candidate: [100, 0.05], stable: [100, 0.05] },
    ] satisfies Scenario[];
    const power = [
      { name: 'candidate 50 % slower', candidate: [150, 0], stable: [100, 0] },
      { name: 'candidate 30 % slower', candidate: [130, 0], stable: [100, 0] },
      { name: 'candidate 8 % errors, stable 1 %', candidate: [100, 0.08], stable: [100, 0.01] },
    ] satisfies Scenario[];
    const falseAlarms = aa.map((s) => ({ s, rate: failRate(s, rand) }));
    const detected = power.map((s) => ({ s, rate: failRate(s, rand) }));
    const worst = falseAlarms.reduce((a, b) => (b.rate > a.rate ? b : a));
    const how = (rows: { s: Scenario; rate: number }[]) => rows.map((r) => `${r.s.name}: ${round(r.rate, 1)} %`).join('; ');
    return [
      {
        name: 'gate.comparison.false-alarm',
        value: round(worst.rate, 1),
        unit: '%',
        goal: ALPHA * 100,
        better: 'lower',
        command: 'npx tsx bench/run.ts comparison',
        how: `worst A/A row of ${RUNS} simulated comparisons, ${SAMPLES} requests per side (${how(falseAlarms)}); power: ${how(detected)}`,
      },
    ];
  },
};
