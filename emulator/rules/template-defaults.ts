/**
 * The server defaults Cloud Run fills in on a service's revision template, so a Service read back
 * carries them (as the real API's does) and a client that echoes a template compares as the real
 * server compares. Each default cites its source.
 */
import type { ContainerSpec, RevisionTemplate } from '../state/store';

type Probe = NonNullable<ContainerSpec['startupProbe']>;

/** Cloud Run sends requests to 8080 unless the container names a port (container contract). */
export const DEFAULT_PORT = 8080;

/**
 * The TCP startup probe Cloud Run configures when a service sets none: timeout 240 s, period 240 s,
 * failure threshold 1 (https://cloud.google.com/run/docs/configuring/healthchecks, "The default TCP
 * startup probe").
 */
export const defaultStartupProbe = (port: number): Probe => ({
  initialDelaySeconds: 0,
  timeoutSeconds: 240,
  periodSeconds: 240,
  failureThreshold: 1,
  tcpSocket: { port },
});

/** True for the probe Cloud Run configures by itself (the emulator then applies its own startup timeout). */
export const isDefaultStartupProbe = (probe: ContainerSpec['startupProbe'], port: number): boolean =>
  !!probe &&
  !probe.httpGet &&
  (probe.tcpSocket?.port ?? port) === port &&
  (probe.initialDelaySeconds ?? 0) === 0 &&
  probe.timeoutSeconds === 240 &&
  probe.periodSeconds === 240 &&
  probe.failureThreshold === 1;

/**
 * A configured probe's unset fields: initial delay 0 s, timeout 1 s, period 10 s, failure threshold 3,
 * and the probe's port defaults to the container's (k8s.min.proto, message Probe and its actions).
 */
function probeDefaults(probe: Probe, port: number): Probe {
  const withPort = <T extends { port?: number } | null | undefined>(action: T) =>
    action ? { ...action, port: action.port || port } : action;
  return {
    ...probe,
    initialDelaySeconds: probe.initialDelaySeconds || 0,
    timeoutSeconds: probe.timeoutSeconds || 1,
    periodSeconds: probe.periodSeconds || 10,
    failureThreshold: probe.failureThreshold || 3,
    ...(probe.httpGet ? { httpGet: { ...withPort(probe.httpGet), path: probe.httpGet.path || '/' } } : {}),
    ...(probe.tcpSocket ? { tcpSocket: withPort(probe.tcpSocket) } : {}),
  };
}

/** The container that receives requests: the one with a port, else the first (sidecars are not run). */
export const ingressContainer = (containers: readonly ContainerSpec[]): ContainerSpec | undefined =>
  containers.find((c) => (c.ports ?? []).length > 0) ?? containers[0];

interface Resources {
  limits?: Record<string, string> | null;
  cpuIdle?: boolean;
  [field: string]: unknown;
}

/** A container's memory limit when it sets none, for services and jobs alike (https://cloud.google.com/run/docs/configuring/memory-limits). */
export const DEFAULT_MEMORY = '512Mi';

/**
 * Every container gets 1 CPU and 512 MiB unless it sets limits, with CPU only during requests
 * (https://cloud.google.com/run/docs/configuring/services/cpu, .../memory-limits; k8s.min.proto:
 * "Determines whether CPU is only allocated during requests (true by default)"). The ingress
 * container gets port 8080 (named http1) and a startup probe.
 */
function containerDefaults(c: ContainerSpec, ingress: boolean): ContainerSpec {
  const resources = (c.resources ?? {}) as Resources;
  const filled: ContainerSpec = {
    ...c,
    resources: {
      ...resources,
      limits: { cpu: '1000m', memory: DEFAULT_MEMORY, ...(resources.limits ?? {}) },
      cpuIdle: resources.cpuIdle ?? true,
    },
  };
  if (!ingress) return filled;
  const ports = c.ports?.length ? c.ports : [{ name: 'http1', containerPort: DEFAULT_PORT }];
  const port = ports[0].containerPort || DEFAULT_PORT;
  return { ...filled, ports, startupProbe: c.startupProbe ? probeDefaults(c.startupProbe, port) : defaultStartupProbe(port) };
}

/** CPU limit in cores ('1000m', '2', '0.5'). */
const cores = (cpu: string): number => (cpu.endsWith('m') ? Number(cpu.slice(0, -1)) / 1000 : Number(cpu));

/**
 * The template with Cloud Run's defaults: a request timeout of 300 s
 * (https://cloud.google.com/run/docs/configuring/request-timeout), concurrency 80 when CPU >= 1 else 1
 * (revision_template.proto, max_instance_request_concurrency), and each container's defaults.
 */
export function withServerDefaults(template: RevisionTemplate): RevisionTemplate {
  const given = template.containers ?? [];
  const ingress = ingressContainer(given);
  const containers = given.map((c) => containerDefaults(c, c === ingress));
  const cpu = cores(String((containers[0]?.resources as Resources | undefined)?.limits?.cpu ?? '1'));
  const timeout = template.timeout as { seconds?: string | number } | null | undefined;
  return {
    ...template,
    containers,
    timeout: timeout && Number(timeout.seconds) > 0 ? timeout : { seconds: '300', nanos: 0 },
    maxInstanceRequestConcurrency: (template.maxInstanceRequestConcurrency as number) || (cpu >= 1 ? 80 : 1),
  };
}
