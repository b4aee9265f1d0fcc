/**
 * Which revision a deploy builds its new template from. Cloud Run keeps the template a change asked
 * for even when its revision failed (service.proto, `reconciling`: the spec stays, only what serves
 * keeps the last serving state), so merging `env-vars`, `secrets` and the rest into the service's
 * template after a failed release would bring the failed release's settings back (issue 21: a
 * release that failed on LISTEN_HOST=127.0.0.1 made the next one fail the same way). The service's
 * template is the base only while its own revision is Ready; otherwise the base is the template of
 * the revision that serves, else of the last good release in the history, else none. Pure.
 */
import type { protos } from '@google-cloud/run';
import type { RevisionFacts } from '../cloudrun/service-state';
import { shortName } from '../cloudrun/service-state';
import type { Service } from '../cloudrun/services';
import { decodeHistory, HISTORY_ANNOTATION } from '../traffic/history';

type Template = protos.google.cloud.run.v2.IRevisionTemplate;
type Revision = protos.google.cloud.run.v2.IRevision;

export type TemplateSource =
  /** The service's stored template, whose revision is Ready. */
  | { readonly kind: 'service'; readonly revision?: string; readonly message: string }
  /** The template of another revision, read with GetRevision. */
  | { readonly kind: 'revision'; readonly revision: string; readonly message: string }
  /** No Ready revision to start from: the template is only what the inputs give. */
  | { readonly kind: 'none'; readonly message: string };

/**
 * The base of the new template. `serving` is the revision that serves the most traffic (from
 * traffic_statuses); `revisions` the service's revisions with their readiness.
 */
export function templateSource(
  service: Service,
  revisions: readonly RevisionFacts[],
  serving: string | undefined,
): TemplateSource {
  const stored = shortName(service.template?.revision) ?? shortName(service.latestCreatedRevision);
  const ready = (name: string | undefined) => !!name && revisions.some((r) => r.name === name && r.ready);
  if (!stored || ready(stored))
    return {
      kind: 'service',
      ...(stored ? { revision: stored } : {}),
      message: `Building the new template from the service's template${stored ? ` (revision ${stored}, Ready)` : ''}`,
    };
  const failed = `the service's stored template is that of ${stored}, which is not Ready, so its settings are not carried over`;
  if (ready(serving))
    return {
      kind: 'revision',
      revision: serving!,
      message: `Building the new template from ${serving}, the revision that serves: ${failed}`,
    };
  const lastGood = decodeHistory(service.annotations?.[HISTORY_ANNOTATION]).find(
    (r) => r.action === 'promote' && ready(r.revision),
  )?.revision;
  if (lastGood)
    return {
      kind: 'revision',
      revision: lastGood,
      message: `Building the new template from ${lastGood}, the last good release in the history: ${failed}`,
    };
  return { kind: 'none', message: `Building the new template from the inputs alone: no revision is Ready, and ${failed}` };
}

/** Label and annotation namespaces a template may not carry (Cloud Run v2 reference: "will be rejected"). */
const SYSTEM_KEY =
  /^([a-z0-9.-]+\.)?(run\.googleapis\.com|cloud\.googleapis\.com|serving\.knative\.dev|autoscaling\.knative\.dev)\//;
const userKeys = (map: Record<string, string> | null | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(map ?? {}).filter(([k]) => !SYSTEM_KEY.test(k)));

/** The RevisionTemplate fields a Revision carries under the same names (revision.proto, revision_template.proto). */
const SHARED_FIELDS = [
  'scaling',
  'vpcAccess',
  'timeout',
  'serviceAccount',
  'containers',
  'volumes',
  'executionEnvironment',
  'encryptionKey',
  'maxInstanceRequestConcurrency',
  'serviceMesh',
  'encryptionKeyRevocationAction',
  'encryptionKeyShutdownDuration',
  'sessionAffinity',
  'nodeSelector',
  'gpuZonalRedundancyDisabled',
] as const satisfies readonly (keyof Template & keyof Revision)[];

/** The template that would create a revision like `revision` again (its name left for the deploy to set). */
export function templateOfRevision(revision: Revision): Template {
  const template: Template = { labels: userKeys(revision.labels), annotations: userKeys(revision.annotations) };
  for (const field of SHARED_FIELDS) {
    const value = revision[field];
    if (value !== undefined && value !== null) (template as Record<string, unknown>)[field] = structuredClone(value);
  }
  return template;
}
