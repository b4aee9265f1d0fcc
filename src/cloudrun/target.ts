/**
 * Which Cloud Run services an action works on: one service name in one or several regions of one
 * project. Project, region and service handling lives only here; with several regions an action runs
 * its single-region core once per target (issue 14).
 */
import { input, InvalidValue, kinds, type InputProblem, type Kind } from '../inputs';

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
/**
 * Regions Cloud Run runs in (https://cloud.google.com/run/docs/locations, December 2026). A name of
 * the right shape that is not here is refused as unknown: a typo must not fail only after other
 * regions were deployed.
 */
export const CLOUD_RUN_REGIONS: ReadonlySet<string> = new Set([
  'africa-south1',
  'asia-east1',
  'asia-east2',
  'asia-northeast1',
  'asia-northeast2',
  'asia-northeast3',
  'asia-south1',
  'asia-south2',
  'asia-southeast1',
  'asia-southeast2',
  'australia-southeast1',
  'australia-southeast2',
  'europe-central2',
  'europe-north1',
  'europe-north2',
  'europe-southwest1',
  'europe-west1',
  'europe-west2',
  'europe-west3',
  'europe-west4',
  'europe-west6',
  'europe-west8',
  'europe-west9',
  'europe-west10',
  'europe-west12',
  'me-central1',
  'me-central2',
  'me-west1',
  'northamerica-northeast1',
  'northamerica-northeast2',
  'northamerica-south1',
  'southamerica-east1',
  'southamerica-west1',
  'us-central1',
  'us-east1',
  'us-east4',
  'us-east5',
  'us-south1',
  'us-west1',
  'us-west2',
  'us-west3',
  'us-west4',
]);

const REGIONS_ALLOWED = 'a Google Cloud region such as us-central1, or several separated by commas or newlines';

/** The regions of a `region` input: trimmed, by commas or newlines; an unknown or repeated one is named. */
export function parseRegions(raw: string): string[] {
  const regions = raw
    .split(/[,\n]/)
    .map((r) => r.trim())
    .filter((r) => r !== '');
  if (regions.length === 0) throw new InvalidValue(`expected ${REGIONS_ALLOWED}`);
  const seen = new Set<string>();
  for (const region of regions) {
    if (!REGION.test(region)) throw new InvalidValue(`"${region}" is not a region name: expected ${REGIONS_ALLOWED}`);
    if (!CLOUD_RUN_REGIONS.has(region))
      throw new InvalidValue(`"${region}" is not a Cloud Run region (see https://cloud.google.com/run/docs/locations)`);
    if (seen.has(region)) throw new InvalidValue(`"${region}" is given more than once`);
    seen.add(region);
  }
  return regions;
}
const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

export const targetInputs = {
  service: input(
    'Cloud Run service name',
    kinds.pattern(
      SERVICE,
      'a Cloud Run service name: lowercase letters, digits and hyphens, starting with a letter, at most 49 characters',
    ),
  ).required(),
  region: input(
    'Cloud Run region, or several separated by commas or newlines: the action then works on the service in each of them',
    { allowed: REGIONS_ALLOWED, parse: parseRegions },
  ).default('us-central1'),
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

/** One target per region, in the order given. */
export function resolveTargets(
  values: { service: string; region: readonly string[]; 'project-id'?: string },
  env: NodeJS.ProcessEnv,
): ServiceTarget[] {
  const project = values['project-id'] ?? projectFromEnv(env);
  if (!project) throw new Error(checkProject(undefined, env)[0].message);
  return values.region.map((region) => ({ project, region, service: values.service }));
}

/**
 * A per-region output: the plain value with one region (as before multi-region), else a JSON map
 * keyed by region.
 */
export function perRegion(targets: readonly ServiceTarget[], values: readonly unknown[]): string {
  if (targets.length === 1) return typeof values[0] === 'string' ? values[0] : JSON.stringify(values[0]);
  return JSON.stringify(Object.fromEntries(targets.map((t, i) => [t.region, values[i]])));
}

/** A per-region input's values, one per region (read from a JSON object keyed by region). */
export class ByRegion<T> {
  constructor(readonly values: ReadonlyMap<string, T>) {}
}

/** A per-region input's value: one for every region, or one per region. */
export type PerRegion<T> = T | ByRegion<T>;

/**
 * Reads a per-region input: a JSON object keyed by region (what a per-region output gives with
 * several regions), else one plain value for every region. `parse` checks each value.
 */
export function regionValues<T>(raw: string, parse: (value: string) => T): PerRegion<T> {
  const text = raw.trim();
  if (!text.startsWith('{')) return parse(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InvalidValue(`not valid JSON (${(e as Error).message}); expected a JSON object keyed by region`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidValue('expected a JSON object keyed by region');
  const byRegion = new Map<string, T>();
  for (const [region, v] of Object.entries(value)) {
    if (!CLOUD_RUN_REGIONS.has(region)) throw new InvalidValue(`key "${region}" is not a Cloud Run region`);
    const item = typeof v === 'string' ? v : JSON.stringify(v);
    try {
      byRegion.set(region, parse(item));
    } catch (e) {
      throw new InvalidValue(`${region}: ${(e as Error).message}`);
    }
  }
  if (byRegion.size === 0) throw new InvalidValue('expected a JSON object keyed by region, with at least one region');
  return new ByRegion(byRegion);
}

/** An input that takes one value for every region, or a JSON object of values keyed by region. */
export function perRegionKind<T>(allowed: string, parse: (raw: string) => T): Kind<PerRegion<T>> {
  return kinds.parsedBy(`${allowed}; with several regions also a JSON object of such values keyed by region`, (raw) =>
    regionValues(raw, parse),
  );
}

const missingRegions = (value: ByRegion<unknown>, regions: readonly string[]): string[] =>
  regions.filter((r) => !value.values.has(r));

/** What a per-region value holds for each target; names the regions it misses. */
export function valuesFor<T>(input: string, value: PerRegion<T>, targets: readonly ServiceTarget[]): T[] {
  if (!(value instanceof ByRegion)) return targets.map(() => value);
  const missing = missingRegions(
    value,
    targets.map((t) => t.region),
  );
  if (missing.length) throw new Error(`Input "${input}" has no value for region ${missing.join(', ')}`);
  return targets.map((t) => value.values.get(t.region)!);
}

/** A per-region value's check against the region input, before anything runs. */
export function checkRegionKeys(
  input: string,
  value: PerRegion<unknown> | undefined,
  regions: readonly string[],
): InputProblem[] {
  if (!(value instanceof ByRegion)) return [];
  const missing = missingRegions(value, regions);
  return missing.length
    ? [{ input, message: `has no value for region ${missing.join(', ')} (region is ${regions.join(', ')})` }]
    : [];
}

export const locationName = (t: ServiceTarget): string => `projects/${t.project}/locations/${t.region}`;
export const serviceName = (t: ServiceTarget): string => `${locationName(t)}/services/${t.service}`;
export const revisionName = (t: ServiceTarget, revision: string): string => `${serviceName(t)}/revisions/${revision}`;
export const jobName = (t: ServiceTarget, job: string): string => `${locationName(t)}/jobs/${job}`;
