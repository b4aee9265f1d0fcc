/**
 * Turns Google API errors into messages a person can act on. The one every team hits first is
 * PERMISSION_DENIED for iam.serviceAccounts.actAs: the deployer may not run revisions as the
 * service account. The description names who lacks what on which account, and the command to grant it.
 */
import { readFileSync } from 'node:fs';
import { status } from '@grpc/grpc-js';

export interface ErrorContext {
  /** Account the revision runs as (the service-account input or the service's), if known. */
  readonly serviceAccount?: string;
  /** Identity of the caller, e.g. from the credentials file; the error message wins when it names one. */
  readonly principal?: string;
  readonly project?: string;
}

interface ApiError {
  code?: number;
  details?: string;
  message?: string;
}

export const errorCode = (e: unknown): number | undefined => {
  const code = (e as ApiError | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
};

const CODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(status).map(([name, code]) => [code, name]));

/** The API's own text, without the `7 PERMISSION_DENIED: ` prefix the gRPC client adds. */
export function errorDetails(e: unknown): string {
  const err = e as ApiError;
  return (err?.details || err?.message || String(e)).replace(/^\d+ [A-Z_]+: /, '');
}

const EMAIL = String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}`;

/** The principal a message names as the caller (`Principal "x" ...`, `caller x`, `user x`). */
function principalIn(message: string): string | undefined {
  const m = new RegExp(
    String.raw`(?:principal|caller|user|member)\W{0,3}((?:principal://\S+?)|${EMAIL})(?=["'\s,.;)]|$)`,
    'i',
  ).exec(message);
  return m?.[1];
}

/** The service account a message names as the target of actAs. */
function serviceAccountIn(message: string): string | undefined {
  const m = new RegExp(String.raw`service ?accounts?\W{0,3}(?:projects/[^/\s]+/serviceAccounts/)?(${EMAIL})`, 'i').exec(message);
  return m?.[1];
}

/** IAM member string for a principal: `serviceAccount:`, `user:`, or a `principal://` URI as it is. */
export function memberFor(principal: string): string {
  if (/^(serviceAccount|user|group|domain):|^principal(Set)?:\/\//.test(principal)) return principal;
  return principal.endsWith('.gserviceaccount.com') ? `serviceAccount:${principal}` : `user:${principal}`;
}

export const isActAsDenial = (e: unknown): boolean =>
  errorCode(e) === status.PERMISSION_DENIED && /iam\.serviceAccounts\.actAs/i.test(errorDetails(e));

/** What to do about a missing iam.serviceAccounts.actAs permission. */
export function describeActAs(message: string, context: ErrorContext): string {
  const principal = principalIn(message) ?? context.principal;
  const account = serviceAccountIn(message) ?? context.serviceAccount;
  const who = principal ?? 'the identity this workflow authenticates as';
  const on = account ?? "the revision's service account (the project's default compute service account when none is set)";
  const grant = `gcloud iam service-accounts add-iam-policy-binding ${account ?? 'SERVICE_ACCOUNT_EMAIL'} --member=${
    principal ? memberFor(principal) : 'serviceAccount:DEPLOYER_EMAIL'
  } --role=roles/iam.serviceAccountUser${context.project ? ` --project=${context.project}` : ''}`;
  return [
    `Permission denied: ${who} may not deploy revisions that run as ${on} (missing iam.serviceAccounts.actAs).`,
    `Grant ${who} the role roles/iam.serviceAccountUser on ${account ?? 'that service account'}:`,
    `  ${grant}`,
    `API message: ${message}`,
  ].join('\n');
}

/**
 * allow-unauthenticated sets invoker_iam_disabled, which needs run.services.setIamPolicy: in
 * roles/run.admin, not in roles/run.developer (https://cloud.google.com/run/docs/authenticating/public).
 */
export const isSetIamPolicyDenial = (e: unknown): boolean =>
  errorCode(e) === status.PERMISSION_DENIED && /run\.services\.setIamPolicy/.test(errorDetails(e));

function describeSetIamPolicy(message: string, context: ErrorContext): string {
  const who = context.principal ?? 'the identity this workflow authenticates as';
  const member = context.principal ? memberFor(context.principal) : 'serviceAccount:DEPLOYER_EMAIL';
  return [
    `Permission denied: ${who} may not make the service public or private (missing run.services.setIamPolicy, which allow-unauthenticated needs).`,
    `Grant ${who} roles/run.admin (roles/run.developer does not include it):`,
    `  gcloud projects add-iam-policy-binding ${context.project ?? 'PROJECT_ID'} --member=${member} --role=roles/run.admin`,
    'or leave allow-unauthenticated out and have an admin make the service public once.',
    `API message: ${message}`,
  ].join('\n');
}

/** One message for any API error: the code, the API's text, and what to do for the common ones. */
export function describeApiError(e: unknown, context: ErrorContext = {}): string {
  const code = errorCode(e);
  const message = errorDetails(e);
  if (code === undefined) return message;
  if (isActAsDenial(e)) return describeActAs(message, context);
  if (isSetIamPolicyDenial(e)) return describeSetIamPolicy(message, context);
  const name = CODE_NAMES[code] ?? `code ${code}`;
  const hint: Record<number, string> = {
    [status.UNAUTHENTICATED]: 'Authenticate first (google-github-actions/auth) or check that the credentials are still valid.',
    [status.PERMISSION_DENIED]: `${context.principal ?? 'The caller'} lacks a permission named above; Cloud Run deploys need roles/run.developer (or roles/run.admin) on the project.`,
    [status.UNAVAILABLE]: 'The API was unreachable; this is usually transient, run the step again.',
    [status.DEADLINE_EXCEEDED]: 'The API did not answer in time; this is usually transient, run the step again.',
  };
  return `${name}: ${message}${hint[code] ? `\n${hint[code]}` : ''}`;
}

/**
 * The identity in a credentials file: a service-account key's client_email, or the account a
 * Workload Identity Federation config impersonates (what google-github-actions/auth writes).
 */
export function principalFromCredentials(json: string): string | undefined {
  try {
    const creds = JSON.parse(json) as { client_email?: string; service_account_impersonation_url?: string };
    if (creds.client_email) return creds.client_email;
    const m = new RegExp(`serviceAccounts/(${EMAIL}):generateAccessToken`).exec(creds.service_account_impersonation_url ?? '');
    return m?.[1];
  } catch {
    return undefined;
  }
}

/** The principal of the Application Default Credentials file, if one is set and readable. */
export function credentialsPrincipal(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.GOOGLE_APPLICATION_CREDENTIALS || env.GOOGLE_GHA_CREDS_PATH;
  if (!file) return undefined;
  try {
    return principalFromCredentials(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
