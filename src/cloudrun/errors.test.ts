import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { credentialsPrincipal, describeApiError, memberFor, principalFromCredentials } from './errors';

const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} X: ${details}`), { code, details });

describe('describeApiError for iam.serviceAccounts.actAs', () => {
  it.each([
    {
      name: 'principal and account in the message',
      details:
        "Permission 'iam.serviceAccounts.actAs' denied on service account run-web@acme.iam.gserviceaccount.com (or it may not exist). Principal deployer@acme.iam.gserviceaccount.com",
      context: { project: 'acme' },
      expected: [
        'deployer@acme.iam.gserviceaccount.com may not deploy revisions that run as run-web@acme.iam.gserviceaccount.com',
        'roles/iam.serviceAccountUser',
        'gcloud iam service-accounts add-iam-policy-binding run-web@acme.iam.gserviceaccount.com --member=serviceAccount:deployer@acme.iam.gserviceaccount.com --role=roles/iam.serviceAccountUser --project=acme',
      ],
    },
    {
      name: 'principal from the credentials, account from the input',
      details: "Caller is missing permission 'iam.serviceaccounts.actAs' on the service account.",
      context: { principal: 'ci@acme.iam.gserviceaccount.com', serviceAccount: 'app@acme.iam.gserviceaccount.com' },
      expected: [
        'ci@acme.iam.gserviceaccount.com may not deploy revisions that run as app@acme.iam.gserviceaccount.com',
        'gcloud iam service-accounts add-iam-policy-binding app@acme.iam.gserviceaccount.com --member=serviceAccount:ci@acme.iam.gserviceaccount.com --role=roles/iam.serviceAccountUser',
      ],
    },
    {
      name: 'account in projects/-/serviceAccounts form, human caller',
      details:
        'Caller jane@example.com is missing permission iam.serviceAccounts.actAs on projects/-/serviceAccounts/app@acme.iam.gserviceaccount.com',
      context: {},
      expected: ['--member=user:jane@example.com', 'add-iam-policy-binding app@acme.iam.gserviceaccount.com'],
    },
    {
      name: 'nothing known: placeholders, still the role and command shape',
      details: 'Permission iam.serviceAccounts.actAs denied',
      context: {},
      expected: [
        'the identity this workflow authenticates as',
        'default compute service account',
        'add-iam-policy-binding SERVICE_ACCOUNT_EMAIL --member=serviceAccount:DEPLOYER_EMAIL --role=roles/iam.serviceAccountUser',
      ],
    },
  ])('$name', ({ details, context, expected }) => {
    const text = describeApiError(grpcError(status.PERMISSION_DENIED, details), context);
    for (const part of expected) expect(text).toContain(part);
    expect(text).toContain(`API message: ${details}`);
  });
});

describe('describeApiError for run.services.setIamPolicy (allow-unauthenticated)', () => {
  const details =
    "Permission 'run.services.setIamPolicy' denied on resource 'projects/acme/locations/us-central1/services/web' (or resource may not exist).";
  it.each([
    [
      { principal: 'ci@acme.iam.gserviceaccount.com', project: 'acme' },
      'gcloud projects add-iam-policy-binding acme --member=serviceAccount:ci@acme.iam.gserviceaccount.com --role=roles/run.admin',
    ],
    [{}, 'gcloud projects add-iam-policy-binding PROJECT_ID --member=serviceAccount:DEPLOYER_EMAIL --role=roles/run.admin'],
  ])('names roles/run.admin and the command (%j)', (context, command) => {
    const text = describeApiError(grpcError(status.PERMISSION_DENIED, details), context);
    expect(text).toContain('missing run.services.setIamPolicy, which allow-unauthenticated needs');
    expect(text).toContain('roles/run.developer does not include it');
    expect(text).toContain(command);
    expect(text).toContain(`API message: ${details}`);
  });
});

describe('describeApiError for other errors', () => {
  it.each([
    [
      grpcError(status.PERMISSION_DENIED, "Permission 'run.services.update' denied"),
      /^PERMISSION_DENIED: Permission 'run.services.update' denied\n.*roles\/run.developer/,
    ],
    [
      grpcError(status.UNAUTHENTICATED, 'Request had invalid authentication credentials.'),
      /^UNAUTHENTICATED: .*\nAuthenticate first/,
    ],
    [grpcError(status.NOT_FOUND, 'Service web not found'), /^NOT_FOUND: Service web not found$/],
    [new Error('plain failure'), /^plain failure$/],
  ])('%s', (error, expected) => expect(describeApiError(error)).toMatch(expected));
});

describe('principals', () => {
  it.each([
    ['deployer@acme.iam.gserviceaccount.com', 'serviceAccount:deployer@acme.iam.gserviceaccount.com'],
    ['jane@example.com', 'user:jane@example.com'],
    [
      'principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/subject/repo:o/r',
      'principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/subject/repo:o/r',
    ],
    ['group:ops@example.com', 'group:ops@example.com'],
  ])('memberFor(%s)', (principal, member) => expect(memberFor(principal)).toBe(member));

  it.each([
    [
      JSON.stringify({ type: 'service_account', client_email: 'key@acme.iam.gserviceaccount.com' }),
      'key@acme.iam.gserviceaccount.com',
    ],
    [
      JSON.stringify({
        type: 'external_account',
        service_account_impersonation_url:
          'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/gh-deployer@acme.iam.gserviceaccount.com:generateAccessToken',
      }),
      'gh-deployer@acme.iam.gserviceaccount.com',
    ],
    [JSON.stringify({ type: 'external_account' }), undefined],
    ['not json', undefined],
  ])('principalFromCredentials(%s)', (json, principal) => expect(principalFromCredentials(json)).toBe(principal));

  it('reads the credentials file google-github-actions/auth points at', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'runway-creds-')), 'creds.json');
    writeFileSync(file, JSON.stringify({ client_email: 'ci@acme.iam.gserviceaccount.com' }));
    expect(credentialsPrincipal({ GOOGLE_APPLICATION_CREDENTIALS: file })).toBe('ci@acme.iam.gserviceaccount.com');
    expect(credentialsPrincipal({ GOOGLE_APPLICATION_CREDENTIALS: join(file, 'missing') })).toBeUndefined();
    expect(credentialsPrincipal({})).toBeUndefined();
  });
});
