/**
 * What Cloud Run does with a service: validates a change completely before touching anything,
 * applies the spec (generation, etag, a new revision when the template changed), then rolls it out in
 * the background: starts the new revision's container, and only when every revision that must serve is
 * ready, moves the routes (traffic_statuses, the service and tag URLs). A revision that fails leaves
 * the serving traffic as it was, and the operation fails with the revision's reason.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ApiError, invalidArgument, notFound } from '../apis/api-error';
import { condition, failure, reconciling, succeeded } from './conditions';
import {
  containerProblems,
  requestTimeoutProblems,
  resourceLimitProblems,
  SERVICE_RESERVED_ENV,
  startupProbeProblems,
} from '../rules/container-validation';
import { ingressContainer, withServerDefaults } from '../rules/template-defaults';
import type { Faults } from '../admin/faults';
import { applyUpdateMask } from '../rules/field-mask';
import { reservedKeyProblems } from '../rules/metadata-validation';
import { SERVICE_OUTPUT_ONLY } from '../../src/cloudrun/output-only';
import { existing, newEtag, newName, randomSuffix, specPicker, written } from './resource-fields';
import type { Operations } from './operations-state';
import { checkResourceId, checkRunLocation, parseChild, parseRevisionName, type ChildName } from '../rules/resource-names';
import type { RevisionRunner, Workload } from '../runtime/revision-runner';
import type { Router } from '../runtime/router';
import { stableJson } from './stable-json';
import { now, type Revision, type RevisionTemplate, type Service, type StateStore, type TrafficStatus } from './store';
import { LATEST, REVISION, targetType, trafficProblems, type TrafficTargetSpec } from '../rules/traffic-validation';

export const SERVICE_TYPE = 'google.cloud.run.v2.Service';
export const REVISION_TYPE = 'google.cloud.run.v2.Revision';

type Spec = Record<string, unknown> & Pick<Service, 'template' | 'traffic' | 'labels' | 'annotations'>;

/** The fields of a Service a request sets; output-only ones are computed here. */
const specOf = specPicker<Spec>(SERVICE_OUTPUT_ONLY);
const DEFAULT_TRAFFIC: TrafficTargetSpec[] = [{ type: LATEST, percent: 100 }];

export interface ServiceSettings {
  /** The local registry, accepted as an image host besides Cloud Run's. */
  readonly registry: string;
  /** How long a drained revision keeps its idle container (see stopIdle). */
  readonly idleInstanceMs: number;
  /** Revisions kept per service; older ones are deleted (Cloud Run: 1000). */
  readonly maxRevisions: number;
}

/**
 * "There is a maximum of 1000 revisions per service: If you exceed that limit, older revisions are
 * automatically deleted." (https://cloud.google.com/run/docs/managing/revisions)
 */
export const MAX_REVISIONS = 1000;

export interface UpdateRequest {
  service: Service;
  updateMask?: { paths: string[] } | null;
  validateOnly?: boolean;
  allowMissing?: boolean;
}

export class ServiceControl {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly reviving = new Map<string, Promise<void>>();

  constructor(
    private readonly store: StateStore,
    private readonly operations: Operations,
    private readonly runner: RevisionRunner,
    private readonly router: Router,
    private readonly faults: Faults,
    /** The template as the API stores it: through the proto and back, so echoed templates compare equal. */
    private readonly canonical: (template: RevisionTemplate) => RevisionTemplate = (t) => t,
    private readonly settings: ServiceSettings = { registry: '', idleInstanceMs: 0, maxRevisions: MAX_REVISIONS },
  ) {}

  private get state() {
    return this.store.state;
  }

  getService(name: string): Service {
    return existing(this.state.services, name, 'services');
  }

  revisionsOf(service: string): Revision[] {
    return Object.values(this.state.revisions).filter((r) => r.service === service);
  }

  create(parent: string, serviceId: string, incoming: Service, validateOnly: boolean) {
    const name = newName(this.state.services, parent, 'services', serviceId, 'Service');
    return this.apply(name, undefined, specOf(incoming), validateOnly, 'CreateServiceRequest');
  }

