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
  updateService,
  type Service,
  type ServiceOperation,
} from '../cloudrun/services';
import { credentialsPrincipal, describeApiError, errorCode, type ErrorContext } from '../cloudrun/errors';
import { revisionLogsUrl, waitForRevision, type Readiness } from '../cloudrun/revisions';
import { resolveTarget, revisionName, type ServiceTarget } from '../cloudrun/target';
import { pinned } from '../image/reference';
import type { Reporter } from '../report';
import { formatSnapshot, mainRevision, toTargets, type TrafficEntry } from '../traffic/snapshot';
import { describeService } from '../traffic/service-traffic';
import { resolveDigest } from './image-digest';
import { deployTag, type DeployInputs } from './inputs';
import { migrationJob, runMigration } from './migration';
import { findPrivateAddresses, privateAddressWarning } from './private-address';
import { buildService, hasVpcAccess, servingContainerIndex } from './service-template';
import { deploySummary } from './summary';
import { pinLatest, planTraffic } from './traffic-plan';

export type DeployOutputs = Record<
  'revision' | 'url' | 'tag-url' | 'image-digest' | 'previous-traffic' | 'previous-revision',
  string
>;

export interface DeployContext {
  readonly reporter: Reporter;
  readonly env: NodeJS.ProcessEnv;
}

/** `SERVICE-TAG-xxxx`: known before the operation ends, unique per attempt, at most 52 characters. */
export const newRevisionName = (
  service: string,
  tag: string,
  suffix: string = randomBytes(4).toString('hex').slice(0, 4),
): string => `${service}-${tag}-${suffix}`;

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

async function waitForRollout(
  clients: GoogleClients,
  target: ServiceTarget,
  revision: string,
  operation: ServiceOperation,
  inputs: DeployInputs,
  reporter: Reporter,
): Promise<Service> {
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
    if (error) throw error;
    reporter.info(`Revision ${revision} is Ready (${waited.seconds}s)`);
    return service!;
  }
  const early = stop.signal.aborted ? (await outcome).error : undefined;
  if (early instanceof ConcurrentChangeError) throw early;
  const logs = revisionLogsUrl(waited.revision, target.project, target.service, revision);
  const r = waited.readiness;
  const failure = failureMessage(target, revision, r, logs, waited.timedOut, waited.seconds);
  throw new Error(early && r.state === 'pending' ? `${failure}\nThe update failed: ${describeApiError(early)}` : failure);
}

/** Puts the traffic back exactly as it was before a failed deploy. */
async function restoreTraffic(
  clients: GoogleClients,
  target: ServiceTarget,
  before: TrafficEntry[],
  reporter: Reporter,
): Promise<void> {
  try {
    const service = await getService(clients, target);
    if (!service) return;
    const operation = await updateService(
      clients,
      target,
      { ...service, traffic: toTargets(before) },
      { updateMask: ['traffic'] },
    );
    await operation.done();
    reporter.info(`Traffic of ${target.service} restored to what it was before the deploy`);
  } catch (e) {
    reporter.error(`Could not restore the traffic of ${target.service}: ${describeApiError(e)}`);
  }
}

export async function deploy(inputs: DeployInputs, { reporter, env }: DeployContext): Promise<DeployOutputs> {
  const started = Date.now();
  const target = resolveTarget(inputs, env);
  const tag = deployTag(inputs, env);
  const clients = createClients(env);
  let context: ErrorContext = {
    project: target.project,
    principal: credentialsPrincipal(env),
    serviceAccount: inputs['service-account'],
  };
  try {
    // Preflight: nothing below changes anything until the migration or the update.
    const digest = await resolveDigest(clients, inputs.image);
    const image = pinned(inputs.image, digest);
    reporter.info(`Image ${inputs.image.path} resolved to ${digest}`);
    const existing = await getService(clients, target);
    const current = existing ? describeService(existing) : undefined;
    // An existing service without traffic targets sends everything to LATEST (the API's default).
    const before: TrafficEntry[] = !current ? [] : current.traffic.length ? current.traffic : [{ type: 'LATEST', percent: 100 }];
    const revision = newRevisionName(target.service, tag);
    const traffic = planTraffic({
      current: before,
      latestReady: current?.latestReady,
      revision,
      tag,
      noTraffic: inputs['no-traffic'],
    });
    const change = buildService(existing, { inputs, image, revision, traffic });
    // The account the revision runs as, for an actAs error: the input's, else the service's.
    context = { ...context, serviceAccount: change.service.template?.serviceAccount || undefined };
    if (!hasVpcAccess(change.service.template)) {
      for (const found of findPrivateAddresses(plainEnv(change.service))) reporter.warning(privateAddressWarning(found));
    }
    const retry = {
      onRetry: (e: Error, attempt: number, ms: number) =>
        reporter.info(`${describeApiError(e).split('\n')[0]}; retrying in ${(ms / 1000).toFixed(1)}s (attempt ${attempt + 1})`),
    };
    const save = (validateOnly: boolean) =>
      existing
        ? updateService(clients, target, change.service, { updateMask: change.updateMask, validateOnly, retry })
        : createService(clients, target, change.service, { validateOnly, retry });
    try {
      await (await save(true)).done();
    } catch (e) {
      throw new Error(`Preflight: the API rejected the change, nothing was changed.\n${describeApiError(e, context)}`);
    }

    if (inputs['migration-command']) {
      await reporter.group('Migration', () =>
        runMigration(clients, target, migrationJob(change.service.template!, inputs['migration-command']!), reporter),
      );
    }

    reporter.info(
      `${existing ? 'Updating' : 'Creating'} ${target.service} with revision ${revision} (tag ${tag}, ${inputs['no-traffic'] && existing ? 'no traffic' : '100 % of traffic'})`,
    );
    const operation = await save(false);
    const service = await waitForRollout(clients, target, revision, operation, inputs, reporter).catch(async (e: unknown) => {
      // The failed revision keeps no tag and no share: the service is left with the traffic it had.
      if (existing && !(e instanceof ConcurrentChangeError)) await restoreTraffic(clients, target, before, reporter);
      throw e;
    });
    const after = describeService(service);
    const outputs: DeployOutputs = {
      revision,
      url: after.url ?? '',
      'tag-url': after.tagUrls.get(tag) ?? '',
      'image-digest': digest,
      // LATEST pinned: restoring this must not send traffic to the revision just deployed.
      'previous-traffic': formatSnapshot(pinLatest(before, current?.latestReady)),
      'previous-revision': mainRevision(before, current?.latestReady) ?? '',
    };
    reporter.summary(
      deploySummary({
        service: target.service,
        revision,
        image,
        tagUrl: outputs['tag-url'],
        url: outputs.url,
        before,
        after: after.traffic,
        seconds: (Date.now() - started) / 1000,
      }),
    );
    return outputs;
  } catch (e) {
    if (errorCode(e) !== undefined) throw new Error(describeApiError(e, context));
    throw e;
  } finally {
    await clients.close();
  }
}
