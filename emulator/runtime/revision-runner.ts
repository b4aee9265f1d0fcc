/**
 * Runs revisions as real containers: resolves env vars and secrets, pulls the image (Artifact
 * Registry paths from the local mirror), starts it with `--network host` and PORT set to a free port,
 * and probes it like Cloud Run's default startup probe (TCP, or HTTP GET when the container has an
 * httpGet startup probe). A failure comes back with the message and reason Cloud Run would put on
 * the revision's conditions, including the container's last log lines.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Docker, ImageNotFound } from './docker';
import { localImageRef } from '../../src/registry/emulator-mirror';
import { freePort, probeUntilReady, tcpOpen } from './ports';
import { containerMemoryBytes } from '../rules/memory-quantity';
import { resolveSecret, SecretNotFound } from './secrets';
import { DEFAULT_PORT, ingressContainer, isDefaultStartupProbe } from '../rules/template-defaults';
import type { ContainerSpec, VolumeSpec } from '../state/store';

export interface RunnerOptions {
  registry: string;
  secretsDir?: string;
  startupTimeoutMs: number;
  /** Where secret volume files are written for bind mounts. */
  workDir: string;
}

export type StartResult = { ok: true; port: number } | { ok: false; message: string; reason: Reason };
export type Reason = { reason: string } | { revisionReason: string };

export interface Workload {
  /** Full resource name, used to find the container again. */
  key: string;
  /** Docker container name (unique per emulator instance). */
  containerName: string;
  containers: ContainerSpec[];
  volumes: VolumeSpec[];
  /** K_SERVICE etc. or CLOUD_RUN_JOB etc. */
  env: Record<string, string>;
}

const HEALTH_CHECK: Reason = { revisionReason: 'HEALTH_CHECK_CONTAINER_ERROR' };

/**
 * The time a configured startup probe allows (initial delay + period x failure threshold), or
 * undefined for Cloud Run's own default probe, or one without period or threshold (a job's, or state
 * saved before defaults were filled): then the emulator's startup timeout applies.
 */
export function startupDeadlineMs(probe: ContainerSpec['startupProbe'], port = DEFAULT_PORT): number | undefined {
  if (!probe?.periodSeconds || !probe.failureThreshold || isDefaultStartupProbe(probe, port)) return undefined;
  return ((probe.initialDelaySeconds ?? 0) + probe.periodSeconds * probe.failureThreshold) * 1000;
}

/**
 * Cloud Run's message for a container that did not listen, word for word as the API reports it
 * (octo-sts/app#1005, 2025; openci-org/openci#487, 2025), with PORT the value the container was given;
 * a container that exited gets the older wording without the timeout (n3d1117/chatgpt-telegram-bot#524).
 * What the emulator knows beyond that follows, then the last log lines.
 */
export function startupFailure(
  port: number,
  deadlineMs: number,
  status: { running: boolean; exitCode?: number },
  loopbackOnly: boolean,
  logs: string,
): string {
  const listen = `The user-provided container failed to start and listen on the port defined provided by the PORT=${port} environment variable`;
  const message = status.running
    ? `${listen} within the allocated timeout. This can happen when the container port is misconfigured or if the timeout is too short. The health check timeout can be extended. Logs for this revision might contain more information.`
    : `${listen}. Logs for this revision might contain more information.`;
  const facts = [
    status.running
      ? `The emulator allowed ${deadlineMs} ms.`
      : `The container exited with code ${status.exitCode} before it listened.`,
    ...(status.running && loopbackOnly
      ? [`It listens on 127.0.0.1:${port} only: Cloud Run sends requests to 0.0.0.0, so listen on 0.0.0.0 (all interfaces).`]
      : []),
  ];
  return `${message}\n\n${facts.join(' ')}${logs ? `\n\nLast log lines:\n${logs}` : ''}`;
}

export class RevisionRunner {
  readonly running = new Map<string, { id: string; port: number }>();

  constructor(
    readonly docker: Docker,
    private readonly options: RunnerOptions,
  ) {}

