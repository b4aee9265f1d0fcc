/**
 * Who may reach a service's URLs, in the order Cloud Run decides it. Pure; the router asks.
 *
 * 1. Ingress. "All ingress paths, including the default run.app URL, are subject to your ingress
 *    setting"; Internal (and Internal and Cloud Load Balancing) refuse requests "from other sources,
 *    including the internet" (https://cloud.google.com/run/docs/securing/ingress). The emulator has no
 *    VPC and no load balancer: every request reaches its URLs from this machine, as a GitHub runner
 *    reaches a service from outside Google's network, so both internal settings refuse every request
 *    (the stricter reading). A public report saw Cloud Run answer such a request with 403
 *    (ahmetb/runsd#40: "403 Access forbidden").
 * 2. The invoker check. A service is private unless its invoker IAM check is disabled or `allUsers`
 *    holds roles/run.invoker (https://cloud.google.com/run/docs/authenticating/public). Otherwise a
 *    request needs "a valid ID token that includes an audience (aud) claim matching the receiving
 *    service's *.run.app URL" or one of its custom audiences
 *    (https://cloud.google.com/run/docs/configuring/custom-audiences), sent as `Authorization: Bearer`
 *    (https://cloud.google.com/run/docs/authenticating/service-to-service), and the token's principal
 *    needs run.routes.invoke (https://cloud.google.com/run/docs/securing/managing-access).
 *    No token: 403; a token that is not valid (signature, expiry, audience): 401; a valid token of a
 *    principal that may not invoke: 403 (the pages Cloud Run serves, as quoted in google/adk-python#3814
 *    and https://cloud.google.com/run/docs/troubleshooting).
 */

export const INVOKER_ROLE = 'roles/run.invoker';
export const INVOKE_PERMISSION = 'run.routes.invoke';

export interface Binding {
  role?: string | null;
  members?: string[] | null;
}

/** What the service says about access. */
export interface AccessSettings {
  ingress?: string | null;
  invokerIamDisabled?: boolean | null;
  bindings: readonly Binding[];
}

export type Denial = { status: 401 | 403; body: string };

const forbidden = (path: string): Denial => ({
  status: 403,
  body: `<html><head><title>403 Forbidden</title></head><body><h1>Error: Forbidden</h1><h2>Your client does not have permission to get URL <code>${escape(path)}</code> from this server.</h2></body></html>\n`,
});

const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Step 1: the ingress setting alone (undefined: the request may go on). */
export function ingressDenial(ingress: string | null | undefined, path: string): Denial | undefined {
  if (ingress === 'INGRESS_TRAFFIC_INTERNAL_ONLY' || ingress === 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER') {
    const denial = forbidden(path);
    return {
      ...denial,
      body: denial.body.replace(
        '</body>',
        `<p>Ingress is ${ingress}: requests from outside the project's VPC network are refused.</p></body>`,
      ),
    };
  }
  return undefined;
}

/** Whether anyone may invoke the service without a token. */
export function isPublic(settings: AccessSettings): boolean {
  return (
    settings.invokerIamDisabled === true ||
    settings.bindings.some((b) => b.role === INVOKER_ROLE && (b.members ?? []).includes('allUsers'))
  );
}

/** The bearer token of an Authorization header, if it carries one. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m?.[1];
}

/**
 * The audiences a token may carry on a service: its URL, its tag URLs and its custom audiences, each
 * with or without a trailing slash (Google's samples use both: "https://my-cloud-run-service.run.app/").
 * Tag URLs are accepted because the emulator's are loopback ports from which no service URL can be
 * derived (a Differences row in the README: the actions mint for the service URL on run.app).
 */
export function acceptedAudiences(urls: readonly string[], customAudiences: readonly string[]): string[] {
  const trimmed = [...urls, ...customAudiences].filter(Boolean).map((u) => u.replace(/\/+$/, ''));
  return [...new Set(trimmed.flatMap((u) => [u, `${u}/`]))];
}

/**
 * The IAM member a token's email is, by its kind: a service account's email ends in
 * gserviceaccount.com (SA_NAME@PROJECT_ID.iam.gserviceaccount.com, the default ones at
 * developer.gserviceaccount.com and appspot.gserviceaccount.com;
 * https://cloud.google.com/iam/docs/service-account-types) and is `serviceAccount:EMAIL`, any other
 * account is `user:EMAIL` (https://cloud.google.com/iam/docs/principal-identifiers). A member of the
 * other kind names someone else, so it does not match.
 */
export function memberOf(email: string): string {
  return /@([a-z0-9-]+\.)*gserviceaccount\.com$/i.test(email) ? `serviceAccount:${email}` : `user:${email}`;
}

/** Whether `email` holds roles/run.invoker on the service through its own policy. */
export function boundInvoker(bindings: readonly Binding[], email: string): boolean {
  const members = new Set([memberOf(email), 'allAuthenticatedUsers']);
  return bindings.some((b) => b.role === INVOKER_ROLE && (b.members ?? []).some((m) => members.has(m)));
}

/**
 * Step 2, once the token (if any) is checked: undefined lets the request through. `token` is what the
 * verifier said; `mayInvoke` whether the token's principal holds run.routes.invoke.
 */
export function invokerDenial(
  settings: AccessSettings,
  path: string,
  token: undefined | { invalid: string } | { email: string },
  mayInvoke: boolean,
): Denial | undefined {
  if (isPublic(settings)) return undefined;
  if (!token) return forbidden(path);
  if ('invalid' in token)
    return {
      status: 401,
      body: `<html><head><title>401 Unauthorized</title></head><body><h1>Error: Unauthorized</h1><h2>Your client does not have permission to the requested URL <code>${escape(path)}</code>.</h2><p>${escape(token.invalid)}</p></body></html>\n`,
    };
  return mayInvoke ? undefined : forbidden(path);
}
