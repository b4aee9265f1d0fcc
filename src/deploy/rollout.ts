/**
 * deploy-cloudrun in one region: the plan (reads and decisions, nothing changes), the preflight (the
 * plan and a validate-only update that surfaces permission errors), the rollout (the update with the
 * etag and the wait for the new revision's own Ready condition) and putting the traffic back.
 */
import type { GoogleClients } from '../cloudrun/clients';
import {
  ConcurrentChangeError,
  createService,
  getService,
  settledService,
  updateService,
  type Service,
  type ServiceOperation,
  type UpdateOptions,
} from '../cloudrun/services';
import { describeApiError, type ErrorContext } from '../cloudrun/errors';
import { revisionLogsUrl, waitForRevision, type Readiness } from '../cloudrun/revisions';
import { describeService, listRevisionFacts, type RevisionFacts, type ServiceTraffic } from '../cloudrun/service-state';
import { resourceProblems } from '../cloudrun/resource-limits';
import { revisionName, type ServiceTarget } from '../cloudrun/target';
import { described, restoreFailed } from '../regional';
import type { Reporter } from '../report';
import { restoreTraffic } from '../traffic/apply';
import { deployTraffic, pinLatest, servesAsWanted } from '../traffic/plan';
import { servableTraffic } from '../traffic/ready-check';
import { fromTargets, type TrafficEntry } from '../cloudrun/traffic-entry';
import { mainRevision } from '../traffic/snapshot';
import type { DeployShared } from './inputs';
import { findLoopbackAddresses, loopbackAddressWarning } from './loopback-address';
import { findPrivateAddresses, privateAddressWarning } from './private-address';
import { buildService, hasVpcAccess, servingContainerIndex, type ServiceChange } from './service-template';
import { templateOfRevision, templateSource } from './template-source';

/** `SERVICE-TAG-xxxx`: known before the operation ends, unique per attempt, at most 52 characters. */
const newRevisionName = (service: string, tag: string, suffix: string): string => `${service}-${tag}-${suffix}`;

/** Plain environment values of the serving container (secret values are never read). */
function plainEnv(service: Service): Record<string, string> {
  const containers = service.template?.containers ?? [];
  const env = containers[servingContainerIndex(containers)]?.env ?? [];
  return Object.fromEntries(
    env.filter((e) => e.name && typeof e.value === 'string' && e.value !== '').map((e) => [e.name!, e.value!]),
  );
}

function failureMessage(
  target: ServiceTarget,
  revision: string,
  r: Readiness,
  logs: string,
  timedOut: boolean,
  seconds: number,
): string {
  const head = timedOut
    ? `Revision ${revision} was not Ready after ${seconds}s (wait-timeout).`
    : `Revision ${revision} failed to become Ready: ${r.reason ?? 'no reason given'}.`;
  const conditions = r.conditions
    .filter((c) => c.state !== 'succeeded')
    .map(
      (c) =>
        `  ${c.type}: ${c.state}${c.reason ? ` (${c.reason})` : ''}${c.message && c.message !== r.message ? `: ${c.message}` : ''}`,
    );
  return [
    head,
    ...(r.message && !timedOut ? [r.message] : []),
    ...(conditions.length ? ['Conditions:', ...conditions] : []),
    `Logs: ${logs}`,
    `Traffic of ${target.service} was not moved to ${revision}.`,
  ].join('\n');
}

/**
 * The update's operation failed, yet its revision is Ready: the change may have applied all the same
 * (Lore-Hex/quill-router#782). The settled service decides; nothing is sent again. It serves the
 * planned traffic (the new revision with its tag): the deploy stands, with a warning; else the
 * operation's error does.
 */
async function appliedDespite(
  clients: GoogleClients,
  target: ServiceTarget,
  plan: DeployPlan,
  error: unknown,
  reporter: Reporter,
): Promise<Service> {
  if (error instanceof ConcurrentChangeError) throw error;
  const now = await settledService(clients, target);
  const state = describeService(now);
  if (!servesAsWanted(state, fromTargets(plan.change.service.traffic))) throw error;
  reporter.warning(
    `The update's operation reported an error (${describeApiError(error).split('\n')[0]}), but ${target.service} serves revision ${plan.revision} as planned: judged from what serves.`,
  );
  return now;
}

