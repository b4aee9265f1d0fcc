/**
 * deploy-cloudrun's core: preflight everything (inputs, image digest, the service, a validate-only
 * update that surfaces permission errors), run the migration job, then create or update the service
 * with the etag and wait for the new revision's own Ready condition. Traffic moves only as planned.
 */
import { randomBytes } from 'node:crypto';
import { createClients, type GoogleClients } from '../cloudrun/clients';
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
import { credentialsPrincipal, describeApiError, errorCode, type ErrorContext } from '../cloudrun/errors';
import { revisionLogsUrl, waitForRevision, type Readiness } from '../cloudrun/revisions';
import { describeService, listRevisionFacts, type RevisionFacts, type ServiceTraffic } from '../cloudrun/service-state';
import { resourceProblems } from '../cloudrun/resource-limits';
import { inEveryRegion, RegionsFailed, valuesOrThrow } from '../regional';
import { revisionName, type ServiceTarget } from '../cloudrun/target';
import { perRegion, resolveTargets } from '../regional';
import { pinned } from '../registry/reference';
import type { OutputsOf } from '../inputs';
import { md, type Reporter, type StepContext } from '../report';
import { restoreTraffic } from '../traffic/apply';
import { deployTraffic, pinLatest, servesAsWanted } from '../traffic/plan';
import { servableTraffic } from '../traffic/ready-check';
import { fromTargets, mainRevision, type TrafficEntry } from '../traffic/snapshot';
import { resolveDigest } from '../registry/image-digest';
import { deployTag, type DeployInputs, type deployCloudRunAction } from './inputs';
import { checkNewMigrations, migrateWhileServing, migrationJob } from './migration';
import { findLoopbackAddresses, loopbackAddressWarning } from './loopback-address';
import { findPrivateAddresses, privateAddressWarning } from './private-address';
import { secretLookingVars } from '../inputs/secret-looking';
import { buildService, hasVpcAccess, servingContainerIndex, type ServiceChange } from './service-template';
import { deploySummary } from './summary';
import { templateOfRevision, templateSource } from './template-source';

/** `SERVICE-TAG-xxxx`: known before the operation ends, unique per attempt, at most 52 characters. */
export const newRevisionName = (service: string, tag: string, suffix: string): string => `${service}-${tag}-${suffix}`;

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
  clients: GoogleClients,
  target: ServiceTarget,
  plan: DeployPlan,
  operation: ServiceOperation,
  inputs: DeployInputs,
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

/** What every region's deploy shares: the clients, the inputs, one tag, one revision-name suffix, one image digest. */
interface Release {
  readonly clients: GoogleClients;
  readonly inputs: DeployInputs;
  readonly tag: string;
  /** The new revision has the same name in every region. */
  readonly suffix: string;
  readonly digest: string;
  /** The image pinned to its digest. */
  readonly image: string;
}

/** What the preflight found and decided in one region; nothing has changed yet. */
interface DeployPlan {
  readonly existing?: Service;
  readonly current?: ServiceTraffic;
  /** The traffic to put back if the deploy fails: the spec when it serves, else what serves. */
  readonly before: TrafficEntry[];
  readonly revision: string;
  readonly change: ServiceChange;
}

/**
 * The traffic before the deploy, judged from what serves (a failed rollout leaves a spec that never
 * served), and the traffic the deploy sends: that, with tags on revisions that can no longer serve
 * dropped (a warning each; Cloud Run fails updates that keep them), plus the new revision's tag.
 */
