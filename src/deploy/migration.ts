/**
 * Runs the migration command as a Cloud Run job before the service changes: same image, env,
 * secrets, Cloud SQL instances, service account and VPC access as the new revision, so it reaches
 * the database exactly as the app will. The job `SERVICE-migrate` is created once and updated after.
 */
import { status } from '@grpc/grpc-js';
import type { protos } from '@google-cloud/run';
import type { GoogleClients } from '../cloudrun/clients';
import { errorCode, errorDetails } from '../cloudrun/errors';
import { withRetry } from '../cloudrun/retry';
import { jobName, locationName, type ServiceTarget } from '../cloudrun/target';
import type { Reporter } from '../report';
import { servingContainerIndex } from './service-template';

type Job = protos.google.cloud.run.v2.IJob;
type Template = protos.google.cloud.run.v2.IRevisionTemplate;
type Execution = protos.google.cloud.run.v2.IExecution;

export const migrationJobId = (service: string): string => `${service}-migrate`;

/** The job that runs `command` with the revision template's container, volumes and identity. */
export function migrationJob(template: Template, command: string): Job {
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
            command: ['/bin/sh', '-c', command],
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

/** Creates or updates the job, runs it and waits for its execution; throws if it fails. */
export async function runMigration(
  clients: GoogleClients,
  target: ServiceTarget,
  job: Job,
  reporter: Reporter,
  intervalMs = 5000,
): Promise<Execution> {
  const name = jobName(target, migrationJobId(target.service));
  let existing: Job | undefined;
  try {
    [existing] = await withRetry(() => clients.jobs.getJob({ name }));
  } catch (e) {
    if (errorCode(e) !== status.NOT_FOUND) throw e;
  }
  const [saved] = existing
    ? await withRetry(() => clients.jobs.updateJob({ job: { ...job, name, etag: existing.etag } }))
    : await withRetry(() => clients.jobs.createJob({ parent: locationName(target), jobId: migrationJobId(target.service), job }));
  await (saved as unknown as Operation<Job>).promise();

  reporter.info(`Running the migration command as the Cloud Run job ${migrationJobId(target.service)}`);
  const started = Date.now();
  const timer = setInterval(
    () => reporter.progress(`Migration running (${Math.round((Date.now() - started) / 1000)}s)`),
    intervalMs,
  );
  try {
    const [run] = await withRetry(() => clients.jobs.runJob({ name }));
    const [execution] = await (run as unknown as Operation<Execution>).promise();
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
