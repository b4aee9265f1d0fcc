/**
 * Where a Cloud Run call is aimed: one service in one region of one project, and the resource names
 * the Admin API takes. Resolving them from inputs is the regional layer's (src/regional).
 */

export interface ServiceTarget {
  readonly project: string;
  readonly region: string;
  readonly service: string;
}

export const locationName = (t: ServiceTarget): string => `projects/${t.project}/locations/${t.region}`;
export const serviceName = (t: ServiceTarget): string => `${locationName(t)}/services/${t.service}`;
export const revisionName = (t: ServiceTarget, revision: string): string => `${serviceName(t)}/revisions/${revision}`;
export const jobName = (t: ServiceTarget, job: string): string => `${locationName(t)}/jobs/${job}`;
