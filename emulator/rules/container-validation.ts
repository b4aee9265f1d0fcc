/**
 * Container rules Cloud Run checks on a template: at least one container, each with an image from a
 * registry Cloud Run pulls from, no env var the system sets itself (for services: "The following
 * reserved env names were provided: PORT. These values are automatically set by the system."), and
 * CPU, memory and concurrency within Cloud Run's limits; and a service's request timeout.
 */
import { imageHostProblem } from '../../src/cloudrun/image-hosts';
import { resourceProblems } from '../../src/cloudrun/resource-limits';
import type { ContainerSpec } from '../state/store';

export const SERVICE_RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION'];
export const JOB_RESERVED_ENV = [
  'CLOUD_RUN_JOB',
  'CLOUD_RUN_EXECUTION',
  'CLOUD_RUN_TASK_INDEX',
  'CLOUD_RUN_TASK_ATTEMPT',
  'CLOUD_RUN_TASK_COUNT',
];

/**
 * Problems with the containers at `field` (e.g. `template.containers`). `localRegistry` (the
 * emulator's own registry, e.g. 127.0.0.1:5000) is accepted besides the hosts Cloud Run pulls from.
 */
export function containerProblems(
  field: string,
  containers: readonly ContainerSpec[],
  reservedEnv: readonly string[],
  localRegistry: string,
): string[] {
  if (containers.length === 0) return [`${field}: at least one container is required`];
  return containers.flatMap((c, i) => {
    const reserved = (c.env ?? []).map((e) => e.name).filter((name) => reservedEnv.includes(name));
    const registry = c.image ? imageHostProblem(c.image, (host) => host === localRegistry) : undefined;
    return [
      ...(c.image ? [] : [`${field}[${i}].image: must be set`]),
      ...(registry ? [`${field}[${i}].image: ${registry}`] : []),
      ...(reserved.length
        ? [
            `${field}[${i}].env: The following reserved env names were provided: ${reserved.join(', ')}. These values are automatically set by the system.`,
          ]
        : []),
    ];
  });
}

/**
 * Cloud Run shuts a container down when its startup probe has not passed within failure_threshold ×
 * period_seconds, "which cannot exceed 240 seconds" (https://cloud.google.com/run/docs/configuring/healthchecks,
 * the probe table; Cloud Run jobs allow 600 s). The initial delay, itself at most 240 s, comes on top
 * ("Cloud Run caps failureThreshold × periodSeconds at 240s and initialDelaySeconds at 240s, shutting
 * the container down past their sum", PolicyEngine/policyengine-api#3764).
 */
export const MAX_STARTUP_WINDOW_SECONDS = 240;

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
    ...(failureThreshold * period > MAX_STARTUP_WINDOW_SECONDS
      ? [
          `${field}: failure_threshold × period_seconds must be at most ${MAX_STARTUP_WINDOW_SECONDS} seconds, got ${failureThreshold} × ${period} = ${failureThreshold * period}`,
        ]
      : []),
    ...(types.length > 1 ? [`${field}: exactly one of http_get, tcp_socket or grpc may be set, got ${types.join(', ')}`] : []),
  ];
}

/**
 * A service's request timeout: "at most 60 minutes" (https://cloud.google.com/run/docs/configuring/request-timeout),
 * and at least the 1 s the timeout flag takes. Checked on the template as sent: an unset timeout gets
 * the 300 s default (template-defaults); a set one of 0 s is refused, as whether Cloud Run takes it for
 * the default is not documented (a Differences row).
 */
export function requestTimeoutProblems(field: string, given: unknown): string[] {
  const timeout = given as { seconds?: string | number; nanos?: number } | null | undefined;
  if (timeout == null) return [];
  const seconds = Number(timeout.seconds ?? 0) + Number(timeout.nanos ?? 0) / 1e9;
  if (seconds >= 1 && seconds <= 3600) return [];
  return [`${field}: must be from 1 second to 3600 seconds (60 minutes), got ${seconds} seconds`];
}

interface Limits {
  limits?: Record<string, string> | null;
}

/**
 * CPU and memory of each container, and the revision's concurrency against the ingress container's
 * CPU (Cloud Run counts all containers' CPU; the ingress one alone is never more, so this is as
 * strict or stricter). Checked after the server defaults are filled in (1 CPU, 512Mi).
 */
export function resourceLimitProblems(
  field: string,
  containers: readonly ContainerSpec[],
  ingress: ContainerSpec | undefined,
  concurrency: number | undefined,
  secondGeneration: boolean,
): string[] {
  const limits = (c: ContainerSpec | undefined) => (c?.resources as Limits | undefined)?.limits ?? {};
  const where = { cpu: 'resources.limits.cpu', memory: 'resources.limits.memory' } as const;
  const perContainer = containers.flatMap((c, i) =>
    resourceProblems({ cpu: limits(c).cpu, memory: limits(c).memory, secondGeneration }).map(
      (p) => `${field}[${i}].${where[p.field as 'cpu' | 'memory']}: ${p.message}`,
    ),
  );
  const revision = resourceProblems({ cpu: limits(ingress).cpu, concurrency })
    .filter((p) => p.field === 'concurrency')
    .map((p) => `template.max_instance_request_concurrency: ${p.message}`);
  return [...perContainer, ...revision];
}
