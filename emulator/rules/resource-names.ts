/** Cloud Run resource names (`projects/P/locations/L/services/S`, ...), parsed strictly like the API does. */
import { invalidArgument } from '../apis/api-error';
import { CLOUD_RUN_REGIONS } from '../../src/cloudrun/regions';

export interface Parent {
  readonly project: string;
  readonly location: string;
}

export interface ChildName extends Parent {
  readonly id: string;
}

const PARENT = /^projects\/([^/]+)\/locations\/([^/]+)$/;

export function parseParent(parent: string): Parent {
  const m = PARENT.exec(parent ?? '');
  if (!m) throw invalidArgument(`Invalid parent '${parent}': expected projects/PROJECT/locations/LOCATION`);
  return { project: m[1], location: m[2] };
}

/**
 * A service or job is created only in a region Cloud Run runs in (https://cloud.google.com/run/docs/locations):
 * a typo'd region fails at once, not after the other regions were deployed. The real error's wording is
 * not documented (a Differences row).
 */
export function checkRunLocation(location: string): void {
  if (!CLOUD_RUN_REGIONS.has(location))
    throw invalidArgument(`Location '${location}' is not a Cloud Run location (https://cloud.google.com/run/docs/locations)`);
}

/** Parses `projects/P/locations/L/<collection>/ID`, e.g. collection `services`. */
export function parseChild(name: string, collection: string): ChildName {
  const m = new RegExp(`^projects/([^/]+)/locations/([^/]+)/${collection}/([^/]+)$`).exec(name ?? '');
  if (!m) {
    throw invalidArgument(`Invalid resource name '${name}': expected projects/PROJECT/locations/LOCATION/${collection}/ID`);
  }
  return { project: m[1], location: m[2], id: m[3] };
}

export const parentOf = (p: Parent): string => `projects/${p.project}/locations/${p.location}`;
export const childName = (p: Parent, collection: string, id: string): string => `${parentOf(p)}/${collection}/${id}`;

/** The resources of `collection` under `parent` (checked) in a table of the state. */
export function childrenOf<T extends { name: string }>(table: Record<string, T>, parent: string, collection: string): T[] {
  const prefix = `${parentOf(parseParent(parent))}/${collection}/`;
  return Object.values(table).filter((r) => r.name.startsWith(prefix));
}

/** Parses `.../<owners>/O/<collection>/ID`, a resource that lives under another (a revision under its service). */
function parseNested(name: string, owners: string, collection: string): ChildName & { owner: string } {
  const m = new RegExp(`^projects/([^/]+)/locations/([^/]+)/${owners}/([^/]+)/${collection}/([^/]+)$`).exec(name ?? '');
  if (!m) {
    const one = (plural: string) => plural.slice(0, -1);
    throw invalidArgument(
      `Invalid ${one(collection)} name '${name}': expected projects/PROJECT/locations/LOCATION/${owners}/${one(owners).toUpperCase()}/${collection}/${one(collection).toUpperCase()}`,
    );
  }
  return { project: m[1], location: m[2], owner: m[3], id: m[4] };
}

/** A revision's name lives under its service: `.../services/S/revisions/R`. */
export function parseRevisionName(name: string): ChildName & { service: string } {
  const { owner, ...child } = parseNested(name, 'services', 'revisions');
  return { ...child, service: owner };
}

/** An execution's name lives under its job: `.../jobs/J/executions/E`. */
export function parseExecutionName(name: string): ChildName & { job: string } {
  const { owner, ...child } = parseNested(name, 'jobs', 'executions');
  return { ...child, job: owner };
}

/** Resource IDs as Cloud Run accepts them: a lowercase DNS label of at most 49 characters for services. */
/**
 * Service IDs: service.proto's CreateServiceRequest.service_id "must begin with letter, and cannot end
 * with hyphen; must contain fewer than 50 characters". Job IDs get the same rule: job.proto documents
 * no limit, and this is the stricter choice (see README, Differences from Cloud Run).
 */
export function checkResourceId(id: string, kind: 'Service' | 'Job'): void {
  if (!/^[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?$/.test(id ?? '')) {
    throw invalidArgument(
      `${kind} name '${id}' is invalid: it must use only lowercase letters, digits and hyphens, start with a letter, ` +
        'not end with a hyphen, and be at most 49 characters long',
    );
  }
}
