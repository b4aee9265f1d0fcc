/**
 * Runs the migration command as a Cloud Run job before the service changes: same image, env,
 * secrets, Cloud SQL instances, service account and VPC access as the new revision, so it reaches
 * the database exactly as the app will. The job `SERVICE-migrate` is created once and updated after.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import type { protos } from '@google-cloud/run';
import type { GoogleClients } from '../cloudrun/clients';
import { errorCode, errorDetails } from '../cloudrun/errors';
import { sendOnce, withRetry } from '../cloudrun/retry';
import { jobName, locationName, type ServiceTarget } from '../cloudrun/target';
import type { MigrationCheck } from '../migrations/check';
import { commandArgv, type MigrationCommand } from '../migrations/command';
import type { MigrationPolicy } from '../migrations/policy';
import { checkReleaseMigrations } from '../migrations/release-check';
import { probeServing, servingVerdict } from '../migrations/serving-probe';
import { adcTokens } from '../registry/login';
import { md, type Reporter } from '../report';
import { servingContainerIndex } from './service-template';

type Job = protos.google.cloud.run.v2.IJob;
type Template = protos.google.cloud.run.v2.IRevisionTemplate;
type Execution = protos.google.cloud.run.v2.IExecution;

/**
 * The longest job ID: a lowercase DNS label of at most 49 characters, as for services (what the
 * emulator enforces after Cloud Run's console and gcloud; stricter than RFC 1035's 63).
 */
export const MAX_JOB_ID = 49;
const SUFFIX = '-migrate';

/**
 * `SERVICE-migrate`; for a service name too long for that, its start, 4 hex digits of its hash (so
 * two long names that share a start get different jobs) and `-migrate`. Stable per service.
 */
export function migrationJobId(service: string): string {
  if (service.length + SUFFIX.length <= MAX_JOB_ID) return service + SUFFIX;
  const hash = createHash('sha256').update(service).digest('hex').slice(0, 4);
  const start = service.slice(0, MAX_JOB_ID - SUFFIX.length - hash.length - 1).replace(/-+$/, '');
  return `${start}-${hash}${SUFFIX}`;
}

/** The job that runs `command` (through /bin/sh -c, or as it is in the exec form) with the revision template's container, volumes and identity. */
export function migrationJob(template: Template, command: MigrationCommand): Job {
  const containers = template.containers ?? [];
  const serving = containers[servingContainerIndex(containers)] ?? {};
  return {
    labels: { 'managed-by': 'runway' },
    template: {
      taskCount: 1,
      parallelism: 1,
      template: {
        maxRetries: 0,
        containers: [
          {
            image: serving.image,
            env: serving.env ?? [],
            volumeMounts: serving.volumeMounts ?? [],
            ...(serving.resources ? { resources: { limits: serving.resources.limits ?? {} } } : {}),
            command: commandArgv(command),
            args: [],
          },
        ],
        volumes: template.volumes ?? [],
        ...(template.serviceAccount ? { serviceAccount: template.serviceAccount } : {}),
        ...(template.vpcAccess ? { vpcAccess: template.vpcAccess } : {}),
      },
    },
  };
}

type Operation<T> = { promise(): Promise<[T, ...unknown[]]> };

async function readJob(clients: GoogleClients, name: string): Promise<Job | undefined> {
  try {
    const [job] = await withRetry(() => clients.jobs.getJob({ name }));
    return job;
  } catch (e) {
    if (errorCode(e) !== status.NOT_FOUND) throw e;
    return undefined;
  }
}

/**
 * Creates or updates the job. After a transient error a re-read decides: a job that now exists (a
 * create) or whose etag moved (an update; only Runway changes this job) was saved, and is not sent again.
 */
async function saveJob(clients: GoogleClients, target: ServiceTarget, name: string, job: Job): Promise<void> {
  const existing = await readJob(clients, name);
  const sent = await sendOnce(
    async () => {
      const [operation] = existing
        ? await clients.jobs.updateJob({ job: { ...job, name, etag: existing.etag } })
        : await clients.jobs.createJob({ parent: locationName(target), jobId: migrationJobId(target.service), job });
      return operation as unknown as Operation<Job>;
    },
    async () => {
      const now = await readJob(clients, name);
      return now && (!existing || now.etag !== existing.etag) ? now : undefined;
    },
  );
  if ('sent' in sent) await sent.sent.promise();
}

