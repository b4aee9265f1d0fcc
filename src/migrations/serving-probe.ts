/**
 * The serving revision, measured: while the migration job runs and after it, the stable revision (old
 * code) keeps serving on the new schema. deploy-cloudrun probes it with the health gate's core just
 * before the job and again just after, before any traffic moves; failing after where it passed before
 * means the migration broke the code a rollback would return to.
 */
import { runGate, withIdToken, type GateConfig, type Verdict } from '../health';
import type { Reporter } from '../report';

/** A short gate: enough requests to tell a broken revision from a working one, in seconds. */
export function servingProbeConfig(url: string, paths: readonly string[]): GateConfig {
  return {
    url,
    paths,
    expectedStatus: [{ from: 200, to: 299 }],
    assertions: [],
    headers: {},
    samples: 20,
    intervalMs: 50,
    concurrency: 2,
    requestTimeoutMs: 10_000,
    startupTimeoutMs: 5_000,
    maxErrorRate: 0.05,
    failOnInconclusive: false,
  };
}

/** A private service (Cloud Run's default) is probed with an ID token minted as the gate's is. */
export async function probeServing(
  url: string,
  paths: readonly string[],
  when: string,
  reporter: Reporter,
  env: NodeJS.ProcessEnv,
): Promise<Verdict> {
  const result = await runGate(await withIdToken(servingProbeConfig(url, paths), env, reporter), reporter);
  reporter.info(
    `Serving revision ${when} the migration (${paths.join(', ')} on ${url}): ${result.verdict}${result.reasons.length ? ` (${result.reasons.join('; ')})` : ''}`,
  );
  return result.verdict;
}

/** What the two probes mean; a message when the migration broke the serving revision (or when it cannot be told). Pure. */
export function servingVerdict(
  before: Verdict,
  after: Verdict,
  migrations: readonly string[],
  revision: string,
): { broken: boolean; message?: string } {
  if (before !== 'pass')
    return {
      broken: false,
      message: `The serving revision ${revision} did not pass before the migration (${before}), so whether the migration broke it cannot be told.`,
    };
  if (after === 'pass') return { broken: false };
  const named = migrations.length ? migrations.join(', ') : 'the migration job';
  return {
    broken: true,
    message:
      `The serving revision ${revision} passed before the migration and fails after it (${after}): ${named} broke the code that serves now. ` +
      `Rolling back to ${revision} will not restore the schema: roll forward (fix the code or add a migration that restores what the old code needs).`,
  };
}
