/**
 * deploy-cloudrun in every region of its region input: the image digest once, a preflight in every
 * region before anything changes, the migration once (in the first region), then the rollout in all
 * regions at once (rollout.ts is one region's). Traffic moves only as planned.
 */
import { randomBytes } from 'node:crypto';
import { createClients } from '../cloudrun/clients';
import { credentialsPrincipal, type ErrorContext } from '../cloudrun/errors';
import { describeService, type ServiceTraffic } from '../cloudrun/service-state';
import type { ServiceTarget } from '../cloudrun/target';
import { actEverywhere, described, everywhere, perRegionOutputs, RegionsFailed } from '../regional';
import { pinned } from '../registry/reference';
import type { OutputsOf } from '../inputs';
import { secretLookingVars } from '../inputs/secret-looking';
import { md, type Reporter, type StepContext } from '../report';
import { pinLatest } from '../traffic/plan';
import type { TrafficEntry } from '../cloudrun/traffic-entry';
import { resolveDigest } from '../registry/image-digest';
import type { deployCloudRunAction, DeployResolved } from './inputs';
import { checkNewMigrations, migrateWhileServing, migrationJob } from './migration';
import { preflight, putBack, rollOut, type DeployPlan, type Preflight, type Rollout } from './rollout';
import { deploySummary } from './summary';

/**
 * The migration, once (in the first region), before any region changes: the check of the migrations
 * new to the serving image, then the job, with the serving revision probed around it when asked.
 */
async function migrate(
  { clients, inputs, image }: Rollout,
  first: ServiceTarget,
  { plan, context }: Preflight,
  reporter: Reporter,
  env: NodeJS.ProcessEnv,
  regions: number,
): Promise<void> {
  const { serving } = plan;
  const options = { policy: inputs['migration-policy'], allow: inputs['allow-migrations'] ?? [], env };
  const check = await reporter.group('Migration check', () =>
    checkNewMigrations(first, image, plan.servingImage, options, reporter),
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
  { shared: inputs, legs }: DeployResolved,
  { reporter, env }: StepContext,
): Promise<OutputsOf<typeof deployCloudRunAction>> {
  const started = Date.now();
  const [first] = legs;
  const clients = createClients(env);
  const base: ErrorContext = {
    project: first.target.project,
    principal: credentialsPrincipal(env),
    serviceAccount: inputs['service-account'],
  };
  const failed = failureSummary(first.target.service, reporter);
  try {
    // Names only: a secret-looking value must not reach the log it warns about.
    for (const s of secretLookingVars(inputs['env-vars'] ?? {})) reporter.warning(s.message);
    // One image for every region: its digest is resolved once.
    const digest = await resolveDigest(clients, inputs.image).catch((e: unknown) => {
      throw described(e, base);
    });
    reporter.info(`Image ${inputs.image.path} resolved to ${digest}`);
    const rollout: Rollout = {
      clients,
      inputs,
      suffix: randomBytes(4).toString('hex').slice(0, 4),
      image: pinned(inputs.image, digest),
    };
    const preflights = await everywhere('Preflight', legs, reporter, ({ target }, r) =>
      preflight(rollout, target, r, base),
    ).catch(failed);
    if (inputs['migration-command']) await migrate(rollout, first.target, preflights[0], reporter, env, legs.length);
    const services = await actEverywhere(
      'Deploy',
      legs,
      reporter,
      ({ target }, r, i) => rollOut(rollout, target, preflights[i], r),
      // A region whose rollout succeeded while another failed: its new tag goes, its traffic stays.
      ({ target }, _service, r, i) => putBack(clients, target, preflights[i].plan, r, true),
    ).catch(failed);
    const results = preflights.map(({ plan }, i) => deployResult(plan, describeService(services[i]), inputs.tag));
    for (const [i, result] of results.entries())
      reporter.summary(regionSummary(rollout, legs[i].target, legs.length > 1, result, started));
    // Every output, always; one value per region with several.
    return {
      ...perRegionOutputs(legs, results, ['revision', 'url', 'tag-url', 'previous-traffic', 'previous-revision']),
      'image-digest': digest,
    } satisfies DeployOutputs;
  } finally {
    await clients.close();
  }
}

type DeployOutputs = Required<OutputsOf<typeof deployCloudRunAction>>;

/** One region's outputs, what it planned, and its traffic afterwards. */
interface DeployResult {
  readonly revision: string;
  readonly url: string;
  readonly 'tag-url': string;
  /** An array: with several regions the output embeds each region's as JSON, not as a string. */
  readonly 'previous-traffic': TrafficEntry[];
  readonly 'previous-revision': string;
  readonly before: TrafficEntry[];
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
    'previous-revision': plan.serving ?? '',
    before: plan.before,
    after: after.traffic,
  };
}

/** The job summary of the deploy in one region (named when there are several). */
function regionSummary(rollout: Rollout, target: ServiceTarget, several: boolean, result: DeployResult, started: number): string {
  return deploySummary({
    service: target.service,
    ...(several ? { region: target.region } : {}),
    revision: result.revision,
    image: rollout.image,
    tagUrl: result['tag-url'],
    url: result.url,
    before: result.before,
    after: result.after,
    seconds: (Date.now() - started) / 1000,
  });
}

/** Rethrows a failure; with several regions it also goes to the job summary, region by region. */
function failureSummary(service: string, reporter: Reporter): (e: unknown) => never {
  return (e) => {
    if (e instanceof RegionsFailed)
      reporter.summary(
        md.heading(`${e.what} of ${service} failed in ${e.failures.map((f) => f.region).join(', ')}`) +
          'No traffic moved: every region serves what it served before (a service this deploy created keeps its new revision).\n\n' +
          e.summary(),
      );
    throw e;
  };
}
