/**
 * The inputs every regional action shares (service, region, project-id) and the kinds of per-region
 * inputs: one value for every region, or a JSON object keyed by region (what a per-region output
 * gives with several regions). Pure.
 */
import { CLOUD_RUN_REGIONS } from '../cloudrun/regions';
import { input, InvalidValue, kinds, type Kind } from '../inputs';

/** Variables google-github-actions/auth and setup-gcloud export, in the order gcloud reads them. */
export const PROJECT_ENV_VARS = [
  'CLOUDSDK_CORE_PROJECT',
  'CLOUDSDK_PROJECT',
  'GCLOUD_PROJECT',
  'GOOGLE_CLOUD_PROJECT',
  'GCP_PROJECT',
];

const SERVICE = /^[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?$/;
const REGION = /^[a-z]+-[a-z]+\d+$/;
const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
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

/** service, region and project-id: the inputs that say which services a regional action works on. */
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
