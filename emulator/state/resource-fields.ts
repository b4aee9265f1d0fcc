/** What every Cloud Run resource shares: output-only fields the API computes, look-up and naming, etags, random suffixes. */
import { randomBytes, randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { RESOURCE_OUTPUT_ONLY } from '../../src/cloudrun/output-only';
import { ApiError, notFound } from '../apis/api-error';
import { checkResourceId, checkRunLocation, childName, parseChild, parseParent } from '../rules/resource-names';
import { now, type Job } from './store';

/** What a request's resource may carry but is no spec: the name comes from the URL, the etag is a precondition. */
const NOT_SPEC = [...RESOURCE_OUTPUT_ONLY, 'name', 'etag'];

/** A function that keeps only the fields a request may set (the spec), dropping output-only ones. */
export function specPicker<T>(kindOutputOnly: readonly string[]): (resource: Record<string, unknown>) => T {
  const outputOnly = new Set([...NOT_SPEC, ...kindOutputOnly]);
  return (resource) => Object.fromEntries(Object.entries(resource).filter(([k]) => !outputOnly.has(k))) as T;
}

/** The resource `name` (of `collection`) in its table of the state, or NOT_FOUND. */
export function existing<T>(table: Record<string, T>, name: string, collection: 'services' | 'jobs'): T {
  parseChild(name, collection);
  const found = table[name];
  if (!found) throw notFound(`Resource '${name}' was not found`);
  return found;
}

/** The name a create gives its resource: a valid ID under a valid parent, not taken yet (ALREADY_EXISTS). */
export function newName(
  table: Record<string, unknown>,
  parent: string,
  collection: 'services' | 'jobs',
  id: string,
  kind: 'Service' | 'Job',
): string {
  const p = parseParent(parent);
  checkRunLocation(p.location);
  checkResourceId(id, kind);
  const name = childName(p, collection, id);
  if (table[name]) throw new ApiError(grpc.status.ALREADY_EXISTS, `Resource '${name}' already exists`);
  return name;
}

/**
 * What every write of a resource sets alike: uid and create time kept from `current`, the next
 * generation, labels and annotations as sent (none: empty), the time and a new etag.
 */
export function written(
  name: string,
  current: Pick<Job, 'uid' | 'generation' | 'createTime'> | undefined,
  spec: { labels?: Record<string, string>; annotations?: Record<string, string> },
) {
  const time = now();
  return {
    name,
    uid: current?.uid ?? randomUUID(),
    generation: String(Number(current?.generation ?? 0) + 1),
    labels: spec.labels ?? {},
    annotations: spec.annotations ?? {},
    createTime: current?.createTime ?? time,
    updateTime: time,
    etag: newEtag(),
  };
}

export const newEtag = (): string => `"${randomBytes(12).toString('base64url')}"`;

/** n random characters from `alphabet` (revision and execution name suffixes). */
export const randomSuffix = (n: number, alphabet = 'abcdefghijklmnopqrstuvwxyz'): string =>
  Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
