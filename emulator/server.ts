/**
 * The Cloud Run emulator: one insecure gRPC port on 127.0.0.1 serving Cloud Run Admin API v2
 * (Services, Revisions, Jobs, Executions), google.longrunning.Operations, Artifact Registry and
 * Cloud Monitoring (ListTimeSeries of the proxied requests), every
 * handler behind the fault injector; an admin HTTP port; and one HTTP port per service and tag URL.
 * `startEmulator` is what tests call; main.ts is the command line.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { startAdmin } from './admin/endpoint';
import { artifactRegistryService } from './apis/artifact-registry-api';
import { Docker } from './runtime/docker';
import { DEFAULT_REGISTRY } from '../src/registry/emulator-mirror';
import { Faults } from './admin/faults';
import { Permissions } from './admin/permissions';
import { EXECUTION_TYPE, JOB_TYPE, JobControl } from './state/jobs-state';
import { monitoringService } from './apis/monitoring-api';
import { RequestMetrics } from './state/monitoring-state';
import { executionsService, jobProtos, jobsService } from './apis/jobs-api';
import { operationsService } from './apis/operations-api';
import { Operations, type Encoders } from './state/operations-state';
import { serviceDefinition } from './apis/protos';
import { accessGuard } from './runtime/access-guard';
import { IdentityTokens } from './runtime/identity-tokens';
import { RevisionRunner } from './runtime/revision-runner';
import { Router } from './runtime/router';
import { MAX_REVISIONS, REVISION_TYPE, SERVICE_TYPE, ServiceControl } from './state/services-state';
import { revisionsService, runProtos, servicesService, templateCanonicalizer } from './apis/services-api';
import { StateStore } from './state/store';

export interface EmulatorOptions {
  /** gRPC port; 0 (the default here) takes a free port. main.ts defaults to 8090. */
  port?: number;
  /**
   * Keep the state in `<stateDir>/state.json` so a restart keeps services, revisions and URLs, and the
   * ID tokens' signing key in `<stateDir>/identity-key.json` so it keeps accepting the tokens it issued.
   */
  stateDir?: string;
  /** The local registry images are pulled from (default 127.0.0.1:5000). */
  registry?: string;
  /** The secret store (`<dir>/<secret>/<version>`); default `<stateDir>/secrets` when stateDir is set. */
  secretsDir?: string;
  /** How long a revision may take to listen before it fails (default 60 s). */
  startupTimeoutMs?: number;
  /** How long after its minute closes a request shows in Monitoring (default 180 s, as Cloud Run; tests may set 0). */
  metricsDelayMs?: number;
  /**
   * How long a revision that lost its traffic keeps its idle container (default 60 s; Cloud Run keeps
   * idle instances up to 15 minutes, or none). 0 scales it to zero as soon as it has drained.
   */
  idleInstanceMs?: number;
  /** Revisions kept per service before the oldest are deleted (default 1000, as Cloud Run; tests may set fewer). */
  maxRevisions?: number;
}

export const DEFAULT_IDLE_INSTANCE_MS = 60_000;

export interface Emulator {
  /** `127.0.0.1:PORT`: the value for CLOUD_RUN_EMULATOR_HOST. */
  endpoint: string;
  port: number;
  /** `http://127.0.0.1:APORT`: the admin endpoint (faults, delays, state, ID tokens). */
  adminUrl: string;
  /** What a client needs: the gRPC endpoint, and the admin URL the actions get ID tokens from. */
  env: { CLOUD_RUN_EMULATOR_HOST: string; CLOUD_RUN_EMULATOR_ADMIN: string };
  /** Every request the service and tag URLs proxied (what the Monitoring API reports). */
  metrics: RequestMetrics;
  stop(): Promise<void>;
}

function encoders(): Encoders {
  const run = runProtos();
  const jobs = jobProtos();
  const serializer = (root: grpc.GrpcObject, service: string, method: string) =>
    serviceDefinition(root, service)[method].responseSerialize as (message: unknown) => Buffer;
  return {
    [SERVICE_TYPE]: serializer(run, 'google.cloud.run.v2.Services', 'GetService'),
    [REVISION_TYPE]: serializer(run, 'google.cloud.run.v2.Revisions', 'GetRevision'),
    [JOB_TYPE]: serializer(jobs, 'google.cloud.run.v2.Jobs', 'GetJob'),
    [EXECUTION_TYPE]: serializer(jobs, 'google.cloud.run.v2.Executions', 'GetExecution'),
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const registry = options.registry ?? DEFAULT_REGISTRY;
  const instance = randomBytes(4).toString('hex');
  const store = new StateStore(options.stateDir);
  const workDir = mkdtempSync(join(tmpdir(), 'runway-emu-'));
  const docker = new Docker(instance);
  await docker.removeOrphans();
  const runner = new RevisionRunner(docker, {
    registry,
    secretsDir: options.secretsDir ?? (options.stateDir ? join(options.stateDir, 'secrets') : undefined),
    startupTimeoutMs: options.startupTimeoutMs ?? 60_000,
    workDir,
  });
  const faults = new Faults();
  const permissions = new Permissions();
  const operations = new Operations(store, encoders());
  operations.injectedFailure = (name) => faults.operationFailure(name);
  const metrics = new RequestMetrics({ delayMs: options.metricsDelayMs });
  const tokens = new IdentityTokens(options.stateDir ? join(options.stateDir, 'identity-key.json') : undefined);
  // The router and the control plane need each other: a crashed container is revived on the next request.
  let services: ServiceControl | undefined = undefined;
  const router = new Router(
    (revision) => runner.portOf(revision),
    metrics,
    store.state.ports,
    (revision) => services?.revive(revision),
    accessGuard(store, tokens, permissions),
  );
  services = new ServiceControl(store, operations, runner, router, faults, templateCanonicalizer(), {
    registry,
    idleInstanceMs: options.idleInstanceMs ?? DEFAULT_IDLE_INSTANCE_MS,
    maxRevisions: options.maxRevisions ?? MAX_REVISIONS,
  });
  const jobs = new JobControl(store, operations, runner, registry);

  const server = new grpc.Server();
  for (const service of [
    servicesService(store, services, permissions),
    revisionsService(services),
    jobsService(store, jobs),
    executionsService(jobs),
    operationsService(store, operations),
    artifactRegistryService({ registry, permissions }),
    monitoringService(metrics),
  ]) {
    const wrapped = faults.wrap(service);
    server.addService(wrapped.definition, wrapped.implementation);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  const admin = await startAdmin({ faults, permissions, operations, tokens, state: () => store.state });
  await services.restore();

  const endpoint = `127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port,
    adminUrl: admin.url,
    env: { CLOUD_RUN_EMULATOR_HOST: endpoint, CLOUD_RUN_EMULATOR_ADMIN: admin.url },
    metrics,
    stop() {
      stopped ??= (async () => {
        server.forceShutdown();
        // Refuse new containers and kill running ones (ending probes and job tasks), let the
        // operations finish, then remove anything started in between.
        await docker.removeAll(true);
        await operations.drain();
        await Promise.all([admin.close(), router.close(), docker.removeAll()]);
        docker.close();
        await store.flush();
        rmSync(workDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
