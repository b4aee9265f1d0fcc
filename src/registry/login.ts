/**
 * Registry access for build-image: for an image on one of Google's registries, check the repository
 * (Artifact Registry API), then log Docker in with an access token from Application Default
 * Credentials, in a temporary DOCKER_CONFIG that holds the runner's existing logins plus this one.
 * The token is masked, goes to the image's registry host only, and the folder is removed by `close`.
 */
import type * as GoogleAuthLibrary from 'google-auth-library';
import { DEFAULT_REGISTRY, localImageRef } from './emulator-mirror';
import type * as Errors from '../cloudrun/errors';
import { artifactRegistryImage, parseImageReference } from './reference';
import type { Reporter } from '../report';
import { configWithLogin, dockerConfigDir, readDockerConfig, writeTemporaryConfig } from './docker-config';
import { googleRegistryHost, TOKEN_USER } from './hosts';
import type * as Repository from './repository';

/** Anything that hands out an OAuth access token (google-auth-library's GoogleAuth in production). */
export interface TokenSource {
  getAccessToken(): Promise<string | null | undefined>;
}

export interface RegistrySession {
  /** The repository to tag and push (the image itself, or its local mirror under the emulator). */
  readonly pushRepository: string;
  /** Removes the temporary login and restores DOCKER_CONFIG. */
  close(): void;
}

export interface RegistryDeps {
  tokens?: TokenSource;
  repositories?: Repository.RepositoryApi;
}

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/**
 * Application Default Credentials for `project`. Naming the project keeps google-auth-library from
 * looking it up (gcloud, the metadata server, Resource Manager); Node's own fetch replaces its
 * dynamically imported node-fetch.
 */
export function adcTokens(project: string | undefined, endpoints?: { oauth2TokenUrl: string }): TokenSource {
  // Loaded here: build-image starts without it when the image is on no Google registry.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { GoogleAuth }: typeof GoogleAuthLibrary = require('google-auth-library');
  return new GoogleAuth({
    scopes: [CLOUD_PLATFORM],
    projectId: project,
    clientOptions: { endpoints, transporterOptions: { fetchImplementation: fetch } },
  });
}

/** A temporary DOCKER_CONFIG with a token login for `host`; every docker command of this process uses it until `close`. */
export async function loginWithToken(
  host: string,
  tokens: TokenSource,
  env: NodeJS.ProcessEnv,
  reporter: Reporter,
): Promise<() => void> {
  const token = await tokens.getAccessToken();
  if (!token)
    throw new Error(
      `Application Default Credentials gave no access token for ${host}; authenticate first (google-github-actions/auth).`,
    );
  reporter.mask(token);
  const { config, dropped } = configWithLogin(readDockerConfig(dockerConfigDir(env)), host, TOKEN_USER, token);
  if (dropped)
    reporter.notice(
      `Docker's credsStore "${dropped}" is not used while Runway pushes to ${host}; logins kept in it are unavailable in this step.`,
    );
  const temp = writeTemporaryConfig(config, env);
  const before = process.env.DOCKER_CONFIG;
  // The docker CLI edge (src/image/docker.ts) passes process.env to every command it runs.
  process.env.DOCKER_CONFIG = temp.dir;
  reporter.info(`Docker logged in to ${host} as ${TOKEN_USER} (temporary DOCKER_CONFIG)`);
  return () => {
    if (before === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = before;
    temp.remove();
  };
}

/** Checks the repository and logs in, before build-image builds anything. */
export async function openRegistry(
  image: string,
  env: NodeJS.ProcessEnv,
  reporter: Reporter,
  deps: RegistryDeps = {},
): Promise<RegistrySession> {
  const host = googleRegistryHost(image);
  if (!host) return { pushRepository: image, close: () => undefined };
  // Loaded here (google-gax, gRPC, the Artifact Registry client): build-image starts without them when
  // the image is on no Google registry.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createClients, EMULATOR_ENV }: typeof import('../cloudrun/clients') = require('../cloudrun/clients');
  const { credentialsPrincipal }: typeof Errors = require('../cloudrun/errors');
  const { checkRepository }: typeof Repository = require('./repository');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const ar = artifactRegistryImage(parseImageReference(image));
  const principal = credentialsPrincipal(env);
  const clients = deps.repositories ? undefined : createClients(env);
  try {
    if (ar) {
      const { note } = await checkRepository(deps.repositories ?? clients!.artifactRegistry, ar, principal);
      if (note) reporter.notice(note);
    }
  } finally {
    await clients?.close();
  }
  if (env[EMULATOR_ENV]) {
    // The emulator keeps Artifact Registry images in the local registry, which takes no login.
    const pushRepository = localImageRef(image, DEFAULT_REGISTRY);
    reporter.info(`Cloud Run emulator: pushing ${image} to its local mirror ${pushRepository}`);
    return { pushRepository, close: () => undefined };
  }
  const project = ar?.project ?? parseImageReference(image).path.split('/')[0];
  const close = await loginWithToken(host, deps.tokens ?? adcTokens(project), env, reporter);
  return { pushRepository: image, close };
}
