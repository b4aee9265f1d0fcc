/**
 * One place that makes Google Cloud API clients. On a runner they use Application Default
 * Credentials (what google-github-actions/auth leaves behind); with CLOUD_RUN_EMULATOR_HOST set they
 * speak insecure gRPC to the local emulator and never touch the metadata server or a Google host.
 */
import type * as Grpc from '@grpc/grpc-js';
import type { ArtifactRegistryClient } from '@google-cloud/artifact-registry';
import type { MetricServiceClient } from '@google-cloud/monitoring';
import type { ExecutionsClient, JobsClient, RevisionsClient, ServicesClient } from '@google-cloud/run';
import type { ClientOptions } from 'google-gax';

export const EMULATOR_ENV = 'CLOUD_RUN_EMULATOR_HOST';

/** The options every generated Google client accepts (they share google-gax). */
export type { ClientOptions };

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

type ClientMakers = { readonly [K in Exclude<keyof GoogleClients, 'close'>]: () => GoogleClients[K] };

/** Clients are created lazily: an action that only moves traffic never loads the others. */
export function createClients(env: NodeJS.ProcessEnv = process.env): GoogleClients {
  const options = clientOptions(env);
  // Each package is required, through its public entry point, at the first use of one of its
  // clients: a step loads only the packages it calls (health-gate none, rollback only Cloud Run's).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const run = (): typeof import('@google-cloud/run') => require('@google-cloud/run');
  const makers: ClientMakers = {
    services: () => new (run().ServicesClient)(options),
    revisions: () => new (run().RevisionsClient)(options),
    jobs: () => new (run().JobsClient)(options),
    executions: () => new (run().ExecutionsClient)(options),
    artifactRegistry: () => {
      const m: typeof import('@google-cloud/artifact-registry') = require('@google-cloud/artifact-registry');
      return new m.ArtifactRegistryClient(options);
    },
    metrics: () => {
      const m: typeof import('@google-cloud/monitoring') = require('@google-cloud/monitoring');
      return new m.MetricServiceClient(options);
    },
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const made = new Map<string, { close(): Promise<void> }>();
  const clients = {
    async close() {
      await Promise.all([...made.values()].map((c) => c.close()));
    },
  } as GoogleClients;
  for (const [key, make] of Object.entries(makers)) {
    Object.defineProperty(clients, key, {
      enumerable: true,
      get() {
        if (!made.has(key)) made.set(key, make());
        return made.get(key);
      },
    });
  }
  return clients;
}
