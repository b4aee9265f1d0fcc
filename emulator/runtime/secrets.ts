/**
 * The emulator's stand-in for Secret Manager: a directory with one file per secret version,
 * `<secretsDir>/<SECRET>/<VERSION>` (VERSION a number, e.g. `db-url/1`, `db-url/2`). `latest` (or no
 * version) is the highest number. A secret may be named short (`db-url`) or in full
 * (`projects/P/secrets/db-url`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export class SecretNotFound extends Error {}

export function resolveSecret(dir: string | undefined, secret: string, version: string | undefined): string {
  const name = secret.split('/').pop() ?? secret;
  const wanted = version && version !== 'latest' ? version : undefined;
  const missing = () =>
    new SecretNotFound(
      `Secret ${secret.includes('/') ? secret : `projects/emulator/secrets/${secret}`}/versions/${version || 'latest'} was not found` +
        (dir
          ? ` (the emulator reads ${join(dir, name, wanted ?? '<highest number>')})`
          : ' (the emulator was started without a secrets directory)'),
    );
  if (!dir || !/^[A-Za-z0-9_-]+$/.test(name)) throw missing();
  let versions: string[];
  try {
    versions = readdirSync(join(dir, name)).filter((v) => /^\d+$/.test(v));
  } catch {
    throw missing();
  }
  const chosen = wanted ?? versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!chosen || !versions.includes(chosen)) throw missing();
  return readFileSync(join(dir, name, chosen), 'utf8');
}
