/**
 * Inputs of google-github-actions/deploy-cloudrun (v2/v3 action.yml) arrive as INPUT_ENV_VARS,
 * INPUT_PROJECT_ID and so on; Runway's kebab-case names never read them, so without this check an
 * `env_vars_update_strategy: overwrite` would silently become a merge and `project_id` would fall
 * back to another project. Each is accepted as an alias when it means exactly the same as a Runway
 * input, and is an error naming what to use otherwise.
 */
import { InputError, type RawInputs } from './read';
import type { ActionDefinition, InputProblem, InputSpecs } from './spec';

interface Legacy {
  /** The Runway input it maps to, when there is one. */
  readonly runway?: string;
  /** True when the value means exactly the same there (same syntax, values and default). */
  readonly alias?: boolean;
  /** What to do instead (when not an alias). */
  readonly instead?: string;
}

export const LEGACY_INPUTS: Readonly<Record<string, Legacy>> = {
  env_vars: { runway: 'env-vars', alias: true },
  env_vars_update_strategy: { runway: 'env-vars-update-strategy', alias: true },
  secrets_update_strategy: { runway: 'secrets-update-strategy', alias: true },
  project_id: { runway: 'project-id', alias: true },
  no_traffic: {
    runway: 'no-traffic',
    instead: "use no-traffic: Runway's default is true (a tagged revision without traffic, then promote), the anchor's is false",
  },
  suffix: { instead: 'Cloud Run names the revision; use tag to name its URL (default sha-<commit>)' },
  flags: {
    instead:
      'Runway calls the Cloud Run Admin API, not gcloud: use its inputs (cpu, memory, concurrency, min-instances, max-instances, timeout, port, command, args, service-account, cloudsql-instances, vpc-connector, vpc-egress, network, subnet, ingress, allow-unauthenticated, startup-probe)',
  },
  skip_default_labels: { instead: 'Runway adds no managed-by/commit-sha labels; remove it (set labels to add your own)' },
  gcloud_version: { instead: 'Runway does not install or run gcloud; remove it' },
  gcloud_component: { instead: 'Runway does not install or run gcloud; remove it' },
  revision_traffic: { instead: 'move traffic with the promote action (steps) or the rollback action (to)' },
  tag_traffic: { instead: 'move traffic with the promote action (steps) or the rollback action (to)' },
  update_traffic_flags: { instead: 'move traffic with the promote action (steps) or the rollback action (to)' },
  metadata: { instead: 'a service YAML is not supported; use the inputs' },
  source: { instead: 'build the image with build-image and pass its image-ref as image' },
  job: { instead: 'Runway deploys services; a migration job runs from migration-command' },
  wait: { instead: 'only for jobs in the anchor; Runway waits for the revision (wait-timeout)' },
  env_vars_file: { instead: 'put the KEY=VALUE pairs in env-vars' },
};

const variable = (name: string): string => `INPUT_${name.toUpperCase()}`;

/**
 * The raw inputs with the anchor's aliases filled in; throws an InputError naming every anchor input
 * that was given but has no identical Runway input, or that collides with its Runway name.
 */
export function withLegacyInputs<I extends InputSpecs, O extends string, R>(
  definition: ActionDefinition<I, O, R>,
  raw: RawInputs,
  env: NodeJS.ProcessEnv,
): RawInputs {
  const problems: InputProblem[] = [];
  const aliases = new Map<string, string>();
  for (const [name, legacy] of Object.entries(LEGACY_INPUTS)) {
    const given = env[variable(name)];
    if (given === undefined || given.trim() === '') continue;
    const target = legacy.runway && legacy.runway in definition.inputs ? legacy.runway : undefined;
    if (legacy.alias && target) {
      if ((raw(target) ?? '').trim() !== '')
        problems.push({ input: name, message: `and ${target} are the same input; give only ${target}` });
      else aliases.set(target, given);
    } else {
      const use = target && !legacy.instead ? `use ${target}` : (legacy.instead ?? 'remove it');
      problems.push({ input: name, message: `is google-github-actions/deploy-cloudrun's input, not ${definition.id}'s: ${use}` });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return (name) => aliases.get(name) ?? raw(name);
}
