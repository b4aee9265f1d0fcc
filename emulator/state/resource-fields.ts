/** What every Cloud Run resource shares: output-only fields the API computes, etags, random suffixes. */
import { randomBytes } from 'node:crypto';

/** Output-only fields of every v2 resource (Service, Job); each kind adds its own. */
const COMMON_OUTPUT_ONLY = [
  'name',
  'uid',
  'generation',
  'createTime',
  'updateTime',
  'deleteTime',
  'expireTime',
  'creator',
  'lastModifier',
  'observedGeneration',
  'terminalCondition',
  'conditions',
  'reconciling',
  'etag',
  'satisfiesPzs',
];

/** A function that keeps only the fields a request may set (the spec), dropping output-only ones. */
export function specPicker<T>(kindOutputOnly: readonly string[]): (resource: Record<string, unknown>) => T {
  const outputOnly = new Set([...COMMON_OUTPUT_ONLY, ...kindOutputOnly]);
  return (resource) => Object.fromEntries(Object.entries(resource).filter(([k]) => !outputOnly.has(k))) as T;
}

export const newEtag = (): string => `"${randomBytes(12).toString('base64url')}"`;

/** n random characters from `alphabet` (revision and execution name suffixes). */
export const randomSuffix = (n: number, alphabet = 'abcdefghijklmnopqrstuvwxyz'): string =>
  Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
