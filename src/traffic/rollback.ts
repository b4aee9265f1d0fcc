/**
 * Rollback: every check first (the target exists and is Ready), then one traffic update that also
 * records the rollback in the release history, timed from the first read to the finished update.
 */
import { createClients, type GoogleClients } from '../cloudrun/clients';
import { listRevisionFacts, readService, type RevisionFacts, type ServiceTraffic } from '../cloudrun/service-state';
import type { ServiceTarget } from '../cloudrun/target';
import { describing, everywhere, perRegionOutputs } from '../regional';
import type { OutputsOf, ResolvedOf } from '../inputs';
import { md, type Reporter, type StepContext } from '../report';
import { setTraffic } from './apply';
import { decodeHistory, HISTORY_ANNOTATION, recordRelease, type ReleaseRecord } from './history';
import type { rollbackAction } from './inputs';
import { servesAsWanted, sharesByRevision } from './plan';
import { promotionGuard, promotionOf, withPromotion } from './override';
import { servableTraffic } from './ready-check';
import { allTrafficTo, choosePrevious, missingTags, withoutTags, type RollbackRequest } from './rollback-to';
import type { TrafficEntry } from '../cloudrun/traffic-entry';
import { mainRevision } from './snapshot';
import { beforeAfter } from './summary';

export interface RollbackOptions {
  readonly target: ServiceTarget;
  readonly to: RollbackRequest;
  readonly reason?: string;
  readonly removeTags: readonly string[];
  readonly actor?: string;
  readonly now?: () => Date;
  /** Roll back only while this revision serves traffic (only-if-serving): it is the release to undo. */
  readonly onlyIfServing?: string;
}

export interface RollbackResult {
  readonly revision: string;
  readonly traffic: TrafficEntry[];
  readonly seconds: number;
  readonly changed: boolean;
}

/** Whether `revision` serves any traffic (from `traffic_statuses`): only-if-serving's condition. */
export const servesTraffic = (served: readonly TrafficEntry[], revision: string): boolean =>
  (sharesByRevision(served).get(revision) ?? 0) > 0;

/**
 * The annotations a rollback that undoes an unfinished promotion of `revision` writes: refused
 * (TrafficOverridden) when someone else changed the traffic since that promotion set it, else its
 * record updated to this traffic, stamped with the rollback's own time: a promote step of that
 * promotion still running then takes the rollback for someone else's change and stops, where the
 * promotion's own start time would let it count the rollback's traffic as its own and step over it.
 * Without such a promotion: the annotations as they are.
 */
export function undoingPromotion(
  target: ServiceTarget,
  current: ServiceTraffic,
  revision: string | undefined,
  traffic: readonly TrafficEntry[],
  time: string,
): Record<string, string> {
  const record = revision ? promotionOf(current.annotations, revision) : undefined;
  if (!record) return current.annotations;
  const guarded = promotionGuard(target.service, record.revision, record)(current, traffic);
  return withPromotion(guarded, { revision: record.revision, started: time, traffic: [...traffic] });
}

/** The traffic the rollback sets and why, from what serves (tags on unservable revisions dropped). */
function rollbackTraffic(
  options: RollbackOptions,
  current: ServiceTraffic,
  revisions: readonly RevisionFacts[],
  history: readonly ReleaseRecord[],
  from: string | undefined,
  reporter: Reporter,
): { traffic: TrafficEntry[]; why: string } {
  const { to, removeTags } = options;
  let traffic: TrafficEntry[];
  let why: string;
  if (to.kind === 'traffic') {
    traffic = withoutTags(to.traffic, removeTags);
    why = 'the traffic given in `to`';
  } else {
    const serving = new Set([...sharesByRevision(current.served)].filter(([, p]) => p > 0).map(([r]) => r));
    // Targets are revision names from the history: a rollback never needs a release's old tag.
    const choice =
      to.kind === 'revision'
        ? { revision: to.revision, why: 'named in `to`' }
        : choosePrevious(history, from, revisions, serving);
    traffic = allTrafficTo(current.served, choice.revision, removeTags);
    why = choice.why;
  }
  for (const tag of missingTags(current.served, removeTags)) reporter.warning(`remove-tag: the service has no tag "${tag}"`);
  return { traffic: servableTraffic(traffic, revisions, 'refusing to roll back', (w) => reporter.warning(w)), why };
}