async function waitForRollout(
  { clients, inputs }: Rollout,
  target: ServiceTarget,
  plan: DeployPlan,
  operation: ServiceOperation,
  reporter: Reporter,
): Promise<Service> {
  const { revision } = plan;
  const outcome = operation.done().then(
    (service) => ({ service, error: undefined }),
    (error: unknown) => ({ service: undefined, error }),
  );
  const stop = new AbortController();
  void outcome.then((o) => o.error && stop.abort());
  let lastLine = '';
  let lastAt = 0;
  const waited = await waitForRevision(clients, revisionName(target, revision), {
    timeoutSeconds: inputs['wait-timeout'],
    signal: stop.signal,
    // A line when the state changes, else every 10 s: enough to see progress, not a flood.
    progress: (line) => {
      const state = line.replace(/\(\d+s of/, '(');
      if (state === lastLine && Date.now() - lastAt < 10_000) return;
      reporter.progress(line);
      lastLine = state;
      lastAt = Date.now();
    },
  });
  if (waited.readiness.state === 'ready') {
    const { service, error } = await outcome;
    const settled = error ? await appliedDespite(clients, target, plan, error, reporter) : service!;
    reporter.info(`Revision ${revision} is Ready (${waited.seconds}s)`);
    return settled;
  }
  const early = stop.signal.aborted ? (await outcome).error : undefined;
  if (early instanceof ConcurrentChangeError) throw early;
  const logs = revisionLogsUrl(waited.revision, target.project, target.service, revision);
  const r = waited.readiness;
  const failure = failureMessage(target, revision, r, logs, waited.timedOut, waited.seconds);
  throw new Error(early && r.state === 'pending' ? `${failure}\nThe update failed: ${describeApiError(early)}` : failure);
}

/**
 * One rollout to every region, what each region's deploy shares: the clients, the inputs (one tag),
 * one revision-name suffix, one image pinned to its digest.
 */
export interface Rollout {
  readonly clients: GoogleClients;
  readonly inputs: DeployShared;
  /** The new revision has the same name in every region. */
  readonly suffix: string;
  /** The image pinned to its digest. */
  readonly image: string;
}

/** What the preflight found and decided in one region; nothing has changed yet. */
export interface DeployPlan {
  readonly existing?: Service;
  readonly current?: ServiceTraffic;
  /** The traffic to put back if the deploy fails: the spec when it serves, else what serves. */
  readonly before: TrafficEntry[];
  /** The revision that served the most traffic (none for a new service), and its image. */
  readonly serving?: string;
  readonly servingImage?: string;
  readonly revision: string;
  readonly change: ServiceChange;
}

/**
 * The traffic before the deploy, judged from what serves (a failed rollout leaves a spec that never
 * served), and the traffic the deploy sends: that, with tags on revisions that can no longer serve
 * dropped (a warning each; Cloud Run fails updates that keep them), plus the new revision's tag.
 */
function plannedTraffic(
  { inputs }: Rollout,
  current: ServiceTraffic | undefined,
  revisions: readonly RevisionFacts[],
  revision: string,
  reporter: Reporter,
): { before: TrafficEntry[]; traffic: TrafficEntry[] } {
  const { tag } = inputs;
  if (!current) return { before: [], traffic: deployTraffic({ current: [], revision, tag, noTraffic: inputs['no-traffic'] }) };
  // An existing service without traffic targets sends everything to LATEST (the API's default).
  const spec: TrafficEntry[] = current.traffic.length ? current.traffic : [{ type: 'LATEST', percent: 100 }];
  const before = servesAsWanted(current, spec) ? spec : current.served;
  const noTraffic = inputs['no-traffic'];
  // Without no-traffic the others keep only their tags, so only those need to be servable.
  const pinned = pinLatest(before, current.latestReady).map((e) => (noTraffic ? e : { ...e, percent: 0 }));
  const kept = servableTraffic(
    pinned,
    revisions,
    'refusing to deploy with no-traffic: the traffic it keeps cannot be served (deploy with no-traffic: false, or roll back first)',
    (w) => reporter.warning(w),
  );
  return { before, traffic: deployTraffic({ current: kept, revision, tag, noTraffic }) };
}

/**
 * The service the new template is built on: the existing one, with its template replaced by that of
 * a Ready revision when its own revision failed (template-source.ts), and the log says which.
 */
async function templateBase(
  clients: GoogleClients,
  target: ServiceTarget,
  existing: Service,
  serving: string | undefined,
  revisions: readonly RevisionFacts[],
  reporter: Reporter,
): Promise<Service> {
  const source = templateSource(existing, revisions, serving);
  reporter.info(source.message);
  if (source.kind === 'service') return existing;
  if (source.kind === 'none') return { ...existing, template: {} };
  const [revision] = await clients.revisions.getRevision({ name: revisionName(target, source.revision) });
  return { ...existing, template: templateOfRevision(revision) };
}

/**
 * Cloud Run's CPU, memory and concurrency rules on the template the deploy sends, before anything
 * changes: an input given alone meets the service's other values here (memory: 8Gi on a 1-CPU
 * service). The error names the input to change.
 */
function checkResources(service: Service, inputs: DeployShared): void {
  const containers = service.template?.containers ?? [];
  const limits = containers[servingContainerIndex(containers)]?.resources?.limits ?? {};
  // Cloud Run's defaults where nothing is set: 1 CPU, 512 MiB; concurrency follows the CPU.
  const values = {
    cpu: limits.cpu ?? '1',
    memory: limits.memory ?? '512Mi',
    concurrency: service.template?.maxInstanceRequestConcurrency || undefined,
    secondGeneration: service.template?.executionEnvironment === 'EXECUTION_ENVIRONMENT_GEN2',
  };
  const problems = resourceProblems(values).map((p) => {
    const kept =
      inputs[p.field] === undefined
        ? ` (the service's current ${p.field} is ${values[p.field]}; set the input to change it)`
        : '';
    return `Input "${p.field}": ${p.message}${kept}`;
  });
  if (problems.length) throw new Error(`Cloud Run would refuse this revision's resources:\n${problems.join('\n')}`);
}

/** The plan in one region: nothing changes until the migration or the update. */
async function planDeploy(rollout: Rollout, target: ServiceTarget, reporter: Reporter): Promise<DeployPlan> {
  const { clients, inputs, image } = rollout;
  const existing = await getService(clients, target);
  const current = existing ? describeService(existing) : undefined;
  const revisions = existing ? await listRevisionFacts(clients, target) : [];
  const revision = newRevisionName(target.service, inputs.tag, rollout.suffix);
  const { before, traffic } = plannedTraffic(rollout, current, revisions, revision, reporter);
  const serving = mainRevision(before, current?.latestReady);
  const base = existing ? await templateBase(clients, target, existing, serving, revisions, reporter) : undefined;
  const change = buildService(base, { inputs, image, revision, traffic });
  checkResources(change.service, inputs);
  const env = plainEnv(change.service);
  for (const found of findLoopbackAddresses(env)) reporter.warning(loopbackAddressWarning(found));
  if (!hasVpcAccess(change.service.template)) {
    for (const found of findPrivateAddresses(env)) reporter.warning(privateAddressWarning(found));
  }
  const servingImage = revisions.find((r) => r.name === serving)?.image;
  return { existing, current, before, serving, servingImage, revision, change };
}

/**
 * Sends the change (validate-only first). A change that met a transient error is sent again only
 * when a re-read shows the service does not carry the new revision's template yet.
 */
function saver(clients: GoogleClients, target: ServiceTarget, plan: DeployPlan, reporter: Reporter) {
  const options: UpdateOptions = {
    retry: {
      onRetry: (e: Error, attempt: number, ms: number) =>
        reporter.info(`${describeApiError(e).split('\n')[0]}; retrying in ${(ms / 1000).toFixed(1)}s (attempt ${attempt + 1})`),
    },
    applied: (now) => now.template?.revision === plan.revision,
  };
  return (validateOnly: boolean) =>
    plan.existing
      ? updateService(clients, target, plan.change.service, { ...options, updateMask: plan.change.updateMask, validateOnly })
      : createService(clients, target, plan.change.service, { ...options, validateOnly });
}

/** What the preflight gives a region's rollout: its plan and how to word its API errors. */
export interface Preflight {
  readonly plan: DeployPlan;
  readonly context: ErrorContext;
}

/** Preflight in one region: reads, plans and a validate-only update; nothing changes. */
export async function preflight(
  rollout: Rollout,
  target: ServiceTarget,
  reporter: Reporter,
  baseContext: ErrorContext,
): Promise<Preflight> {
  let context = baseContext;
  try {
    const plan = await planDeploy(rollout, target, reporter);
    // The account the revision runs as, for an actAs error: the input's, else the service's.
    context = { ...context, serviceAccount: plan.change.service.template?.serviceAccount || undefined };
    try {
      await (await saver(rollout.clients, target, plan, reporter)(true)).done();
    } catch (e) {
      throw new Error(`Preflight: the API rejected the change, nothing was changed.\n${describeApiError(e, context)}`);
    }
    return { plan, context };
  } catch (e) {
    throw described(e, context);
  }
}

/** The update and the wait in one region; a failed rollout puts its traffic back as it was. */
export async function rollOut(
  rollout: Rollout,
  target: ServiceTarget,
  { plan, context }: Preflight,
  reporter: Reporter,
): Promise<Service> {
  const { clients, inputs } = rollout;
  const shift = inputs['no-traffic'] && plan.existing ? 'no traffic' : '100 % of traffic';
  reporter.info(
    `${plan.existing ? 'Updating' : 'Creating'} ${target.service} with revision ${plan.revision} (tag ${inputs.tag}, ${shift})`,
  );
  try {
    const operation = await saver(clients, target, plan, reporter)(false);
    return await waitForRollout(rollout, target, plan, operation, reporter).catch(async (e: unknown) => {
      // The failed revision keeps no tag and no share: the service is left with the traffic it had.
      if (!(e instanceof ConcurrentChangeError)) await putBack(clients, target, plan, reporter);
      throw e;
    });
  } catch (e) {
    throw described(e, context);
  }
}

/**
 * Restores the traffic a deploy found (a service the deploy created has none to restore). After a
 * rollout that succeeded, LATEST is pinned to the revision it resolved to before: the new revision is
 * the latest Ready one now.
 */
export async function putBack(
  clients: GoogleClients,
  target: ServiceTarget,
  plan: DeployPlan,
  reporter: Reporter,
  rolledOut = false,
): Promise<void> {
  if (!plan.existing) return;
  const traffic = rolledOut ? pinLatest(plan.before, plan.current?.latestReady) : plan.before;
  await restoreTraffic(clients, target, traffic, reporter).catch((r: unknown) =>
    reporter.error(restoreFailed(target.service, r).message),
  );
}
