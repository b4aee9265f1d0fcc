/**
 * The Docker work the emulator does, through the Docker Engine API (DOCKER_HOST, else
 * /var/run/docker.sock) over HTTP. Not the docker CLI: spawning a process forks the emulator, and
 * node's spawn blocks the event loop until the child has exec'd (about 90 ms a call with 20 rollouts
 * on 2 cores, measured with --cpu-prof), which stalled every API call behind container starts and
 * startup probes. Every container gets `--network host` and the emulator instance's label, so
 * `removeAll` finds exactly this instance's containers (and nothing else's).
 * API reference: https://docs.docker.com/reference/api/engine/version/v1.41/
 */
import * as http from 'node:http';

export const INSTANCE_LABEL = 'dev.runway.emulator';
/** The PID of the emulator process that started the container, to find orphans of a killed emulator. */
export const PID_LABEL = 'dev.runway.emulator.pid';

export interface RunSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env: Record<string, string>;
  /** Read-only bind mounts: host path -> container path. */
  mounts?: { source: string; target: string }[];
  workingDir?: string;
  labels?: Record<string, string>;
  /**
   * The memory limit in bytes (no swap beyond it), with an in-memory /tmp charged to the same limit:
   * the kernel counts tmpfs pages against the memory cgroup of the container that writes them.
   */
  memoryBytes?: number;
}

export class ImageNotFound extends Error {}

/** An Engine API call that did not succeed: the HTTP status and the daemon's message. */
export class DockerApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Where the Engine API listens: `unix:///path` or `tcp://host:port` as the docker CLI reads DOCKER_HOST. */
export function engineAddress(dockerHost: string | undefined): { socketPath: string } | { host: string; port: number } {
  if (!dockerHost) return { socketPath: '/var/run/docker.sock' };
  const unix = /^unix:\/\/(\/.+)$/.exec(dockerHost);
  if (unix) return { socketPath: unix[1] };
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(dockerHost);
  if (tcp) return { host: tcp[1].replace(/^\[|\]$/g, ''), port: Number(tcp[2]) };
  throw new Error(`DOCKER_HOST="${dockerHost}" is not valid: use unix:///path/to/docker.sock or tcp://HOST:PORT`);
}

