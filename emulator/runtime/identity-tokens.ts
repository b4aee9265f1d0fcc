/**
 * The emulator's ID tokens: RS256 JWTs signed with a key pair made when the emulator first starts (kept
 * in its state directory, when it has one, so a restart still accepts the tokens it issued, as Google's
 * tokens stay valid until they expire; callers keep tokens for their hour: src/identity/id-token.ts), shaped
 * as Google's (iss, aud, sub, email, iat, exp; one hour, as Google's ID tokens live), and checked with
 * google-auth-library's own verifier (signature, expiry, audience, issuer). Google-signed tokens are
 * what Cloud Run's invoker check accepts (https://cloud.google.com/run/docs/securing/authenticating);
 * here only this emulator's tokens are, so a token from elsewhere is refused as Cloud Run refuses a
 * token Google did not sign.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type * as GoogleAuthLibrary from 'google-auth-library';

export const TOKEN_ISSUER = 'https://accounts.google.com';
/** Whom the admin endpoint's tokens name: the person or runner that asked, as gcloud's token names its account. */
export const EMULATOR_PRINCIPAL = 'runway-emulator@emulator.iam.gserviceaccount.com';
/** How long a token is valid (s), as Google's ID tokens. */
const LIFETIME_S = 3600;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface TokenClaims {
  aud: string;
  email: string;
  exp: number;
}

interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

/** The signing key kept in `file` (made and written there, private to its owner, when it is not yet), or a new one. */
function signingKey(file?: string): SigningKey {
  if (file && existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { keyId: string; privatePem: string };
    return { keyId: kept.keyId, privateKey: createPrivateKey(kept.privatePem) };
  }
  const key = { keyId: randomUUID(), privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
  if (file) {
    const privatePem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(file, JSON.stringify({ keyId: key.keyId, privatePem }), { mode: 0o600 });
  }
  return key;
}

export class IdentityTokens {
  private readonly keyId: string;
  private readonly privateKey: KeyObject;
  private readonly publicPem: string;
  private verifier?: InstanceType<typeof GoogleAuthLibrary.OAuth2Client>;

  /** `keyFile`: where the signing key is kept across restarts (the state directory's); none: a key of this run alone. */
  constructor(keyFile?: string) {
    ({ keyId: this.keyId, privateKey: this.privateKey } = signingKey(keyFile));
    this.publicPem = createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  }

  /** A token for `audience`, valid one hour from `now` (seconds). */
  issue(audience: string, email = EMULATOR_PRINCIPAL, now = Math.floor(Date.now() / 1000)): string {
    const header = base64url({ alg: 'RS256', kid: this.keyId, typ: 'JWT' });
    const payload = base64url({ iss: TOKEN_ISSUER, aud: audience, sub: email, email, iat: now, exp: now + LIFETIME_S });
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), this.privateKey).toString('base64url');
    return `${header}.${payload}.${signature}`;
  }

  /**
   * The claims of a token this emulator signed whose audience is one of `audiences`, or the reason it is
   * not valid (google-auth-library's words: wrong signature, expired, wrong recipient).
   */
  async verify(token: string, audiences: readonly string[]): Promise<{ claims: TokenClaims } | { invalid: string }> {
    // Loaded at the first request with a token: most emulator runs never verify one.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.verifier ??= new (require('google-auth-library') as typeof GoogleAuthLibrary).OAuth2Client();
    try {
      const ticket = await this.verifier.verifySignedJwtWithCertsAsync(
        token,
        { [this.keyId]: this.publicPem },
        [...audiences],
        [TOKEN_ISSUER],
      );
      const payload = ticket.getPayload();
      return { claims: { aud: String(payload?.aud), email: payload?.email ?? '', exp: payload?.exp ?? 0 } };
    } catch (e) {
      return { invalid: (e as Error).message };
    }
  }
}