export async function rollBackService(
  clients: GoogleClients,
  options: RollbackOptions,
  reporter: Reporter,
): Promise<RollbackResult> {
  const started = performance.now();
  const { target } = options;
  const [current, revisions] = await Promise.all([readService(clients, target), listRevisionFacts(clients, target)]);
  // only-if-serving: a rollback can only ever undo the release it names.
  if (options.onlyIfServing && !servesTraffic(current.served, options.onlyIfServing)) {
    reporter.notice(`${options.onlyIfServing} serves no traffic on ${target.service}; nothing was changed (only-if-serving)`);
    const seconds = (performance.now() - started) / 1000;
    const revision = mainRevision(current.served, current.latestReady) ?? '';
    return { revision, traffic: current.traffic, seconds, changed: false };
  }
  // The release being undone is the one named, even while it serves less than the stable revision.
  const from = options.onlyIfServing ?? mainRevision(current.served, current.latestReady);
  const history = decodeHistory(current.annotations[HISTORY_ANNOTATION]);
  const { traffic, why } = rollbackTraffic(options, current, revisions, history, from, reporter);
  const revision = mainRevision(traffic, current.latestReady) ?? '';
  reporter.info(`Rolling ${target.service} back from ${from ?? 'nothing'} to ${revision}: ${why}`);

  let after = current;
  // Judged from what serves: after a failed rollout the spec may already name this traffic.
  const changed = !servesAsWanted(current, traffic);
  if (changed) {
    // The record describes the revision now live: its image digest, and the commit it was released from.
    const digest = revisions.find((r) => r.name === revision)?.digest;
    const commit = history.find((r) => r.action === 'promote' && r.revision === revision)?.commit;
    const time = (options.now?.() ?? new Date()).toISOString();
    const release: ReleaseRecord = {
      action: 'rollback',
      revision,
      time,
      ...(digest ? { digest } : {}),
      ...(commit ? { commit } : {}),
      ...(from && from !== revision ? { from } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.actor ? { actor: options.actor } : {}),
    };
    // One update: the history is written only if the traffic operation succeeds.
    const annotations = undoingPromotion(target, current, options.onlyIfServing, traffic, time);
    const update = await setTraffic(clients, target, current, traffic, recordRelease(annotations, release));
    if (update.operationError)
      reporter.warning(
        `The rollback's operation reported an error (${update.operationError}), but ${target.service} serves the rollback's traffic: judged from what serves.`,
      );
    after = update;
  } else {
    reporter.notice(`${target.service} already serves this traffic; nothing was changed`);
  }
  const seconds = (performance.now() - started) / 1000;
  reporter.info(`Rolled back in ${seconds.toFixed(2)} s`);
  reporter.summary(
    md.heading(`Rollback of ${md.code(target.service)} to ${md.code(revision)}`) +
      `${why}${options.reason ? `. Reason: ${options.reason}` : ''}. ${changed ? `Done in **${seconds.toFixed(2)} s**, one traffic update.` : 'Nothing to change.'}\n\n` +
      beforeAfter(current.served, after.traffic),
  );
  return { revision, traffic: after.traffic, seconds, changed };
}

/**
 * The rollback action's step: inputs in, outputs out. Every region given rolls back at once, each
 * from its own service state; a region whose `to` entry is `[]` (no traffic before) is left as it is.
 */
export async function runRollback(
  { shared, legs }: ResolvedOf<typeof rollbackAction>,
  { reporter, env }: StepContext,
): Promise<OutputsOf<typeof rollbackAction>> {
  const clients = createClients(env);
  try {
    const results = await everywhere(
      'Rollback',
      legs,
      reporter,
      describing(async ({ target, to, 'only-if-serving': onlyIfServing }, r) => {
        if (!to) {
          r.notice(`${target.service} had no traffic before the deploy (it created the service); nothing to roll back`);
          return undefined;
        }
        const options: RollbackOptions = {
          target,
          to,
          reason: shared.reason,
          removeTags: shared['remove-tag'] ?? [],
          actor: env.GITHUB_ACTOR,
          ...(onlyIfServing ? { onlyIfServing } : {}),
        };
        return rollBackService(clients, options, r);
      }),
    );
    const outputs = results.map((x) => ({ revision: x?.revision ?? '', traffic: x?.traffic ?? [] }));
    return {
      ...perRegionOutputs(legs, outputs, ['revision', 'traffic']),
      seconds: Math.max(...results.map((x) => x?.seconds ?? 0)).toFixed(2),
    };
  } finally {
    await clients.close();
  }
}
