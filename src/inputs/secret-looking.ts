/**
 * Plain environment variables that look like secrets: their values would sit in the revision spec, readable
 * by anyone with run.services.get, and in every deploy log. Such values belong in Secret Manager (the
 * `secrets` input), mounted as env vars by reference. Pure; build-image uses it on .env files too.
 */

export interface SecretLooking {
  readonly name: string;
  /** Why it looks secret, for the warning. */
  readonly why: string;
}

/** `postgres://user:password@host/db`: a URL whose userinfo carries a password. */
const PASSWORD_IN_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:([^@/\s]+)@/i;
const SECRET_NAME = /(_|^)(SECRET|KEY|TOKEN|PASSWORD|PASSWD|PWD)$/;
/** Values that are not the secret itself: empty, a placeholder, or a reference resolved elsewhere. */
const NOT_A_VALUE = /^(|changeme|\$\{[^}]+\}|\$[A-Z_][A-Z0-9_]*)$/i;

/** Whether one variable looks like a secret; NEXT_PUBLIC_* values are public by design (inlined in the browser bundle). */
export function secretLooking(name: string, value: string): SecretLooking | undefined {
  if (name.startsWith('NEXT_PUBLIC_')) return undefined;
  const url = PASSWORD_IN_URL.exec(value);
  if (url && !NOT_A_VALUE.test(url[1])) return { name, why: 'a password in a URL' };
  const m = SECRET_NAME.exec(name.toUpperCase());
  if (m && !NOT_A_VALUE.test(value.trim())) return { name, why: `a name ending in ${m[2]}` };
  return undefined;
}

/** The variables of a set that look like secrets, each with a warning that suggests `secrets`. */
export function secretLookingVars(vars: Readonly<Record<string, string>>): (SecretLooking & { readonly message: string })[] {
  return Object.entries(vars)
    .map(([name, value]) => secretLooking(name, value))
    .filter((s) => s !== undefined)
    .map((s) => ({
      ...s,
      message:
        `env-vars ${s.name} looks like a secret (${s.why}): its value is stored in the revision and shown to anyone who can read the service. ` +
        `Put it in Secret Manager and pass it with secrets: ${s.name}=SECRET_NAME:latest instead.`,
    }));
}
