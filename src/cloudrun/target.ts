/**
 * Which Cloud Run service an action works on. Project, region and service handling lives only here,
 * so that a list of regions later is a change of this module, not of every action.
 */
import { input, kinds, type InputProblem } from '../inputs';

/** Variables google-github-actions/auth and setup-gcloud export, in the order gcloud reads them. */
export const PROJECT_ENV_VARS = [
  'CLOUDSDK_CORE_PROJECT',
  'CLOUDSDK_PROJECT',
  'GCLOUD_PROJECT',
  'GOOGLE_CLOUD_PROJECT',
  'GCP_PROJECT',
];

export interface ServiceTarget {
  readonly project: string;
  readonly region: string;
  readonly service: string;
}

const SERVICE = /^[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?$/;
const REGION = /^[a-z]+-[a-z]+\d+$/;
const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

export const targetInputs = {
  service: input(
    'Cloud Run service name',
    kinds.pattern(
      SERVICE,
      'a Cloud Run service name: lowercase letters, digits and hyphens, starting with a letter, at most 49 characters',
    ),
  ).required(),
  region: input('Cloud Run region', kinds.pattern(REGION, 'a Google Cloud region such as us-central1')).default('us-central1'),
  'project-id': input(
    `Google Cloud project ID; defaults to the project google-github-actions/auth exported (${PROJECT_ENV_VARS.join(', ')})`,
    kinds.pattern(PROJECT, 'a Google Cloud project ID: 6 to 30 lowercase letters, digits and hyphens, starting with a letter'),
  ),
};

export function projectFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  for (const name of PROJECT_ENV_VARS) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** The input problem when no project is given and none was exported, else none. */
export function checkProject(projectId: string | undefined, env: NodeJS.ProcessEnv): InputProblem[] {
  if (projectId || projectFromEnv(env)) return [];
  return [
    {
      input: 'project-id',
      message: `is required when none of ${PROJECT_ENV_VARS.join(', ')} is set (run google-github-actions/auth first, or pass project-id)`,
    },
  ];
}

export function resolveTarget(
  values: { service: string; region: string; 'project-id'?: string },
  env: NodeJS.ProcessEnv,
): ServiceTarget {
  const project = values['project-id'] ?? projectFromEnv(env);
  if (!project) throw new Error(checkProject(undefined, env)[0].message);
  return { project, region: values.region, service: values.service };
}

export const locationName = (t: ServiceTarget): string => `projects/${t.project}/locations/${t.region}`;
export const serviceName = (t: ServiceTarget): string => `${locationName(t)}/services/${t.service}`;
export const revisionName = (t: ServiceTarget, revision: string): string => `${serviceName(t)}/revisions/${revision}`;
export const jobName = (t: ServiceTarget, job: string): string => `${locationName(t)}/jobs/${job}`;
