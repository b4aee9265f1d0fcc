/**
 * The Docker commands the emulator runs. Every container gets `--network host` and the emulator
 * instance's label, so `removeAll` finds exactly this instance's containers (and nothing else's).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);
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
}

async function docker(args: string[]): Promise<string> {
  const { stdout } = await exec('docker', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

export class ImageNotFound extends Error {}

export class Docker {
  /** Set when the emulator stops: no container may start after its final clean-up. */
  private closed = false;

  constructor(readonly instance: string) {}

  /** Pulls the image; an image that only exists locally (built, never pushed) is used as it is. */
  async ensureImage(ref: string): Promise<void> {
    try {
      await docker(['pull', '-q', ref]);
    } catch (pullError) {
      try {
        await docker(['image', 'inspect', '--format', '{{.Id}}', ref]);
      } catch {
        const detail = ((pullError as { stderr?: string }).stderr ?? '').trim().split('\n').pop();
        throw new ImageNotFound(`Image '${ref}' not found${detail ? `: ${detail}` : ''}`);
      }
    }
  }

  private runArgs(spec: RunSpec): string[] {
    const [entrypoint, ...commandRest] = spec.command ?? [];
    return [
      '--name',
      spec.name,
      '--network',
      'host',
      '--label',
      `${INSTANCE_LABEL}=${this.instance}`,
      '--label',
      `${PID_LABEL}=${process.pid}`,
      ...Object.entries(spec.labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      ...Object.entries(spec.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      ...(spec.mounts ?? []).flatMap((m) => ['-v', `${m.source}:${m.target}:ro`]),
      ...(spec.workingDir ? ['-w', spec.workingDir] : []),
      ...(entrypoint ? ['--entrypoint', entrypoint] : []),
      spec.image,
      // Cloud Run's command replaces ENTRYPOINT and args replace CMD; docker takes the rest of the
      // command as the first arguments.
      ...commandRest,
      ...(spec.args ?? []),
    ];
  }

  /** Starts a container in the background; returns its id. */
  async start(spec: RunSpec): Promise<string> {
    if (this.closed) throw new Error('The emulator is stopping; no container is started.');
    return docker(['run', '-d', ...this.runArgs(spec)]);
  }

  /** Whether the container still runs, and its exit code once it stopped. */
  async status(id: string): Promise<{ running: boolean; exitCode: number }> {
    const out = await docker(['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', id]);
    const [running, code] = out.split(' ');
    return { running: running === 'true', exitCode: Number(code) };
  }

  /** Waits for a container to exit (killing it after timeoutMs); returns its exit code. */
  async wait(id: string, timeoutMs: number): Promise<{ exitCode: number; timedOut: boolean }> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void docker(['kill', id]).catch(() => undefined);
    }, timeoutMs);
    try {
      return { exitCode: Number(await docker(['wait', id])), timedOut };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The container's last lines of output (stdout and stderr interleaved as docker kept them). */
  async logs(id: string, lines = 20): Promise<string> {
    try {
      const { stdout, stderr } = await exec('docker', ['logs', '--tail', String(lines), id], { maxBuffer: 4 * 1024 * 1024 });
      return `${stdout}${stderr}`.trim();
    } catch {
      return '';
    }
  }

  async remove(id: string): Promise<void> {
    await docker(['rm', '-f', id]).catch(() => undefined);
  }

  /**
   * Removes containers left by emulators that no longer run (killed before they could clean up):
   * their PID label names a process that is gone. Containers of live emulators are left alone.
   */
  async removeOrphans(): Promise<void> {
    const rows = await docker([
      'ps',
      '-a',
      '--filter',
      `label=${INSTANCE_LABEL}`,
      '--format',
      `{{.ID}} {{.Label "${PID_LABEL}"}}`,
    ]);
    const orphans = rows
      .split('\n')
      .map((row) => row.split(' '))
      .filter(([id, pid]) => id && /^\d+$/.test(pid ?? '') && !alive(Number(pid)))
      .map(([id]) => id);
    if (orphans.length > 0) await docker(['rm', '-f', ...orphans]).catch(() => undefined);
  }

  /** Removes every container of this emulator instance; with `close`, no container starts afterwards. */
  async removeAll(close = false): Promise<void> {
    this.closed ||= close;
    const ids = (await docker(['ps', '-aq', '--filter', `label=${INSTANCE_LABEL}=${this.instance}`])).split('\n').filter(Boolean);
    if (ids.length > 0) await docker(['rm', '-f', ...ids]).catch(() => undefined);
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
