/**
 * Cloud Run readers: a service as Runway judges it (what serves, from `traffic_statuses`, beside the
 * spec it was given) and the facts of its revisions. Actions decide from what serves: after an
 * update whose rollout failed the spec names traffic that never took effect (service.proto,
 * `reconciling`: "If reconciliation failed, `traffic_statuses` ... will have the state of the last
 * serving revision").
 */
import type { GoogleClients } from './clients';
import { readiness, summarizeCondition } from './revisions';
import { getService, type Service } from './services';
import { withRetry } from './retry';
import { serviceName, type ServiceTarget } from './target';
import { fromTargets, type TrafficEntry } from './traffic-entry';

export const shortName = (name: string | null | undefined): string | undefined => (name ? name.split('/').pop() : undefined);

export interface ServiceTraffic {
  readonly service: Service;
  /** The traffic as configured (the spec; LATEST stays LATEST). */
  readonly traffic: TrafficEntry[];
  /** The traffic as it is served (`traffic_statuses`): every entry resolved to its revision. */
  readonly served: TrafficEntry[];
  /** URL of each tag that serves. */
  readonly tagUrls: ReadonlyMap<string, string>;
  readonly url?: string;
  /** What LATEST resolves to now. */
  readonly latestReady?: string;
  readonly annotations: Record<string, string>;
  /** Cloud Run is still bringing the service to its spec (served values are transient). */
  readonly reconciling: boolean;
  /** Why the last reconciliation failed (terminal_condition), when it did: the spec does not serve. */
  readonly rolloutFailure?: string;
}

/** The terminal condition's failure, if the last reconciliation failed. */
function rolloutFailure(service: Service): string | undefined {
  if (!service.terminalCondition) return undefined;
  const c = summarizeCondition(service.terminalCondition);
  if (c.state !== 'failed') return undefined;
  return [c.reason, c.message].filter(Boolean).join(': ') || `${c.type || 'Ready'} failed`;
}

export function describeService(service: Service): ServiceTraffic {
  const latestReady = shortName(service.latestReadyRevision);
  const statuses = service.trafficStatuses ?? [];
  const served = fromTargets(statuses).map((e, i) => {
    const revision = shortName(statuses[i].revision) ?? (e.type === 'LATEST' ? latestReady : e.revision);
    return revision ? { ...e, type: 'REVISION' as const, revision } : e;
  });
  const tagUrls = new Map(statuses.filter((s) => s.tag && s.uri).map((s) => [s.tag!, s.uri!]));
  const failure = rolloutFailure(service);
  return {
    service,
    traffic: fromTargets(service.traffic),
    served,
    tagUrls,
    url: service.uri ?? undefined,
    latestReady,
    annotations: { ...(service.annotations ?? {}) },
    reconciling: service.reconciling === true,
    ...(failure ? { rolloutFailure: failure } : {}),
  };
}

export async function readService(clients: GoogleClients, target: ServiceTarget): Promise<ServiceTraffic> {
  const service = await getService(clients, target);
  if (!service) throw new Error(`service ${target.service} does not exist in ${target.project}/${target.region}`);
  return describeService(service);
}

export interface RevisionFacts {
  /** Short revision name, e.g. web-00002-abc. */
  readonly name: string;
  readonly ready: boolean;
  /** Creation time in ms since the epoch. */
  readonly created: number;
  /** Why it is not Ready, from its conditions. */
  readonly notReadyReason?: string;
  /** The first container's image, as deployed (pinned to a digest by deploy-cloudrun). */
  readonly image?: string;
  /** The digest the image is pinned to, if it is. */
  readonly digest?: string;
}

function imageOf(image: string | null | undefined): { image?: string; digest?: string } {
  if (!image) return {};
  const digest = /@(sha256:[a-f0-9]{64})$/.exec(image)?.[1];
  return digest ? { image, digest } : { image };
}

/** Every revision of the service with its readiness and creation time. */
export async function listRevisionFacts(clients: GoogleClients, target: ServiceTarget): Promise<RevisionFacts[]> {
  const [revisions] = await withRetry(() => clients.revisions.listRevisions({ parent: serviceName(target) }));
  return revisions.map((r) => {
    const state = readiness(r);
    const seconds = Number(r.createTime?.seconds ?? 0) + (r.createTime?.nanos ?? 0) / 1e9;
    return {
      name: shortName(r.name) ?? '',
      ready: state.state === 'ready',
      created: seconds * 1000,
      ...imageOf(r.containers?.[0]?.image),
      ...(state.state !== 'ready' ? { notReadyReason: state.reason ?? state.message ?? state.state } : {}),
    };
  });
}
