/**
 * How to get an ID token for a Cloud Run URL from the credentials a runner has: the pure part of
 * minting (id-token.ts does the requests). The same routes google-github-actions/auth takes for
 * `token_format: id_token`: IAM Credentials `generateIdToken` for a Workload Identity Federation
 * (external_account) or impersonated credential, called with the source credential's own token;
 * google-auth-library's ID token client for a service-account key or the metadata server
 * (https://cloud.google.com/run/docs/authenticating/service-to-service). In emulator mode the emulator
 * issues them (emulator/README.md).
 */

export type TokenRoute =
  | { readonly kind: 'emulator'; readonly adminUrl: string }
  /** POST `url` ({audience}) with the access token of `source`, a credential google-auth-library reads. */
  | { readonly kind: 'generate-id-token'; readonly url: string; readonly serviceAccount: string; readonly source: object }
  | { readonly kind: 'google-auth' }
  | { readonly kind: 'none'; readonly reason: string };

const IMPERSONATION = /^(https?:\/\/[^/]+)\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/;

/** The generateIdToken URL beside a credential's generateAccessToken URL (same host, same account). */
function generateIdToken(impersonationUrl: unknown): { url: string; serviceAccount: string } | undefined {
  const m = typeof impersonationUrl === 'string' ? IMPERSONATION.exec(impersonationUrl) : null;
  return m ? { url: `${m[1]}/v1/projects/-/serviceAccounts/${m[2]}:generateIdToken`, serviceAccount: m[2] } : undefined;
}

/**
 * The route for these credentials. `credentials` is the text of the Application Default Credentials
 * file (GOOGLE_APPLICATION_CREDENTIALS), undefined when there is none (then the metadata server).
 */
export function tokenRoute(env: NodeJS.ProcessEnv, credentials: string | undefined): TokenRoute {
  if (env.CLOUD_RUN_EMULATOR_HOST) {
    const adminUrl = env.CLOUD_RUN_EMULATOR_ADMIN;
    return adminUrl
      ? { kind: 'emulator', adminUrl }
      : {
          kind: 'none',
          reason:
            'CLOUD_RUN_EMULATOR_HOST is set but CLOUD_RUN_EMULATOR_ADMIN is not: set it to the admin URL the emulator printed when it started',
        };
  }
  if (credentials === undefined) return { kind: 'google-auth' };
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(credentials) as Record<string, unknown>;
  } catch {
    return { kind: 'none', reason: 'the Application Default Credentials file is not JSON' };
  }
  switch (json.type) {
    case 'service_account':
      return { kind: 'google-auth' };
    case 'external_account': {
      const account = generateIdToken(json.service_account_impersonation_url);
      if (!account)
        return {
          kind: 'none',
          reason:
            'Workload Identity Federation without a service account cannot mint an ID token: give google-github-actions/auth a service_account',
        };
      // The federated token itself calls generateIdToken, as google-github-actions/auth does: the pool's
      // principal needs roles/iam.workloadIdentityUser on the account, nothing more.
      const { service_account_impersonation_url: _impersonation, ...source } = json;
      return { kind: 'generate-id-token', ...account, source };
    }
    case 'impersonated_service_account': {
      const account = generateIdToken(json.service_account_impersonation_url);
      if (!account || typeof json.source_credentials !== 'object' || json.source_credentials === null)
        return { kind: 'none', reason: 'the impersonated_service_account credentials name no account or no source credentials' };
      return { kind: 'generate-id-token', ...account, source: json.source_credentials };
    }
    case 'authorized_user':
      return {
        kind: 'none',
        reason:
          'user credentials (gcloud auth application-default login) cannot mint an ID token for an audience: pass id-token (gcloud auth print-identity-token), or authenticate as a service account',
      };
    default:
      return { kind: 'none', reason: `credentials of type ${JSON.stringify(json.type)} cannot mint an ID token` };
  }
}

/**
 * The audience to mint for a URL: the service's own URL. On run.app a tag URL
 * `https://TAG---SERVICE-HASH-REGION.a.run.app` belongs to the service at
 * `https://SERVICE-HASH-REGION.a.run.app`, the audience Cloud Run documents ("an audience (aud) claim
 * matching the receiving service's *.run.app URL",
 * https://cloud.google.com/run/docs/configuring/custom-audiences). Elsewhere, the URL's origin.
 */
export function audienceFor(url: string): string {
  const u = new URL(url);
  const tagged = /^[a-z]([-a-z0-9]*[a-z0-9])?---(.+\.run\.app)$/.exec(u.hostname);
  return tagged ? `${u.protocol}//${tagged[2]}` : u.origin;
}

/**
 * Whether to mint a token for probes of `url`: a Cloud Run URL (*.run.app), any URL in emulator mode,
 * or any URL with an `audience` given (a custom domain with a custom audience). Other URLs get no
 * token, and no credentials are read for them (nor the metadata server asked).
 */
export function mintsFor(url: string, audience: string | undefined, env: NodeJS.ProcessEnv): boolean {
  return audience !== undefined || !!env.CLOUD_RUN_EMULATOR_HOST || new URL(url).hostname.endsWith('.run.app');
}
