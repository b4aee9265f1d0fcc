/**
 * Bench processes run apart from the bench's own: the emulator as users run it (`npm run emulator`),
 * and the API latency poller, so that neither's timing is the bench process's own: the bench spawns
 * and reads dozens of bundle processes meanwhile (and node's spawn blocks its event loop each time).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../src/runtime/step-runner';

export interface TsxProcess {
  /** The match of the ready line. */
  readonly ready: RegExpExecArray;
  /** SIGTERM (once), then everything the process printed until it exited. */
  stop(): Promise<string>;
}

/** Runs `tsx script args` (with `env` added) and resolves once its stdout matches `ready` (within 60 s). */
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
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
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
  /** SIGTERM: the emulator removes its containers, then exits. */
  stop(): Promise<void>;
}

export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const p = await startTsxProcess('emulator/main.ts', ['--port', '0'], /CLOUD_RUN_EMULATOR_HOST=(\S+) admin=(\S+)/);
  return {
    env: { CLOUD_RUN_EMULATOR_HOST: p.ready[1] },
    adminUrl: p.ready[2],
    async stop() {
      await p.stop();
    },
  };
}
