/**
 * How often the candidate-versus-stable comparison is wrong, at the default 100 samples per side:
 * simulated request-level samples (log-normal latencies, random errors) judged by the real verdict
 * function. A/A rows are false alarms; the other rows are power.
 *
 *   npx tsx bench/health-comparison.ts
 */
import type { Sample, Target } from '../src/health/model';
import { compare, comparisonFindings, targetStats } from '../src/health/verdict';

const RUNS = 1000;
const SAMPLES = 100;

/** A seeded generator (mulberry32) so every run of the bench prints the same numbers. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Latency around `medianMs` with the long right tail of real requests (log-normal, sigma 0.5). */
function samples(rand: () => number, target: Target, medianMs: number, errorRate: number): Sample[] {
  return Array.from({ length: SAMPLES }, () => ({
    target,
    path: '/',
    ms: medianMs * Math.exp(0.5 * normal(rand)),
    failures: rand() < errorRate ? [{ kind: 'status' as const, message: 'status 503' }] : [],
  }));
}

const scenarios: { name: string; candidate: [number, number]; stable: [number, number] }[] = [
  { name: 'A/A: same latency, 1 % errors both', candidate: [100, 0.01], stable: [100, 0.01] },
  { name: 'A/A: same latency, 5 % errors both', candidate: [100, 0.05], stable: [100, 0.05] },
  { name: 'candidate 10 % slower (below the 20 % threshold)', candidate: [110, 0], stable: [100, 0] },
  { name: 'candidate 30 % slower', candidate: [130, 0], stable: [100, 0] },
  { name: 'candidate 50 % slower', candidate: [150, 0], stable: [100, 0] },
  { name: 'candidate 5 % errors, stable none', candidate: [100, 0.05], stable: [100, 0] },
  { name: 'candidate 8 % errors, stable 1 %', candidate: [100, 0.08], stable: [100, 0.01] },
];

const rand = random(42);
console.log(`${RUNS} simulated comparisons per row, ${SAMPLES} requests per side\n`);
console.log('| scenario | fail | inconclusive | pass |\n| --- | --- | --- | --- |');
for (const s of scenarios) {
  const counts = { fail: 0, inconclusive: 0, pass: 0 };
  for (let i = 0; i < RUNS; i++) {
    const candidate = samples(rand, 'candidate', ...s.candidate);
    const stable = samples(rand, 'baseline', ...s.stable);
    const findings = comparisonFindings('/', compare(candidate, stable), targetStats(candidate), targetStats(stable));
    counts[findings.fail.length > 0 ? 'fail' : findings.inconclusive.length > 0 ? 'inconclusive' : 'pass']++;
  }
  const pct = (n: number) => `${((100 * n) / RUNS).toFixed(1)} %`;
  console.log(`| ${s.name} | ${pct(counts.fail)} | ${pct(counts.inconclusive)} | ${pct(counts.pass)} |`);
}