  update(req: UpdateRequest) {
    const name = req.service?.name ?? '';
    const id = parseChild(name, 'services');
    const current = this.state.services[name];
    if (!current) {
      if (!req.allowMissing) throw notFound(`Resource '${name}' was not found`);
      checkRunLocation(id.location);
      checkResourceId(id.id, 'Service');
      return this.apply(name, undefined, specOf(req.service), !!req.validateOnly, 'UpdateServiceRequest');
    }
    if (req.service.etag && req.service.etag !== current.etag) {
      throw new ApiError(
        grpc.status.ABORTED,
        `The etag ${req.service.etag} of the request does not match the current etag ${current.etag} of service '${name}': it was changed since you read it. Read it again and retry.`,
      );
    }
    const spec = applyUpdateMask(specOf(current), specOf(req.service), req.updateMask?.paths);
    return this.apply(name, current, spec, !!req.validateOnly, 'UpdateServiceRequest');
  }

  /** Validates everything, then (unless validate-only) records the change and starts the rollout. */
  private apply(name: string, current: Service | undefined, spec: Spec, validateOnly: boolean, request: string) {
    const id = parseChild(name, 'services');
    // The stored template carries the server's defaults, as the real API's does; a template equal to
    // it once filled in is no change (no new revision).
    const template = this.canonical(withServerDefaults(spec.template ?? {}));
    const templateChanged = !current || stableJson(current.template) !== stableJson(template);
    const existing = new Set(this.revisionsOf(name).map((r) => parseRevisionName(r.name).id));
    const meta = written(name, current, spec);
    const { generation } = meta;
    const revisionId = templateChanged ? this.revisionId(id.id, template.revision, generation, existing) : undefined;
    const traffic = spec.traffic?.length ? spec.traffic : DEFAULT_TRAFFIC;
    const problems = [
      ...this.templateProblems(template),
      ...requestTimeoutProblems('template.timeout', spec.template?.timeout),
      ...reservedKeyProblems('service.labels', spec.labels),
      ...reservedKeyProblems('service.annotations', spec.annotations),
      ...trafficProblems(id.id, spec.traffic ?? []),
    ];
    if (problems.length > 0) throw invalidArgument(`Violation in ${request}.service: ${problems.join('; ')}`);

    const service: Service = {
      ...(current ?? {}),
      ...spec,
      ...meta,
      observedGeneration: current?.observedGeneration ?? '0',
      template,
      // The API fills in its default (100% to LATEST) when no traffic is given.
      traffic,
      trafficStatuses: current?.trafficStatuses ?? [],
      terminalCondition: reconciling('Ready'),
      conditions: current?.conditions ?? [],
      latestReadyRevision: current?.latestReadyRevision ?? '',
      latestCreatedRevision: revisionId ? `${name}/revisions/${revisionId}` : (current?.latestCreatedRevision ?? ''),
      uri: current?.uri ?? '',
      urls: current?.urls ?? [],
      reconciling: true,
    };
    if (validateOnly) return this.operations.start(parentName(id), SERVICE_TYPE, service, async () => service);

    this.state.services[name] = service;
    const revision = revisionId ? this.newRevision(service, revisionId) : undefined;
    if (revision) this.pruneRevisions(name);
    this.store.save();
    const work = () => this.rollout(name, generation, traffic, revision?.name);
    return this.operations.start(parentName(id), SERVICE_TYPE, structuredClone(service), () => this.enqueue(name, work));
  }

  private templateProblems(t: RevisionTemplate): string[] {
    const containers = t.containers ?? [];
    return [
      ...containerProblems('template.containers', containers, SERVICE_RESERVED_ENV, this.settings.registry),
      ...containers.flatMap((c, i) => startupProbeProblems(`template.containers[${i}].startup_probe`, c.startupProbe)),
      ...resourceLimitProblems(
        'template.containers',
        containers,
        ingressContainer(containers),
        t.maxInstanceRequestConcurrency as number | undefined,
        t.executionEnvironment === 'EXECUTION_ENVIRONMENT_GEN2',
      ),
      ...reservedKeyProblems('service.template.labels', t.labels),
      ...reservedKeyProblems('service.template.annotations', t.annotations),
    ];
  }

  /** The new revision's ID: the template's (checked) or SERVICE-NNNNN-xyz. */
  private revisionId(service: string, wanted: string | undefined, generation: string, existing: Set<string>): string {
    if (!wanted) return `${service}-${generation.padStart(5, '0')}-${randomSuffix(3)}`;
    if (!wanted.startsWith(`${service}-`) || !/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(wanted)) {
      throw invalidArgument(
        `Violation in service.template.revision: '${wanted}' must start with the service name and a hyphen ('${service}-') and be a lowercase DNS label of at most 63 characters`,
      );
    }
    if (existing.has(wanted)) {
      throw new ApiError(grpc.status.ALREADY_EXISTS, `Revision named '${wanted}' with different configuration already exists.`);
    }
    return wanted;
  }