/** `name` and `tag` (or digest) of an image reference; no tag means `latest`, as `docker pull` reads it. */
export function splitReference(ref: string): { name: string; tag: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { name: ref.slice(0, at), tag: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? { name: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { name: ref, tag: 'latest' };
}

/**
 * A container's log stream without a TTY: frames of an 8-byte header (stream, 3 zero bytes, big-endian
 * length) and the payload, stdout and stderr in the order docker kept them.
 */
export function demuxLogs(raw: Buffer): string {
  const parts: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length;) {
    const length = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + length));
    at += 8 + length;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The first error a streamed answer (JSON objects, one per line: pull progress) reports. */
export function streamError(body: string): string | undefined {
  for (const line of body.split('\n')) {
    if (!line.trim()) continue;
    try {
      const message = (JSON.parse(line) as { error?: string }).error;
      if (message) return message;
    } catch {
      // A partial line carries no error.
    }
  }
  return undefined;
}

/** A path segment for an image reference or container id (references keep their slashes). */
const pathOf = (ref: string) => ref.split('/').map(encodeURIComponent).join('/');

export class Docker {
  /** Set when the emulator stops: no container may start after its final clean-up. */
  private closed = false;
  private readonly address: ReturnType<typeof engineAddress>;
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(
    readonly instance: string,
    dockerHost = process.env.DOCKER_HOST,
  ) {
    this.address = engineAddress(dockerHost);
  }

  /** One Engine API call; a status of 400 or more throws DockerApiError with the daemon's message. */
  private call(method: string, path: string, body?: unknown): Promise<Buffer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          ...this.address,
          agent: this.agent,
          method,
          path,
          headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const data = Buffer.concat(chunks);
            if ((res.statusCode ?? 500) < 400) return resolve(data);
            let message = data.toString('utf8').trim();
            try {
              message = (JSON.parse(message) as { message?: string }).message ?? message;
            } catch {
              // Not JSON: the text is the message.
            }
            reject(new DockerApiError(res.statusCode ?? 500, message));
          });
        },
      );
      req.on('error', (e) => reject(new Error(`cannot reach the Docker Engine API: ${e.message}`)));
      req.end(payload);
    });
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return JSON.parse((await this.call(method, path, body)).toString('utf8')) as T;
  }

  /** Pulls the image; an image that only exists locally (built, never pushed) is used as it is. */
  async ensureImage(ref: string): Promise<void> {
    const { name, tag } = splitReference(ref);
    let pullError: string | undefined;
    try {
      const query = new URLSearchParams({ fromImage: name, tag });
      // Errors after the pull began come inside the stream, with status 200.
      pullError = streamError((await this.call('POST', `/images/create?${query}`)).toString('utf8'));
    } catch (e) {
      pullError = (e as Error).message;
    }
    if (pullError === undefined) return;
    try {
      await this.call('GET', `/images/${pathOf(ref)}/json`);
    } catch {
      throw new ImageNotFound(`Image '${ref}' not found: ${pullError}`);
    }
  }

  /** The create body of `docker run -d --network host ...`. */
  private createBody(spec: RunSpec) {
    return {
      Image: spec.image,
      // Cloud Run's command replaces ENTRYPOINT and args replace CMD; an entrypoint given without
      // args runs with no CMD (the daemon only merges the image's CMD when neither is set).
      ...(spec.command?.length ? { Entrypoint: spec.command } : {}),
      ...(spec.args?.length ? { Cmd: spec.args } : {}),
      ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      Labels: { ...spec.labels, [INSTANCE_LABEL]: this.instance, [PID_LABEL]: String(process.pid) },
      HostConfig: {
        NetworkMode: 'host',
        Binds: (spec.mounts ?? []).map((m) => `${m.source}:${m.target}:ro`),
        ...(spec.memoryBytes
          ? { Memory: spec.memoryBytes, MemorySwap: spec.memoryBytes, Tmpfs: { '/tmp': 'rw,exec,mode=1777' } }
          : {}),
      },
    };
  }

  /** Starts a container in the background; returns its id. */
  async start(spec: RunSpec): Promise<string> {
    if (this.closed) throw new Error('The emulator is stopping; no container is started.');
    const { Id: id } = await this.json<{ Id: string }>(
      'POST',
      `/containers/create?${new URLSearchParams({ name: spec.name })}`,
      this.createBody(spec),
    );
    try {
      await this.call('POST', `/containers/${id}/start`);
    } catch (e) {
      await this.remove(id);
      throw e;
    }
    return id;
  }

  /** Whether the container still runs, and its exit code once it stopped. */
  async status(id: string): Promise<{ running: boolean; exitCode: number }> {
    const { State } = await this.json<{ State: { Running: boolean; ExitCode: number } }>('GET', `/containers/${pathOf(id)}/json`);
    return { running: State.Running, exitCode: State.ExitCode };
  }

  /** Waits for a container to exit (killing it after timeoutMs); returns its exit code. */
  async wait(id: string, timeoutMs: number): Promise<{ exitCode: number; timedOut: boolean }> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void this.call('POST', `/containers/${pathOf(id)}/kill`).catch(() => undefined);
    }, timeoutMs);
    try {
      const { StatusCode } = await this.json<{ StatusCode: number }>('POST', `/containers/${pathOf(id)}/wait`);
      return { exitCode: StatusCode, timedOut };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The container's last lines of output (stdout and stderr interleaved as docker kept them). */
  async logs(id: string, lines = 20): Promise<string> {
    try {
      const query = new URLSearchParams({ stdout: '1', stderr: '1', tail: String(lines) });
      return demuxLogs(await this.call('GET', `/containers/${pathOf(id)}/logs?${query}`)).trim();
    } catch {
      return '';
    }
  }

  async remove(id: string): Promise<void> {
    await this.call('DELETE', `/containers/${pathOf(id)}?force=1`).catch(() => undefined);
  }

  /** The ids and labels of containers with a label (`key` or `key=value`), running or not. */
  private async containersLabelled(label: string): Promise<{ Id: string; Labels: Record<string, string> }[]> {
    const query = new URLSearchParams({ all: '1', filters: JSON.stringify({ label: [label] }) });
    return this.json('GET', `/containers/json?${query}`);
  }

  /**
   * Removes containers left by emulators that no longer run (killed before they could clean up):
   * their PID label names a process that is gone. Containers of live emulators are left alone.
   */
  async removeOrphans(): Promise<void> {
    const orphans = (await this.containersLabelled(INSTANCE_LABEL)).filter((c) => {
      const pid = c.Labels[PID_LABEL] ?? '';
      return /^\d+$/.test(pid) && !alive(Number(pid));
    });
    await Promise.all(orphans.map((c) => this.remove(c.Id)));
  }

  /** Removes every container of this emulator instance; with `close`, no container starts afterwards. */
  async removeAll(close = false): Promise<void> {
    this.closed ||= close;
    const mine = await this.containersLabelled(`${INSTANCE_LABEL}=${this.instance}`);
    await Promise.all(mine.map((c) => this.remove(c.Id)));
  }

  /** Ends the kept-alive connections to the daemon (so the process can exit). */
  close(): void {
    this.agent.destroy();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
