/**
 * Secret references in deploy-cloudrun's syntax: `ENV=secret:version` exposes a Secret Manager
 * version as an environment variable, `/mount/path=secret:version` mounts it as the file `path` in
 * the directory `/mount`. The secret may be a full `projects/P/secrets/S` name; the version
 * (`latest` or a number) is required, so a deploy never silently pins something unintended.
 */
import { InvalidValue } from '../inputs';
import type { KeyValues } from '../inputs/key-values';

export interface SecretRef {
  /** `name` in the same project, or `projects/P/secrets/name`. */
  readonly secret: string;
  readonly version: string;
}

export interface SecretEnv extends SecretRef {
  readonly env: string;
}

export interface SecretFile extends SecretRef {
  /** Directory the secret volume is mounted at. */
  readonly directory: string;
  /** File name inside it. */
  readonly file: string;
}

export interface SecretRefs {
  readonly env: SecretEnv[];
  readonly files: SecretFile[];
}

const SECRET = /^(?:projects\/[a-z0-9-]+\/secrets\/)?[A-Za-z0-9_-]{1,255}$/;
const VERSION = /^(?:latest|[1-9]\d*)$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseSecretRef(value: string, key: string): SecretRef {
  // `projects/P/secrets/S/versions/V` is accepted too, as Secret Manager prints it.
  const full = /^(projects\/[^/]+\/secrets\/[^/:]+)\/versions\/([^/:]+)$/.exec(value);
  const colon = value.lastIndexOf(':');
  const [secret, version] = full
    ? [full[1], full[2]]
    : colon === -1
      ? [value, '']
      : [value.slice(0, colon), value.slice(colon + 1)];
  if (version === '') {
    throw new InvalidValue(`${key}=${value} has no version: write ${key}=${value || 'SECRET'}:latest or a version number`);
  }
  if (!SECRET.test(secret)) {
    throw new InvalidValue(
      `${key}: "${secret}" is not a secret name (letters, digits, _ and -, or projects/PROJECT/secrets/NAME)`,
    );
  }
  if (!VERSION.test(version)) throw new InvalidValue(`${key}: version "${version}" must be latest or a number`);
  return { secret, version };
}

export function parseSecretRefs(pairs: KeyValues): SecretRefs {
  const env: SecretEnv[] = [];
  const files: SecretFile[] = [];
  for (const [key, value] of Object.entries(pairs)) {
    const ref = parseSecretRef(value, key);
    if (key.startsWith('/')) {
      const at = key.lastIndexOf('/');
      const directory = key.slice(0, at);
      const file = key.slice(at + 1);
      if (directory === '' || file === '' || key.includes('//')) {
        throw new InvalidValue(`"${key}" is not a mount path: expected /DIRECTORY/FILE, e.g. /secrets/api/key`);
      }
      const other = files.find((f) => f.directory === directory && f.secret !== ref.secret);
      if (other) {
        throw new InvalidValue(
          `"${key}" and "${other.directory}/${other.file}" mount different secrets in ${directory}; Cloud Run mounts one secret per directory`,
        );
      }
      files.push({ ...ref, directory, file });
    } else {
      if (!ENV_NAME.test(key)) throw new InvalidValue(`"${key}" is neither an environment variable name nor a /mount/path`);
      env.push({ ...ref, env: key });
    }
  }
  return { env, files };
}
