/**
 * Reading a service's traffic, tags and revisions, and setting its traffic (and annotations) in one
 * etag-checked update. The I/O edge of promote and rollback.
 */
import type { GoogleClients } from '../cloudrun/clients';
import { readiness } from '../cloudrun/revisions';
import { getService, updateService, type Service } from '../cloudrun/services';
import { serviceName, type ServiceTarget } from '../cloudrun/target';
import { withRetry } from '../cloudrun/retry';
import type { RevisionFacts } from './ready-check';
import { fromTargets, toTargets, type TrafficEntry } from './snapshot';

const short = (name: string | null | undefined): string | undefined => (name ? name.split('/').pop() : undefined);

export interface ServiceTraffic {
  readonly service: Service;
  /** The traffic as configured (LATEST stays LATEST). */
  readonly traffic: TrafficEntry[];
  /** The traffic as it is served: every entry resolved to its revision. */
  readonly served: TrafficEntry[];
  /** URL of each tag. */
  readonly tagUrls: ReadonlyMap<string, string>;
  readonly url?: string;
  /** What LATEST resolves to now. */
  readonly latestReady?: string;
  readonly annotations: Record<string, string>;
}

export function describeService(service: Service): ServiceTraffic {
  const latestReady = short(service.latestReadyRevision);
  const statuses = service.trafficStatuses ?? [];
  const served = fromTargets(statuses).map((e, i) =>
    e.type === 'LATEST' && (short(statuses[i].revision) ?? latestReady)
      ? { ...e, type: 'REVISION' as const, revision: short(statuses[i].revision) ?? latestReady }
      : e,
  );
  const tagUrls = new Map(statuses.filter((s) => s.tag && s.uri).map((s) => [s.tag!, s.uri!]));
  return {
    service,
    traffic: fromTargets(service.traffic),
    served,
    tagUrls,
    url: service.uri ?? undefined,
    latestReady,
    annotations: { ...(service.annotations ?? {}) },
  };
}

export async function readService(clients: GoogleClients, target: ServiceTarget): Promise<ServiceTraffic> {
  const service = await getService(clients, target);
  if (!service) throw new Error(`service ${target.service} does not exist in ${target.project}/${target.region}`);
  return describeService(service);
}

/**
 * Sets the traffic (and annotations, when given) in one update, checked against the etag of
 * `current.service`, and waits for the operation. Traffic and annotations change no revision.
 */
export async function setTraffic(
  clients: GoogleClients,
  target: ServiceTarget,
  current: ServiceTraffic,
  traffic: readonly TrafficEntry[],
  annotations?: Record<string, string>,
): Promise<ServiceTraffic> {
  const service: Service = { ...current.service, traffic: toTargets(traffic), ...(annotations ? { annotations } : {}) };
  const operation = await updateService(clients, target, service, {
    updateMask: annotations ? ['traffic', 'annotations'] : ['traffic'],
  });
  return describeService(await operation.done());
}

/** Records annotations alone (no traffic change, no new revision). */
export async function setAnnotations(
  clients: GoogleClients,
  target: ServiceTarget,
  current: ServiceTraffic,
  annotations: Record<string, string>,
): Promise<ServiceTraffic> {
  const operation = await updateService(clients, target, { ...current.service, annotations }, { updateMask: ['annotations'] });
  return describeService(await operation.done());
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
      name: short(r.name) ?? '',
      ready: state.state === 'ready',
      created: seconds * 1000,
      ...imageOf(r.containers?.[0]?.image),
      ...(state.state !== 'ready' ? { notReadyReason: state.reason ?? state.message ?? state.state } : {}),
    };
  });
}