  private newRevision(service: Service, id: string): Revision {
    const t = service.template;
    const time = now();
    const { revision: _name, labels, annotations, containers, volumes, ...rest } = t;
    const revision: Revision = {
      ...rest,
      name: `${service.name}/revisions/${id}`,
      uid: randomUUID(),
      generation: '1',
      observedGeneration: '1',
      service: service.name,
      labels: labels ?? {},
      annotations: annotations ?? {},
      createTime: time,
      updateTime: time,
      containers: containers ?? [],
      volumes: volumes ?? [],
      conditions: [reconciling('Ready'), reconciling('ContainerHealthy'), reconciling('ResourcesAvailable')],
      reconciling: true,
      etag: newEtag(),
    };
    this.state.revisions[revision.name] = revision;
    return revision;
  }

  /**
   * Keeps at most `maxRevisions` revisions: the oldest that no route of the spec or of what serves
   * names (traffic or tag) are deleted, as Cloud Run deletes older revisions past 1000
   * (MAX_REVISIONS); their containers stop.
   */
  private pruneRevisions(name: string): void {
    const service = this.state.services[name];
    const all = this.revisionsOf(name).sort(byCreation);
    const excess = all.length - Math.max(1, this.settings.maxRevisions);
    if (!service || excess <= 0) return;
    const routed = new Set(
      [...service.traffic, ...service.trafficStatuses]
        .filter((t) => targetType(t) === 'REVISION')
        .map((t) => `${name}/revisions/${t.revision}`),
    );
    const keep = new Set([...routed, ...this.servedRevisions(name), service.latestCreatedRevision]);
    for (const old of all.filter((r) => !keep.has(r.name)).slice(0, excess)) {
      delete this.state.revisions[old.name];
      void this.runner.stop(old.name).catch(() => undefined);
    }
  }

