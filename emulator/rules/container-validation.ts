/**
 * Container rules Cloud Run checks on a template: at least one container, each with an image, and no
 * env var the system sets itself (for services: "The following reserved env names were provided:
 * PORT. These values are automatically set by the system.").
 */
import type { ContainerSpec } from '../state/store';

export const SERVICE_RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION'];
export const JOB_RESERVED_ENV = [
  'CLOUD_RUN_JOB',
  'CLOUD_RUN_EXECUTION',
  'CLOUD_RUN_TASK_INDEX',
  'CLOUD_RUN_TASK_ATTEMPT',
  'CLOUD_RUN_TASK_COUNT',
];

/** Problems with the containers at `field` (e.g. `template.containers`). */
export function containerProblems(field: string, containers: readonly ContainerSpec[], reservedEnv: readonly string[]): string[] {
  if (containers.length === 0) return [`${field}: at least one container is required`];
  return containers.flatMap((c, i) => {
    const reserved = (c.env ?? []).map((e) => e.name).filter((name) => reservedEnv.includes(name));
    return [
      ...(c.image ? [] : [`${field}[${i}].image: must be set`]),
      ...(reserved.length
        ? [
            `${field}[${i}].env: The following reserved env names were provided: ${reserved.join(', ')}. These values are automatically set by the system.`,
          ]
        : []),
    ];
  });
}

/**
 * Startup probe ranges, from k8s.min.proto's Probe comments: initial delay 0-240 s and period 1-240 s
 * for a startup probe, timeout 1-3600 s and not above the period ("Must be greater or equal than
 * timeout_seconds"; the proto also says timeout "Must be smaller than period_seconds", but Cloud Run's
 * own default probe has both at 240 s), failure threshold at least 1, and one probe type at most.
 * Checked after the server defaults are filled in, so unset fields have their default values.
 */
export function startupProbeProblems(field: string, probe: ContainerSpec['startupProbe']): string[] {
  if (!probe) return [];
  const { initialDelaySeconds: delay = 0, timeoutSeconds: timeout = 1, periodSeconds: period = 10, failureThreshold = 3 } = probe;
  const types = ['httpGet', 'tcpSocket', 'grpc'].filter((t) => probe[t as keyof typeof probe]);
  return [
    ...(delay < 0 || delay > 240 ? [`${field}.initial_delay_seconds: must be 0 to 240, got ${delay}`] : []),
    ...(period < 1 || period > 240 ? [`${field}.period_seconds: must be 1 to 240, got ${period}`] : []),
    ...(timeout < 1 || timeout > 3600 ? [`${field}.timeout_seconds: must be 1 to 3600, got ${timeout}`] : []),
    ...(timeout > period ? [`${field}.timeout_seconds: must not exceed period_seconds (${timeout} > ${period})`] : []),
    ...(failureThreshold < 1 ? [`${field}.failure_threshold: must be at least 1, got ${failureThreshold}`] : []),
    ...(types.length > 1 ? [`${field}: exactly one of http_get, tcp_socket or grpc may be set, got ${types.join(', ')}`] : []),
  ];
}
