/**
 * Bench processes run apart from the bench's own: the emulator as users run it (`npm run emulator`),
 * and the API latency poller, so that neither's timing is the bench process's own: the bench spawns
 * and reads dozens of bundle processes meanwhile (and node's spawn blocks its event loop each time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../src/runtime/step-runner';
import { onlyChild } from './cpu-wait';
import { raiseApi } from './priority';

export interface TsxProcess {
  /** The match of the ready line. */
  readonly ready: RegExpExecArray;
  /** Its CPU priority (bench/priority.ts). */
  readonly priority: string;
  /** The process running the script (tsx's child), for bench/cpu-wait.ts. */
  readonly pid: number;
  /** SIGTERM (once), then everything the process printed until it exited. */
  stop(): Promise<string>;
}

// A detached child is not in the terminal's process group: Ctrl-C reaches only the bench, which stops them.
const detached = new Set<ChildProcess>();
process.once('SIGINT', () => {
  for (const child of detached) child.kill('SIGTERM');
  process.exit(130);
});

/**
 * Runs `tsx script args` (with `env` added) in a session of its own, above the bundles' priority
 * (bench/priority.ts), and resolves once its stdout matches `ready` (within 60 s).
 */
export function startTsxProcess(
  script: string,
  args: readonly string[],
  ready: RegExp,
  env: Record<string, string> = {},
): Promise<TsxProcess> {
  const child = spawn(join(repoRoot, 'node_modules/.bin/tsx'), [script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const priority = raiseApi(child.pid!);
  detached.add(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      detached.delete(child);
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 60 s: ${out}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${out}`)));
    const check = () => {
      const match = ready.exec(out);
      if (!match) return;
      child.stdout.off('data', check);
      clearTimeout(timer);
      resolve({
        ready: match,
        priority,
        pid: onlyChild(child.pid!),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
          return out;
        },
      });
    };
    child.stdout.on('data', check);
  });
}

export interface EmulatorProcess {
  readonly env: { CLOUD_RUN_EMULATOR_HOST: string };
  readonly adminUrl: string;
  readonly priority: string;
  readonly pid: number;
  /** SIGTERM: the emulator removes its containers, then exits. */
  stop(): Promise<void>;
}

export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const p = await startTsxProcess('emulator/main.ts', ['--port', '0'], /CLOUD_RUN_EMULATOR_HOST=(\S+) admin=(\S+)/);
  return {
    env: { CLOUD_RUN_EMULATOR_HOST: p.ready[1] },
    adminUrl: p.ready[2],
    priority: p.priority,
    pid: p.pid,
    async stop() {
      await p.stop();
    },
  };
}