  /** Env vars (with secrets resolved) and secret volume mounts of a container; throws SecretNotFound. */
  resolveConfig(w: Workload, container: ContainerSpec) {
    const env: Record<string, string> = {};
    for (const e of container.env ?? []) {
      const ref = e.valueSource?.secretKeyRef;
      env[e.name] = ref ? resolveSecret(this.options.secretsDir, ref.secret, ref.version) : (e.value ?? '');
    }
    const mounts = (container.volumeMounts ?? []).flatMap((m) => {
      const volume = w.volumes.find((v) => v.name === m.name);
      if (!volume?.secret) return [];
      const dir = join(this.options.workDir, 'volumes', w.containerName, m.name);
      const items = volume.secret.items?.length
        ? volume.secret.items
        : [{ path: volume.secret.secret.split('/').pop() ?? 'secret', version: 'latest' }];
      for (const item of items) {
        const file = join(dir, item.path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, resolveSecret(this.options.secretsDir, volume.secret.secret, item.version));
      }
      return [{ source: dir, target: m.mountPath }];
    });
    return { env: { ...env, ...w.env }, mounts };
  }

  /** Starts a serving workload and waits until it listens. */
  async start(w: Workload): Promise<StartResult> {
    await this.stop(w.key);
    const container = ingressContainer(w.containers);
    if (!container?.image)
      return { ok: false, message: 'The revision has no container image.', reason: { reason: 'CONTAINER_MISSING' } };
    let config: ReturnType<RevisionRunner['resolveConfig']>;
    try {
      config = this.resolveConfig(w, container);
    } catch (e) {
      if (e instanceof SecretNotFound)
        return { ok: false, message: e.message, reason: { reason: 'SECRETS_ACCESS_CHECK_FAILED' } };
      throw e;
    }
    const image = localImageRef(container.image, this.options.registry);
    try {
      await this.docker.ensureImage(image);
    } catch (e) {
      if (e instanceof ImageNotFound) return { ok: false, message: e.message, reason: { reason: 'CONTAINER_MISSING' } };
      throw e;
    }
    const port = await freePort();
    const id = await this.docker.start({
      name: w.containerName,
      image,
      command: container.command,
      args: container.args,
      workingDir: container.workingDir,
      // Only what Cloud Run sets (PORT, K_*) and the service's own env: no HOST, so an app must
      // choose to listen on 0.0.0.0 as Cloud Run requires.
      env: { ...config.env, PORT: String(port) },
      mounts: config.mounts,
      // "Cloud Run instances that exceed their allowed memory limit are terminated", and the memory
      // must cover "Writing files to the file system" too
      // (https://cloud.google.com/run/docs/configuring/memory-limits): the kernel's OOM killer ends the
      // container, the request in flight fails, and the router starts a new one.
      memoryBytes: containerMemoryBytes(container),
    });
    this.running.set(w.key, { id, port });
    const probe = container.startupProbe;
    const deadlineMs =
      startupDeadlineMs(probe, container.ports?.[0]?.containerPort || DEFAULT_PORT) ?? this.options.startupTimeoutMs;
    const ready = await probeUntilReady({
      port,
      httpPath: probe?.httpGet ? probe.httpGet.path || '/' : undefined,
      deadlineMs,
      alive: async () => (await this.docker.status(id)).running,
    });
    if (ready) return { ok: true, port };
    const [status, logs, loopbackOnly] = await Promise.all([
      this.docker.status(id),
      this.docker.logs(id),
      tcpOpen(port, 1000, '127.0.0.1'),
    ]);
    await this.stop(w.key);
    return { ok: false, message: startupFailure(port, deadlineMs, status, loopbackOnly, logs), reason: HEALTH_CHECK };
  }

  portOf(key: string): number | undefined {
    return this.running.get(key)?.port;
  }

  async stop(key: string): Promise<void> {
    const r = this.running.get(key);
    if (!r) return;
    this.running.delete(key);
    await this.docker.remove(r.id);
  }
}
