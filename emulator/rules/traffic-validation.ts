/**
 * Traffic rules Cloud Run enforces on UpdateService/CreateService, as pure functions. Every problem is
 * reported (not only the first) so a caller fixes them in one round trip.
 *
 * Tag length: a tagged revision is served at `TAG---SERVICE-HASH-REGION.a.run.app`, whose first DNS label
 * must stay within 63 characters; gcloud enforces this as tag + service name <= 46 characters, and so
 * does the emulator (MAX_TAG_AND_SERVICE).
 */
export const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
export const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
export const MAX_TAG_AND_SERVICE = 46;

export interface TrafficTargetSpec {
  type?: string | number | null;
  revision?: string | null;
  percent?: number | null;
  tag?: string | null;
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** LATEST or REVISION; an unspecified type with a revision name means REVISION, as the API treats it. */
export function targetType(t: TrafficTargetSpec): 'LATEST' | 'REVISION' | undefined {
  if (t.type === LATEST || t.type === 1) return 'LATEST';
  if (t.type === REVISION || t.type === 2) return 'REVISION';
  return t.revision ? 'REVISION' : undefined;
}

/** Problems with one tag, or none. */
export function tagProblems(tag: string, service: string): string[] {
  const problems: string[] = [];
  if (!DNS_LABEL.test(tag)) {
    problems.push(
      `tag '${tag}' is not a valid DNS label: use lowercase letters, digits and hyphens, start with a letter and end with a letter or digit`,
    );
  }
  if (tag.length + service.length > MAX_TAG_AND_SERVICE) {
    problems.push(
      `tag '${tag}' is too long for service '${service}': tag and service name together may have at most ` +
        `${MAX_TAG_AND_SERVICE} characters, these have ${tag.length} + ${service.length} = ${tag.length + service.length}`,
    );
  }
  return problems;
}

/**
 * Every problem with a service's traffic targets. Whether a named revision exists is not checked
 * here: Cloud Run accepts the request and fails the operation (see services-state `readyRoute`).
 */
export function trafficProblems(service: string, targets: readonly TrafficTargetSpec[]): string[] {
  const problems: string[] = [];
  const tags = new Map<string, number>();
  let sum = 0;
  targets.forEach((t, i) => {
    const at = `traffic[${i}]`;
    const type = targetType(t);
    const percent = t.percent ?? 0;
    sum += percent;
    if (!type)
      problems.push(`${at}: type must be TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST or TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION`);
    if (type === 'LATEST' && t.revision) problems.push(`${at}: a LATEST target must not name a revision (got '${t.revision}')`);
    if (type === 'REVISION') {
      if (!t.revision) problems.push(`${at}: a REVISION target must name a revision`);
    }
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      problems.push(`${at}: percent must be an integer from 0 to 100, got ${percent}`);
    }
    if (t.tag) {
      problems.push(...tagProblems(t.tag, service).map((p) => `${at}: ${p}`));
      const first = tags.get(t.tag);
      if (first !== undefined) problems.push(`${at}: tag '${t.tag}' is already used by traffic[${first}]; tags must be unique`);
      else tags.set(t.tag, i);
    }
  });
  if (targets.length > 0 && sum !== 100) {
    problems.push(`traffic percents must sum to 100, but they sum to ${sum}`);
  }
  return problems;
}
