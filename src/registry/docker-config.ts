/**
 * A temporary Docker client configuration holding one registry login, so the runner's own
 * ~/.docker/config.json is never written: the login is written as the `auths` entry `docker login`
 * would store (base64 of USER:PASSWORD), without contacting the registry.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The parts of config.json that decide credentials (https://docs.docker.com/reference/cli/docker/#credential-store-options). */
export interface DockerConfig {
  auths?: Record<string, { auth?: string; [key: string]: unknown }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
  [key: string]: unknown;
}

/**
 * The existing configuration plus a login for `host`. Every other login is kept. A `credHelpers`
 * entry for `host` is dropped (it would win over `auths`); a global `credsStore` also wins over
 * `auths`, so it is dropped too and named in `dropped` (its logins are unavailable for this step).
 */
export function configWithLogin(
  existing: DockerConfig,
  host: string,
  user: string,
  password: string,
): { config: DockerConfig; dropped?: string } {
  const { credsStore, credHelpers, auths, ...rest } = existing;
  const helpers = Object.fromEntries(Object.entries(credHelpers ?? {}).filter(([h]) => h !== host));
  const config: DockerConfig = {
    ...rest,
    auths: { ...auths, [host]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } },
    ...(Object.keys(helpers).length > 0 ? { credHelpers: helpers } : {}),
  };
  return { config, dropped: credsStore };
}

/** Where the Docker CLI reads its configuration from (DOCKER_CONFIG, else ~/.docker). */
export const dockerConfigDir = (env: NodeJS.ProcessEnv): string => env.DOCKER_CONFIG || join(homedir(), '.docker');

export function readDockerConfig(dir: string): DockerConfig {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch (e) {
    throw new Error(`The Docker configuration ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Writes the configuration into a new private folder under RUNNER_TEMP; `remove` deletes it. */
export function writeTemporaryConfig(config: DockerConfig, env: NodeJS.ProcessEnv): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'runway-docker-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