function plannedTraffic(
  { inputs, tag }: Release,
  current: ServiceTraffic | undefined,
  revisions: readonly RevisionFacts[],
  revision: string,
  reporter: Reporter,
): { before: TrafficEntry[]; traffic: TrafficEntry[] } {
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
  current: ServiceTraffic,
  revisions: readonly RevisionFacts[],
  reporter: Reporter,
): Promise<Service> {
  const source = templateSource(existing, revisions, mainRevision(current.served, current.latestReady));
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
function checkResources(service: Service, inputs: DeployInputs): void {
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
async function planDeploy(release: Release, target: ServiceTarget, reporter: Reporter): Promise<DeployPlan> {
  const { clients, inputs, image } = release;
  const existing = await getService(clients, target);
  const current = existing ? describeService(existing) : undefined;
  const revisions = existing ? await listRevisionFacts(clients, target) : [];
  const revision = newRevisionName(target.service, release.tag, release.suffix);
  const { before, traffic } = plannedTraffic(release, current, revisions, revision, reporter);
  const base = existing && current ? await templateBase(clients, target, existing, current, revisions, reporter) : undefined;
  const change = buildService(base, { inputs, image, revision, traffic });
  checkResources(change.service, inputs);
  const env = plainEnv(change.service);
  for (const found of findLoopbackAddresses(env)) reporter.warning(loopbackAddressWarning(found));
  if (!hasVpcAccess(change.service.template)) {
    for (const found of findPrivateAddresses(env)) reporter.warning(privateAddressWarning(found));
  }
  return { existing, current, before, revision, change };
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

/** Preflight in one region: reads, plans and a validate-only update; nothing changes. */
async function preflight(
  release: Release,
  target: ServiceTarget,
  reporter: Reporter,
  baseContext: ErrorContext,
): Promise<{ plan: DeployPlan; context: ErrorContext }> {
  let context = baseContext;
  try {
    const plan = await planDeploy(release, target, reporter);
    // The account the revision runs as, for an actAs error: the input's, else the service's.
    context = { ...context, serviceAccount: plan.change.service.template?.serviceAccount || undefined };
    try {
      await (await saver(release.clients, target, plan, reporter)(true)).done();
    } catch (e) {
      throw new Error(`Preflight: the API rejected the change, nothing was changed.\n${describeApiError(e, context)}`);
    }
    return { plan, context };
  } catch (e) {
    throw described(e, context);
  }
}

/** An API error with its explanation (actAs help, the role to grant); any other error as it is. */
const described = (e: unknown, context: ErrorContext): unknown =>
  errorCode(e) !== undefined ? new Error(describeApiError(e, context)) : e;

/** The update and the wait in one region; a failed rollout puts its traffic back as it was. */
async function rollOut(
  { clients, inputs, tag }: Release,
  target: ServiceTarget,
  plan: DeployPlan,
  reporter: Reporter,
  context: ErrorContext,
): Promise<Service> {
  const shift = inputs['no-traffic'] && plan.existing ? 'no traffic' : '100 % of traffic';
  reporter.info(
    `${plan.existing ? 'Updating' : 'Creating'} ${target.service} with revision ${plan.revision} (tag ${tag}, ${shift})`,
  );
  try {
    const operation = await saver(clients, target, plan, reporter)(false);
    return await waitForRollout(clients, target, plan, operation, inputs, reporter).catch(async (e: unknown) => {
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
async function putBack(
  clients: GoogleClients,
  target: ServiceTarget,
  plan: DeployPlan,
  reporter: Reporter,
  rolledOut = false,
): Promise<void> {
  if (!plan.existing) return;
  const traffic = rolledOut ? pinLatest(plan.before, plan.current?.latestReady) : plan.before;
  await restoreTraffic(clients, target, traffic, reporter).catch((r: unknown) =>
    reporter.error(`Could not restore the traffic of ${target.service}: ${describeApiError(r)}`),
  );
}

/**
 * The migration, once (in the first region), before any region changes: the check of the migrations
 * new to the serving image, then the job, with the serving revision probed around it when asked.
 */
async function migrate(
  { clients, inputs, image }: Release,
  first: ServiceTarget,
  plan: DeployPlan,
  context: ErrorContext,
  reporter: Reporter,
  env: NodeJS.ProcessEnv,
  regions: number,
): Promise<void> {
  const serving = mainRevision(plan.before, plan.current?.latestReady);
  const options = { policy: inputs['migration-policy'], allow: inputs['allow-migrations'] ?? [], env };
  const check = await reporter.group('Migration check', () =>
    checkNewMigrations(clients, first, image, serving, options, reporter),
  );
  const paths = inputs['migration-probe'];
  const url = plan.current?.url;
  const run = {
    job: migrationJob(plan.change.service.template!, inputs['migration-command']!),
    migrations: check.migrations,
    ...(paths && url && serving ? { probe: { url, paths, revision: serving } } : {}),
  };
  await reporter
    .group(regions > 1 ? `Migration (in ${first.region})` : 'Migration', () =>
      migrateWhileServing(clients, first, run, reporter, env),
    )
    .catch((e: unknown) => {
      throw described(e, context);
    });
}

/**
 * Deploys to every region: preflight in all of them before anything changes, the migration once
 * (in the first region), then the update in all at once. When one region fails, the others' new
 * tags are removed too, so every region serves exactly what it served before.
 */
export async function runDeploy(
  inputs: DeployInputs,
  { reporter, env }: StepContext,
): Promise<OutputsOf<typeof deployCloudRunAction>> {
  const started = Date.now();
  const targets = resolveTargets(inputs, env);
  const legs = targets.map((target) => ({ target }));
  const tag = deployTag(inputs, env);
  const clients = createClients(env);
  const base: ErrorContext = {
    project: targets[0].project,
    principal: credentialsPrincipal(env),
    serviceAccount: inputs['service-account'],
  };
  try {
    // Names only: a secret-looking value must not reach the log it warns about.
    for (const s of secretLookingVars(inputs['env-vars'] ?? {})) reporter.warning(s.message);
    // One image for every region: its digest is resolved once.
    const digest = await resolveDigest(clients, inputs.image).catch((e: unknown) => {
      throw described(e, base);
    });
    reporter.info(`Image ${inputs.image.path} resolved to ${digest}`);
    const release: Release = {
      clients,
      inputs,
      tag,
      suffix: randomBytes(4).toString('hex').slice(0, 4),
      digest,
      image: pinned(inputs.image, digest),
    };
    const preflights = await failing(
      targets,
      reporter,
      inEveryRegion(legs, reporter, ({ target: t }, r) => preflight(release, t, r, base)),
      'Preflight',
    );
    const plans = preflights.map((p) => p.plan);
    if (inputs['migration-command'])
      await migrate(release, targets[0], plans[0], preflights[0].context, reporter, env, targets.length);
    const settled = await inEveryRegion(legs, reporter, ({ target: t }, r, i) =>
      rollOut(release, t, plans[i], r, preflights[i].context),
    );
    if (targets.length > 1 && settled.some((s) => s.status === 'rejected')) {
      await inEveryRegion(legs, reporter, ({ target: t }, r, i) =>
        settled[i].status === 'fulfilled' ? putBack(clients, t, plans[i], r, true) : Promise.resolve(),
      );
    }
    const services = await failing(targets, reporter, Promise.resolve(settled), 'Deploy');
    const results = plans.map((plan, i) => deployResult(plan, describeService(services[i]), tag));
    for (const [i, r] of results.entries())
      reporter.summary(
        deploySummary({
          service: targets[i].service,
          ...(targets.length > 1 ? { region: targets[i].region } : {}),
          revision: plans[i].revision,
          image: release.image,
          tagUrl: r['tag-url'],
          url: r.url,
          before: plans[i].before,
          after: r.after,
          seconds: (Date.now() - started) / 1000,
        }),
      );
    // Every output, always; one value per region with several.
    const output = (name: Exclude<keyof DeployResult, 'after'>) =>
      perRegion(
        legs,
        results.map((r) => r[name]),
      );
    return {
      revision: output('revision'),
      url: output('url'),
      'tag-url': output('tag-url'),
      'image-digest': digest,
      'previous-traffic': output('previous-traffic'),
      'previous-revision': output('previous-revision'),
    } satisfies DeployOutputs;
  } finally {
    await clients.close();
  }
}

type DeployOutputs = Required<OutputsOf<typeof deployCloudRunAction>>;

/** One region's outputs and its traffic afterwards. */
interface DeployResult {
  readonly revision: string;
  readonly url: string;
  readonly 'tag-url': string;
  /** An array: with several regions the output embeds each region's as JSON, not as a string. */
  readonly 'previous-traffic': TrafficEntry[];
  readonly 'previous-revision': string;
  readonly after: TrafficEntry[];
}

function deployResult(plan: DeployPlan, after: ServiceTraffic, tag: string): DeployResult {
  const latestReady = plan.current?.latestReady;
  return {
    revision: plan.revision,
    url: after.url ?? '',
    'tag-url': after.tagUrls.get(tag) ?? '',
    // LATEST pinned: restoring this must not send traffic to the revision just deployed.
    'previous-traffic': pinLatest(plan.before, latestReady),
    'previous-revision': mainRevision(plan.before, latestReady) ?? '',
    after: after.traffic,
  };
}

/** Every region's value; with several regions a failure also goes to the summary, region by region. */
async function failing<T>(
  targets: readonly ServiceTarget[],
  reporter: Reporter,
  settled: Promise<PromiseSettledResult<T>[]>,
  what: string,
): Promise<T[]> {
  try {
    return valuesOrThrow(
      what,
      targets.map((target) => ({ target })),
      await settled,
    );
  } catch (e) {
    if (e instanceof RegionsFailed)
      reporter.summary(
        md.heading(`${what} of ${targets[0].service} failed in ${e.failures.map((f) => f.region).join(', ')}`) +
          'No traffic moved: every region serves what it served before (a service this deploy created keeps its new revision).\n\n' +
          e.summary(),
      );
    throw e;
  }
}
