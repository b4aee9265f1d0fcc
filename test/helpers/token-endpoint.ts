/**
 * A local stand-in for Google's token endpoints, so Application Default Credentials files can be
 * exercised end to end without a Google host: the GitHub OIDC token URL, STS token exchange,
 * IAM Credentials generateAccessToken and generateIdToken (for the federated token only, as
 * google-github-actions/auth calls it), and the OAuth2 refresh grant. Every request is recorded.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TokenEndpoint {
  url: string;
  requests: { method: string; path: string; authorization?: string; body: string }[];
  /** The access token generateAccessToken hands out (the impersonated deployer's). */
  readonly deployerToken: string;
  /** The access token the refresh grant hands out (an authorized_user's). */
  readonly userToken: string;
  /** An external_account file shaped as google-github-actions/auth writes it (src/client/workload_identity_federation.ts). */
  externalAccountFile(serviceAccount: string): string;
  /** An authorized_user file shaped as `gcloud auth application-default login` writes it. */
  authorizedUserFile(): string;
  close(): Promise<void>;
}

const read = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => resolve(body));
  });

export async function startTokenEndpoint(): Promise<TokenEndpoint> {
  const requests: TokenEndpoint['requests'] = [];
  const deployerToken = `ya29.deployer-${Date.now()}`;
  const userToken = `ya29.user-${Date.now()}`;
  const dir = mkdtempSync(join(tmpdir(), 'runway-adc-'));
  const server: Server = createServer((req, res) => {
    void read(req).then((body) => {
      const path = (req.url ?? '').split('?')[0];
      requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body });
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (path === '/oidc' && req.headers.authorization === 'Bearer runner-request-token')
        return json(200, { value: 'github-oidc-jwt' });
      if (path === '/v1/token' && body.includes('github-oidc-jwt'))
        return json(200, {
          access_token: 'federated-token',
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          token_type: 'Bearer',
          expires_in: 3600,
        });
      if (
        /^\/v1\/projects\/-\/serviceAccounts\/[^/]+:generateAccessToken$/.test(path) &&
        req.headers.authorization === 'Bearer federated-token'
      )
        return json(200, { accessToken: deployerToken, expireTime: new Date(Date.now() + 3600_000).toISOString() });
      const idToken = /^\/v1\/projects\/-\/serviceAccounts\/([^/]+):generateIdToken$/.exec(path);
      if (idToken && req.headers.authorization === 'Bearer federated-token') {
        const { audience } = JSON.parse(body) as { audience: string };
        return json(200, { token: `id-token-of-${idToken[1]}-for-${audience}` });
      }
      if (path === '/oauth2/token' && body.includes('refresh_token=user-refresh-token'))
        return json(200, { access_token: userToken, token_type: 'Bearer', expires_in: 3600 });
      json(401, { error: 'unauthorized', path });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    requests,
    deployerToken,
    userToken,
    externalAccountFile(serviceAccount) {
      const file = join(dir, 'gha-creds-test.json');
      writeFileSync(
        file,
        JSON.stringify({
          type: 'external_account',
          audience: '//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/providers/runway',
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          token_url: `${url}/v1/token`,
          credential_source: {
            url: `${url}/oidc?audience=https%3A%2F%2Fiam.googleapis.com%2Fprojects%2F123456789`,
            headers: { Authorization: 'Bearer runner-request-token' },
            format: { type: 'json', subject_token_field_name: 'value' },
          },
          service_account_impersonation_url: `${url}/v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken`,
        }),
      );
      return file;
    },
    authorizedUserFile() {
      const file = join(dir, 'application_default_credentials.json');
      writeFileSync(
        file,
        JSON.stringify({
          type: 'authorized_user',
          client_id: 'runway-test.apps.googleusercontent.com',
          client_secret: 'test-secret',
          refresh_token: 'user-refresh-token',
        }),
      );
      return file;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
