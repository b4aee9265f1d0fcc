/**
 * The router's guard from the stored state: a service's ingress and invoker rules
 * (rules/invoker-access.ts) with the emulator's own ID tokens, and each revision's request timeout.
 */
import type * as http from 'node:http';
import type { Permissions } from '../admin/permissions';
import {
  acceptedAudiences,
  bearerToken,
  boundInvoker,
  ingressDenial,
  INVOKE_PERMISSION,
  invokerDenial,
  isPublic,
  type AccessSettings,
} from '../rules/invoker-access';
import type { StateStore } from '../state/store';
import type { IdentityTokens } from './identity-tokens';
import type { Refusal, RouteGuard } from './router';

/** A protobuf Duration as milliseconds (undefined when unset or zero). */
export function durationMs(
  d: { seconds?: string | number | null; nanos?: number | null } | null | undefined,
): number | undefined {
  const ms = Number(d?.seconds ?? 0) * 1000 + Math.round((d?.nanos ?? 0) / 1e6);
  return ms > 0 ? ms : undefined;
}

export function accessGuard(store: StateStore, tokens: IdentityTokens, permissions: Permissions): RouteGuard {
  return {
    async admit(name: string, req: http.IncomingMessage): Promise<Refusal | undefined> {
      const service = store.state.services[name];
      if (!service) return undefined; // gone: the router answers 503
      const path = req.url ?? '/';
      const settings: AccessSettings = {
        ingress: service.ingress as string | undefined,
        invokerIamDisabled: service.invokerIamDisabled as boolean | undefined,
        bindings: store.state.iamPolicies?.[name]?.bindings ?? [],
      };
      const refused = ingressDenial(settings.ingress, path);
      if (refused || isPublic(settings)) return refused;
      const token = bearerToken(req.headers.authorization);
      if (!token) return invokerDenial(settings, path, undefined, false);
      const urls = [service.uri, ...service.trafficStatuses.map((t) => t.uri ?? '')];
      const audiences = acceptedAudiences(urls, (service.customAudiences as string[] | undefined) ?? []);
      const verified = await tokens.verify(token, audiences);
      if ('invalid' in verified) return invokerDenial(settings, path, verified, false);
      const email = verified.claims.email;
      // Project-level roles are all a caller holds here (Permissions): a denied run.routes.invoke
      // leaves only the service's own policy.
      const mayInvoke = permissions.held([INVOKE_PERMISSION]).length > 0 || boundInvoker(settings.bindings, email);
      return invokerDenial(settings, path, { email }, mayInvoke);
    },
    timeoutMs(revision: string): number | undefined {
      return durationMs(store.state.revisions[revision]?.timeout as Parameters<typeof durationMs>[0]);
    },
  };
}