/** Polls an execution until it completes (for one started by a RunJob whose answer was lost). */
async function waitForExecution(clients: GoogleClients, name: string, intervalMs = 1000): Promise<Execution> {
  for (;;) {
    const [execution] = await withRetry(() => clients.executions.getExecution({ name }));
    if (execution.completionTime) return execution;
    await sleep(intervalMs);
  }
}

/**
 * Runs the job once and waits for its execution. A RunJob that met a transient error may have
 * started an execution: the job's execution count tells, and a started one is waited for instead
 * of running the migration twice.
 */
async function runOnce(clients: GoogleClients, name: string): Promise<Execution> {
  const before = await readJob(clients, name);
  const count = Number(before?.executionCount ?? 0);
  const sent = await sendOnce(
    async () => (await clients.jobs.runJob({ name }))[0] as unknown as Operation<Execution>,
    async () => {
      const now = await readJob(clients, name);
      return Number(now?.executionCount ?? 0) > count ? (now?.latestCreatedExecution?.name ?? undefined) : undefined;
    },
  );
  if ('applied' in sent) return waitForExecution(clients, sent.applied);
  const [execution] = await sent.sent.promise();
  return execution;
}

/** Creates or updates the job, runs it and waits for its execution; throws if it fails. */
export async function runMigration(
  clients: GoogleClients,
  target: ServiceTarget,
  job: Job,
  reporter: Reporter,
  intervalMs = 5000,
): Promise<Execution> {
  const name = jobName(target, migrationJobId(target.service));
  await saveJob(clients, target, name, job);

  reporter.info(`Running the migration command as the Cloud Run job ${migrationJobId(target.service)}`);
  const started = Date.now();
  const timer = setInterval(
    () => reporter.progress(`Migration running (${Math.round((Date.now() - started) / 1000)}s)`),
    intervalMs,
  );
  try {
    const execution = await runOnce(clients, name);
    if ((execution.failedCount ?? 0) > 0) throw new Error(`the execution ${execution.name} failed`);
    reporter.info(`Migration finished in ${Math.round((Date.now() - started) / 1000)}s`);
    return execution;
  } catch (e) {
    throw new Error(
      `The migration job ${migrationJobId(target.service)} failed, so the service was not changed: ${errorDetails(e)}`,
    );
  } finally {
    clearInterval(timer);
  }
}

/**
 * Checks the migrations new to the serving revision's image (`serving`: that of the revision that
 * serves most traffic, from the plan; none for a new service) before the job runs; throws with
 * nothing changed when the policy refuses one.
 */
export async function checkNewMigrations(
  target: ServiceTarget,
  candidate: string,
  serving: string | undefined,
  options: { policy: MigrationPolicy; allow: readonly string[]; env: NodeJS.ProcessEnv },
  reporter: Reporter,
): Promise<MigrationCheck> {
  return checkReleaseMigrations({ ...options, candidate, serving, tokens: () => adcTokens(target.project) }, reporter);
}

/** What the migration job needs besides the job: the migrations it applies and the serving revision to measure. */
export interface MigrationRun {
  readonly job: Job;
  /** The new migrations' names (from the check), for the message when the serving revision breaks. */
  readonly migrations: readonly string[];
  /** The service URL (it serves only the stable revision until the rollout) and the paths to probe. */
  readonly probe?: { readonly url: string; readonly paths: readonly string[]; readonly revision: string };
}

/**
 * Runs the job; with a probe, measures the serving revision just before and just after it. A revision
 * that passed before and fails after fails the deploy, before any traffic moves, saying that a
 * rollback will not restore the schema (also in the job summary).
 */
export async function migrateWhileServing(
  clients: GoogleClients,
  target: ServiceTarget,
  run: MigrationRun,
  reporter: Reporter,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const { probe } = run;
  const before = probe ? await probeServing(probe.url, probe.paths, 'before', reporter, env) : undefined;
  await runMigration(clients, target, run.job, reporter);
  if (!probe || !before) return;
  const after = await probeServing(probe.url, probe.paths, 'after', reporter, env);
  const verdict = servingVerdict(before, after, run.migrations, probe.revision);
  if (!verdict.message) return;
  if (!verdict.broken) return reporter.warning(verdict.message);
  reporter.summary(md.heading('The migration broke the serving revision') + verdict.message + '\n\n');
  throw new Error(verdict.message);
}