  /** Runs `work` after every earlier change of the same service. */
  private enqueue<T>(key: string, work: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(key) ?? Promise.resolve()).then(work, work);
    this.queues.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }

  private workload(revision: Revision): Workload {
    const { location, service, id } = parseRevisionName(revision.name);
    return {
      key: revision.name,
      // The location too: a revision ID is unique per service and location, and the same ID runs in several.
      containerName: `runway-emu-${this.runner.docker.instance}-${location}-${id}`,
      containers: revision.containers,
      volumes: revision.volumes,
      env: { K_SERVICE: service, K_REVISION: id, K_CONFIGURATION: service },
    };
  }

  /**
   * Starts a revision's container and records the outcome on its conditions; true when Ready. An
   * injected failure (admin /next-revision-fails) applies to a new revision only.
   */
  private async startRevision(revision: Revision, isNew = false): Promise<boolean> {
    const where = this.faults.nextRevisionFailureLocation;
    const applies = isNew && (!where || parseRevisionName(revision.name).location === where);
    const injected = applies ? this.faults.nextRevisionFailure : undefined;
    if (applies) {
      this.faults.nextRevisionFailure = undefined;
      this.faults.nextRevisionFailureLocation = undefined;
    }
    const result =
      injected !== undefined
        ? ({ ok: false, message: injected, reason: { revisionReason: 'HEALTH_CHECK_CONTAINER_ERROR' } } as const)
        : await this.runner.start(this.workload(revision));
    revision.reconciling = false;
    revision.updateTime = now();
    revision.conditions = result.ok
      ? [succeeded('Ready'), succeeded('ContainerHealthy'), succeeded('ResourcesAvailable')]
      : [
          condition('Ready', 'CONDITION_FAILED', result.message, result.reason),
          condition('ContainerHealthy', 'CONDITION_FAILED', result.message, result.reason),
          succeeded('ResourcesAvailable'),
        ];
    return result.ok;
  }

  /**
   * Reconciles the service to its spec. As service.proto's `reconciling` comment says: on success
   * `traffic_statuses` match `traffic`, `observed_generation` matches `generation` and
   * `latest_ready_revision` matches `latest_created_revision` (else `terminal_condition` is not Ready);
   * on failure `traffic_statuses`, `observed_generation` and `latest_ready_revision` keep the state of
   * the last serving revision, and `terminal_condition` and `conditions` say why.
   */
  private async rollout(
    name: string,
    generation: string,
    traffic: TrafficTargetSpec[],
    newRevision?: string,
    /** A restart's rollout is no change of the resource: its etag stays. */
    restart = false,
  ): Promise<Service> {
    const service = this.state.services[name];
    if (!service) throw notFound(`Resource '${name}' was not found`);
    // The service has its URL from the start (503 until a revision serves), as in Cloud Run.
    service.uri = await this.router.ensureService(name);
    service.urls = [service.uri];
    if (newRevision) {
      const revision = this.state.revisions[newRevision];
      if (revision && !(await this.startRevision(revision, true))) this.fail(service, notReady(revision), 'both');
    }
    const latest = this.newestReady(name);
    const routes = traffic.map((t) => ({
      ...t,
      revision: targetType(t) === 'LATEST' ? latest : `${name}/revisions/${t.revision}`,
    }));
    for (const r of routes) await this.readyRoute(service, r);
    const tagUrls = await this.router.setRoutes(
      name,
      routes.filter((r) => r.revision).map((r) => ({ revision: r.revision, percent: r.percent ?? 0, tag: r.tag || undefined })),
    );
    service.trafficStatuses = traffic.map((t): TrafficStatus => {
      const type = targetType(t) === 'LATEST' ? LATEST : REVISION;
      return {
        type,
        revision: type === REVISION ? (t.revision ?? '') : '',
        percent: t.percent ?? 0,
        tag: t.tag ?? '',
        uri: t.tag ? tagUrls[t.tag] : '',
      };
    });
    this.stopIdle(name, routes);
    service.latestReadyRevision = this.latestServing(routes) ?? service.latestReadyRevision;
    service.observedGeneration = generation;
    service.reconciling = false;
    this.settle(service);
    const response = structuredClone(service);
    // Whether Cloud Run gives the service a new etag when reconciliation ends is not documented; the
    // emulator does (the stricter side), after taking the operation's response: a client that reuses
    // the response's etag for its next change gets ABORTED, and must read the service again.
    if (!restart) service.etag = newEtag();
    this.store.save();
    return response;
  }

  /**
   * The revision a LATEST target sends to: the newest Ready one (Knative's latest ready revision of
   * the configuration), whether or not it serves.
   */
  private newestReady(name: string): string {
    const ready = this.revisionsOf(name).filter((r) => !r.reconciling && failure(r.conditions) === undefined);
    return ready.sort(byCreation).at(-1)?.name ?? '';
  }

  /**
   * `latest_ready_revision`: "Name of the latest revision that is serving traffic" (service.proto),
   * the newest revision a route sends a share of traffic to. A Ready revision that takes no traffic
   * (`--no-traffic`, a tag alone) does not move it, as reported for Cloud Run (a Ready `--no-traffic`
   * revision left it on the old one); undefined when nothing serves.
   */
  private latestServing(routes: readonly { revision: string; percent?: number | null }[]): string | undefined {
    const serving = routes
      .filter((r) => r.revision && (r.percent ?? 0) > 0)
      .map((r) => this.state.revisions[r.revision])
      .filter((r): r is Revision => r !== undefined);
    return serving.sort(byCreation).at(-1)?.name;
  }

  /**
   * Makes a revision that a route sends traffic to (or tags) serve, or fails the rollout. A missing
   * revision fails it with code 13 and Cloud Run's message (GoogleCloudPlatform/terraform-docs-samples#269:
   * "Error code 13, message: Revision '…' does not exist or is deleted. Update all traffic to route to
   * currently available revisions."). A failed revision stays failed (revisions are immutable; Cloud
   * Run does not retry them), so a route to it fails every rollout until the route is removed. A Ready
   * revision scaled to zero, or one a restart interrupted, is started.
   */
  private async readyRoute(service: Service, route: { revision: string; percent?: number | null; tag?: string | null }) {
    if (!route.revision || ((route.percent ?? 0) === 0 && !route.tag)) return;
    const revision = this.state.revisions[route.revision];
    if (!revision) {
      const id = parseRevisionName(route.revision).id;
      const message = `Revision '${id}' does not exist or is deleted. Update all traffic to route to currently available revisions.`;
      this.fail(service, message, 'routes', grpc.status.INTERNAL);
    }
    if (failure(revision.conditions) !== undefined) this.fail(service, notReady(revision), 'routes');
    if (this.runner.portOf(revision.name) !== undefined) return;
    if (!(await this.startRevision(revision))) this.fail(service, notReady(revision), 'routes');
  }

  /**
   * Ends a failed rollout: the served state (traffic_statuses, latest_ready_revision,
   * observed_generation) stays as it was; terminal_condition and the failed sub-condition say why.
   */
  private fail(service: Service, message: string, which: 'both' | 'routes', code = grpc.status.FAILED_PRECONDITION): never {
    service.reconciling = false;
    const failed = (type: string) => condition(type, 'CONDITION_FAILED', message, { reason: 'REVISION_FAILED' });
    service.terminalCondition = failed('Ready');
    service.conditions = [
      which === 'both' ? failed('ConfigurationsReady') : this.configurationsReady(service),
      failed('RoutesReady'),
    ];
    // The end of reconciliation is a change of the resource: a new etag (see rollout).
    service.etag = newEtag();
    this.store.save();
    throw new ApiError(code, message);
  }

  /** ConfigurationsReady: fails while the latest created revision is not Ready (Knative's Configuration). */
  private configurationsReady(service: Service) {
    const latest = this.state.revisions[service.latestCreatedRevision];
    return latest && failure(latest.conditions) !== undefined
      ? condition('ConfigurationsReady', 'CONDITION_FAILED', notReady(latest), { reason: 'REVISION_FAILED' })
      : succeeded('ConfigurationsReady');
  }

  /**
   * After routes are served: Ready only when the latest created revision is Ready too. Not when it
   * equals latest_ready_revision: a Ready revision deployed with no traffic leaves that on the
   * serving one, and such a deploy succeeds.
   */
  private settle(service: Service): void {
    const configurations = this.configurationsReady(service);
    service.conditions = [succeeded('RoutesReady'), configurations];
    service.terminalCondition =
      configurations.state === 'CONDITION_SUCCEEDED'
        ? succeeded('Ready')
        : condition('Ready', 'CONDITION_FAILED', configurations.message, { reason: 'REVISION_FAILED' });
  }

  /**
   * Called by the router when a revision's container did not answer: if it has exited, a new one is
   * started (Cloud Run replaces a crashed instance; the revision stays Ready). One restart at a time.
   */
  revive(name: string): void {
    if (this.reviving.has(name)) return;
    const restart = (async () => {
      const revision = this.state.revisions[name];
      const running = this.runner.running.get(name);
      if (!revision || !running || (await this.runner.docker.status(running.id).catch(() => ({ running: false }))).running)
        return;
      await this.runner.start(this.workload(revision));
    })()
      .catch(() => undefined)
      .finally(() => this.reviving.delete(name));
    this.reviving.set(name, restart);
  }

  /**
   * Scales down the service's revisions that no route serves (no traffic, no tag), as Cloud Run scales
   * them to zero: only once their in-flight requests have finished (Cloud Run drains an instance before
   * it stops it), and then only after `idleInstanceMs`, as Cloud Run "might keep some instances idle
   * for a maximum of 15 minutes" to spare a cold start
   * (https://cloud.google.com/run/docs/about-instance-autoscaling, "Idle instances"). The stop runs in
   * the service's queue and re-checks the routes, so a revision that serves again meanwhile keeps its
   * container, as a rollback moments after a release finds its target's idle instance. The rollout
   * does not wait for it.
   */
  private stopIdle(name: string, routes: readonly { revision: string; percent?: number | null; tag?: string | null }[]) {
    const serving = new Set(routes.filter((r) => (r.percent ?? 0) > 0 || r.tag).map((r) => r.revision));
    for (const revision of this.revisionsOf(name).filter(
      (r) => !serving.has(r.name) && this.runner.portOf(r.name) !== undefined,
    )) {
      void this.router
        .drained(revision.name)
        .then(() => new Promise((idle) => setTimeout(idle, this.settings.idleInstanceMs).unref()))
        .then(() =>
          this.enqueue(name, async () => {
            if (!this.servedRevisions(name).has(revision.name)) await this.runner.stop(revision.name);
          }),
        )
        .catch(() => undefined);
    }
  }

  /** The revisions a service's served routes (traffic_statuses) send traffic to or tag. */
  private servedRevisions(name: string): Set<string> {
    const service = this.state.services[name];
    if (!service) return new Set();
    return new Set(
      service.trafficStatuses
        .filter((t) => (t.percent ?? 0) > 0 || t.tag)
        .map((t) => (targetType(t) === 'LATEST' ? this.newestReady(name) : `${name}/revisions/${t.revision}`)),
    );
  }

  deleteService(name: string, etag: string, validateOnly: boolean) {
    const service = this.getService(name);
    if (etag && etag !== service.etag) {
      throw new ApiError(
        grpc.status.ABORTED,
        `The etag ${etag} of the request does not match the current etag ${service.etag} of service '${name}'.`,
      );
    }
    const deleted = { ...structuredClone(service), deleteTime: now() };
    if (validateOnly)
      return this.operations.start(parentName(parseChild(name, 'services')), SERVICE_TYPE, deleted, async () => deleted);
    delete this.state.services[name];
    delete this.state.iamPolicies[name];
    const revisions = this.revisionsOf(name);
    for (const r of revisions) delete this.state.revisions[r.name];
    this.store.save();
    return this.operations.start(parentName(parseChild(name, 'services')), SERVICE_TYPE, deleted, () =>
      this.enqueue(name, async () => {
        await Promise.all(revisions.map((r) => this.runner.stop(r.name)));
        await this.router.removeService(name);
        this.store.save();
        return deleted;
      }),
    );
  }

  getRevision(name: string): Revision {
    parseRevisionName(name);
    const revision = this.state.revisions[name];
    if (!revision) throw notFound(`Resource '${name}' was not found`);
    return revision;
  }

  deleteRevision(name: string, etag: string, validateOnly: boolean) {
    const revision = this.getRevision(name);
    const id = parseRevisionName(name);
    if (etag && etag !== revision.etag)
      throw new ApiError(
        grpc.status.ABORTED,
        `The etag ${etag} does not match the current etag ${revision.etag} of revision '${id.id}'.`,
      );
    const service = this.state.services[revision.service];
    const targets = [...(service?.traffic ?? []), ...(service?.trafficStatuses ?? [])];
    const serving = targets.some((t) => {
      const target =
        targetType(t) === 'LATEST' ? this.newestReady(revision.service) : `${revision.service}/revisions/${t.revision}`;
      return target === name && ((t.percent ?? 0) > 0 || !!t.tag);
    });
    if (serving) {
      throw new ApiError(
        grpc.status.FAILED_PRECONDITION,
        `Revision '${id.id}' cannot be deleted: it serves traffic or has a tag in service '${id.service}'. Move its traffic and tags to another revision first.`,
      );
    }
    // Cloud Run refuses to delete a service's latest revision (which covers its only one):
    // https://cloud.google.com/run/docs/managing/revisions, as stackshy/cloudemu#1074 reads it.
    if (service?.latestCreatedRevision === name) {
      throw new ApiError(
        grpc.status.FAILED_PRECONDITION,
        `Revision '${id.id}' cannot be deleted: it is the latest revision of service '${id.service}'. Deploy a newer revision first.`,
      );
    }
    const deleted = { ...structuredClone(revision), deleteTime: now() };
    const parent = parentName(id);
    if (validateOnly) return this.operations.start(parent, REVISION_TYPE, deleted, async () => deleted);
    delete this.state.revisions[name];
    this.store.save();
    return this.operations.start(parent, REVISION_TYPE, deleted, async () => {
      await this.runner.stop(name);
      return deleted;
    });
  }

  /** After a restart from saved state: start the containers that serve, and listen on the URLs again. */
  async restore(): Promise<void> {
    await Promise.all(
      Object.values(this.state.services).map((s) =>
        this.enqueue(s.name, () =>
          this.rollout(s.name, s.generation, s.traffic.length ? s.traffic : DEFAULT_TRAFFIC, undefined, true).catch(
            () => undefined,
          ),
        ),
      ),
    );
  }
}

/** Cloud Run's words for a revision that cannot serve, with the revision's own reason. */
const notReady = (revision: Revision): string =>
  `Revision '${parseRevisionName(revision.name).id}' is not ready and cannot serve traffic. ${failure(revision.conditions) ?? ''}`.trim();

/** Oldest first; revisions created in the same instant keep their order of creation (a stable sort). */
const byCreation = (a: Revision, b: Revision): number =>
  Number(a.createTime.seconds) - Number(b.createTime.seconds) || a.createTime.nanos - b.createTime.nanos;

const parentName = (p: Pick<ChildName, 'project' | 'location'>) => `projects/${p.project}/locations/${p.location}`;
