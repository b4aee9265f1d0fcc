/**
 * Output-only fields of Cloud Run's v2 resources: the API computes them and ignores what a request
 * sends. Deploy drops them before it sends a service back; the emulator drops them from a request.
 */

/** Every v2 resource's (Service, Job). */
export const RESOURCE_OUTPUT_ONLY = [
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
  'satisfiesPzs',
] as const;

/** A Service's own. */
export const SERVICE_OUTPUT_ONLY = [
  'latestReadyRevision',
  'latestCreatedRevision',
  'trafficStatuses',
  'uri',
  'urls',
  'threatDetectionEnabled',
] as const;
