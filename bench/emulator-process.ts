/**
 * The emulator in its own process, as users run it (`npm run emulator`), so that its gRPC latency is
 * not the bench process's own: the bench spawns and reads dozens of bundle processes meanwhile.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../src/runtime/step-runner';

export interface EmulatorProcess {
  readonly env: { CLOUD_RUN_EMULATOR_HOST: string };
  readonly adminUrl: string;
  /** SIGTERM: the emulator removes its containers, then exits. */
  stop(): Promise<void>;
}

export function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child = spawn(join(repoRoot, 'node_modules/.bin/tsx'), ['emulator/main.ts', '--port', '0'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start in 60 s: ${out}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const ready = /CLOUD_RUN_EMULATOR_HOST=(\S+) admin=(\S+)/.exec(out);
      if (!ready) return;
      clearTimeout(timer);
      resolve({
        env: { CLOUD_RUN_EMULATOR_HOST: ready[1] },
        adminUrl: ready[2],
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
