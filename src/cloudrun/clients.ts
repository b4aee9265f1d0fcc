/**
 * One place that makes Google Cloud API clients. On a runner they use Application Default
 * Credentials (what google-github-actions/auth leaves behind); with CLOUD_RUN_EMULATOR_HOST set they
 * speak insecure gRPC to the local emulator and never touch the metadata server or a Google host.
 */
import type * as Grpc from '@grpc/grpc-js';
import type { ExecutionsClient } from '@google-cloud/run/build/src/v2/executions_client';
import type { JobsClient } from '@google-cloud/run/build/src/v2/jobs_client';
import type { RevisionsClient } from '@google-cloud/run/build/src/v2/revisions_client';
import type { ServicesClient } from '@google-cloud/run/build/src/v2/services_client';
import type { ArtifactRegistryClient } from '@google-cloud/artifact-registry/build/src/v1/artifact_registry_client';
import type { MetricServiceClient } from '@google-cloud/monitoring/build/src/v3/metric_service_client';
import { leanGax } from './gax';

export const EMULATOR_ENV = 'CLOUD_RUN_EMULATOR_HOST';

/** The options every generated Google client accepts (they share google-gax). */
export type ClientOptions = NonNullable<ConstructorParameters<typeof ServicesClient>[0]>;

/** Parses `host:port` (IPv4, name, or [IPv6]) of the emulator. */
export function parseEmulatorHost(value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new Error(`${EMULATOR_ENV}="${value}" is not valid: expected host:port, e.g. 127.0.0.1:8090`);
  }
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

/** Options for every Google client, from the environment. */
export function clientOptions(env: NodeJS.ProcessEnv = process.env): ClientOptions {
  const emulator = env[EMULATOR_ENV];
  if (!emulator) return {};
  const { host, port } = parseEmulatorHost(emulator);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const grpc: typeof Grpc = require('@grpc/grpc-js');
  // A fixed universe domain stops google-auth-library from probing for credentials (and the
  // metadata server) before the first call; insecure credentials replace every token.
  return {
    apiEndpoint: host,
    port,
    sslCreds: grpc.credentials.createInsecure(),
    universeDomain: 'googleapis.com',
    projectId: 'emulator',
  };
}

export interface GoogleClients {
  readonly services: ServicesClient;
  readonly revisions: RevisionsClient;
  readonly jobs: JobsClient;
  readonly executions: ExecutionsClient;
  readonly artifactRegistry: ArtifactRegistryClient;
  readonly metrics: MetricServiceClient;
  close(): Promise<void>;
}

const MIXINS = ['google.cloud.location.Locations', 'google.longrunning.Operations'];
/** google-gax for a client of `service` from the package whose protos.json is `descriptor`. */
const gaxFor = (descriptor: object, service: string) => leanGax(descriptor, [service, ...MIXINS]);

/** Clients are created lazily: an action that only moves traffic never loads the others. */
export function createClients(env: NodeJS.ProcessEnv = process.env): GoogleClients {
  const options = clientOptions(env);
  const made: { close(): Promise<void> }[] = [];
  const lazy = <T extends { close(): Promise<void> }>(make: () => T): (() => T) => {
    let client: T | undefined;
    return () => {
      if (!client) {
        client = make();
        made.push(client);
      }
      return client;
    };
  };
  // Each client's module is required at its first use, not at start-up, and from its own file, not
  // its package's index (which also evaluates about 1.3 MB of static protobuf classes nothing here
  // uses): a step loads only the clients it calls. The bundler still follows these requires.
  /* eslint-disable @typescript-eslint/no-require-imports */
  // The descriptor each client's module loads itself (the same object): see gax.ts.
  const run = (): object => require('@google-cloud/run/build/protos/protos.json');
  const services = lazy(() => {
    const m: typeof import('@google-cloud/run/build/src/v2/services_client') = require('@google-cloud/run/build/src/v2/services_client');
    return new m.ServicesClient(options, gaxFor(run(), 'google.cloud.run.v2.Services'));
  });
  const revisions = lazy(() => {
    const m: typeof import('@google-cloud/run/build/src/v2/revisions_client') = require('@google-cloud/run/build/src/v2/revisions_client');
    return new m.RevisionsClient(options, gaxFor(run(), 'google.cloud.run.v2.Revisions'));
  });
  const jobs = lazy(() => {
    const m: typeof import('@google-cloud/run/build/src/v2/jobs_client') = require('@google-cloud/run/build/src/v2/jobs_client');
    return new m.JobsClient(options, gaxFor(run(), 'google.cloud.run.v2.Jobs'));
  });
  const executions = lazy(() => {
    const m: typeof import('@google-cloud/run/build/src/v2/executions_client') = require('@google-cloud/run/build/src/v2/executions_client');
    return new m.ExecutionsClient(options, gaxFor(run(), 'google.cloud.run.v2.Executions'));
  });
  const artifactRegistry = lazy(() => {
    const m: typeof import('@google-cloud/artifact-registry/build/src/v1/artifact_registry_client') = require('@google-cloud/artifact-registry/build/src/v1/artifact_registry_client');
    return new m.ArtifactRegistryClient(
      options,
      gaxFor(
        require('@google-cloud/artifact-registry/build/protos/protos.json'),
        'google.devtools.artifactregistry.v1.ArtifactRegistry',
      ),
    );
  });
  const metrics = lazy(() => {
    const m: typeof import('@google-cloud/monitoring/build/src/v3/metric_service_client') = require('@google-cloud/monitoring/build/src/v3/metric_service_client');
    return new m.MetricServiceClient(
      options,
      gaxFor(require('@google-cloud/monitoring/build/protos/protos.json'), 'google.monitoring.v3.MetricService'),
    );
  });
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    get services() {
      return services();
    },
    get revisions() {
      return revisions();
    },
    get jobs() {
      return jobs();
    },
    get executions() {
      return executions();
    },
    get artifactRegistry() {
      return artifactRegistry();
    },
    get metrics() {
      return metrics();
    },
    async close() {
      await Promise.all(made.map((c) => c.close()));
    },
  };
}
