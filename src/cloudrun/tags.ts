/**
 * The traffic tag rule. A tag becomes part of a host name (`TAG---SERVICE-HASH-REGION.a.run.app`), so it
 * must be a DNS label, and the tag plus the service name may hold at most 46 characters (what gcloud
 * enforces). A tag derived from a commit is `sha-` plus as many leading hex digits of the SHA as fit
 * (12 at most, 4 at least), so it is valid, short and stable for the commit.
 */

export const MAX_TAG_AND_SERVICE = 46;
const TAG = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
const SHA = /^[0-9a-f]{7,64}$/i;
const PREFIX = 'sha-';
const MAX_HEX = 12;
const MIN_HEX = 4;

/** Why `tag` cannot be used with `service`, or undefined when it can. */
export function tagProblem(tag: string, service: string): string | undefined {
  if (!TAG.test(tag)) {
    return `"${tag}" is not a traffic tag: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`;
  }
  const room = MAX_TAG_AND_SERVICE - service.length;
  if (tag.length > room) {
    return `"${tag}" is ${tag.length} characters; with the ${service.length}-character service "${service}" a tag may have at most ${Math.max(room, 0)} (tag + service ≤ ${MAX_TAG_AND_SERVICE})`;
  }
  return undefined;
}

/** Whether `tag` has the form tagFromCommit gives (`sha-` and 4 to 12 hex digits): a tag Runway derived. */
export const isCommitTag = (tag: string): boolean => new RegExp(`^${PREFIX}[0-9a-f]{${MIN_HEX},${MAX_HEX}}$`).test(tag);

/** `sha-` + the commit's leading hex digits that fit next to `service`; throws when not even 4 fit. */
export function tagFromCommit(sha: string, service: string): string {
  if (!SHA.test(sha)) throw new Error(`"${sha}" is not a commit SHA, so no tag can be derived from it; pass a tag`);
  const hex = Math.min(MAX_HEX, MAX_TAG_AND_SERVICE - service.length - PREFIX.length);
  if (hex < MIN_HEX) {
    throw new Error(
      `the service name "${service}" is too long for a tag derived from the commit (tag + service ≤ ${MAX_TAG_AND_SERVICE}); pass a tag of at most ${Math.max(MAX_TAG_AND_SERVICE - service.length, 0)} characters`,
    );
  }
  return PREFIX + sha.slice(0, hex).toLowerCase();
}
