/**
 * Mints an ID token for a Cloud Run URL from Application Default Credentials (route.ts decides how).
 * The I/O: the emulator's admin endpoint, IAM Credentials generateIdToken
 * (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateIdToken),
 * or google-auth-library's ID token client.
 */
import { readFileSync } from 'node:fs';
import type * as GoogleAuthLibrary from 'google-auth-library';
import { tokenRoute, type TokenRoute } from './route';

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/** google-auth-library, loaded at first use: a step given id-token never loads it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const googleAuth = (): typeof GoogleAuthLibrary => require('google-auth-library');
const transporterOptions = { fetchImplementation: fetch };

async function json(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

function tokenIn(body: Record<string, unknown>, what: string): string {
  if (typeof body.token !== 'string' || !body.token) throw new Error(`${what} returned no token`);
  return body.token;
}

/** The credentials file's text, or undefined when none is set (then the metadata server answers). */
function credentialsFile(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.GOOGLE_APPLICATION_CREDENTIALS || env.GOOGLE_GHA_CREDS_PATH;
  return file ? readFileSync(file, 'utf8') : undefined;
}

/** Minted tokens by audience and credentials, with the time (ms) until which they are handed out again. */
const minted = new Map<string, { token: string; until: number }>();
/** A token is reused until this long before its expiry, so no probe starts with one about to lapse. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** When a JWT's `exp` claim says it expires (ms), or undefined when it has none (then it is not kept). */
function expiresAt(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An ID token whose audience is `audience`; throws with the reason when these credentials cannot mint one.
 * A token minted before for the same audience and credentials is handed out again while it is valid for
 * more than five minutes: promote probes every traffic step, and each mint may be an STS exchange and a
 * generateIdToken call.
 */
export async function mintIdToken(audience: string, env: NodeJS.ProcessEnv): Promise<string> {
  const credentials = credentialsFile(env);
  const route = tokenRoute(env, credentials);
  const key = JSON.stringify([audience, route, credentials ?? null]);
  const kept = minted.get(key);
  if (kept && Date.now() < kept.until) return kept.token;
  const token = await mintFor(audience, route);
  const expiry = expiresAt(token);
  if (expiry !== undefined) minted.set(key, { token, until: expiry - RENEW_BEFORE_MS });
  return token;
}

async function mintFor(audience: string, route: TokenRoute): Promise<string> {
  switch (route.kind) {
    case 'none':
      throw new Error(route.reason);
    case 'emulator': {
      const url = `${route.adminUrl.replace(/\/+$/, '')}/identity-token?${new URLSearchParams({ audience })}`;
      return tokenIn(await json(await fetch(url), 'The emulator'), 'The emulator');
    }
    case 'generate-id-token': {
      const { GoogleAuth } = googleAuth();
      const source = new GoogleAuth({
        credentials: route.source,
        scopes: [CLOUD_PLATFORM],
        clientOptions: { transporterOptions },
      });
      const accessToken = await source.getAccessToken();
      if (!accessToken) throw new Error('the credentials gave no access token to call generateIdToken with');
      const what = `IAM Credentials generateIdToken for ${route.serviceAccount}`;
      const response = await fetch(route.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ audience, includeEmail: true }),
      });
      return tokenIn(await json(response, what), what);
    }
    case 'google-auth': {
      const { GoogleAuth } = googleAuth();
      const client = await new GoogleAuth({ clientOptions: { transporterOptions } }).getIdTokenClient(audience);
      return client.idTokenProvider.fetchIdToken(audience);
    }
  }
}
