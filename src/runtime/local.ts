/**
 * The step context outside GitHub Actions (tests, the demo): programs run with node:child_process and
 * step state lives in memory.
 */
import { spawn } from 'node:child_process';
import { RecordingReporter, type RunProgram, type StepContext, type StepState } from '../report';

/** Gives `onLine` whole lines however a stream's chunks split them, the last one even without a newline. */
export function lineSplitter(onLine: ((line: string) => void) | undefined): { push(chunk: string): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      if (!onLine) return;
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    },
    end() {
      if (pending && onLine) onLine(pending);
      pending = '';
    },
  };
}

export const runLocally: RunProgram = (command, args, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    const lines = { stdout: lineSplitter(options.onLine), stderr: lineSplitter(options.onLine) };
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].setEncoding('utf8').on('data', (d: string) => {
        out[stream] += d;
        lines[stream].push(d);
      });
    }
    child.on('error', reject);
    child.on('close', (code) => {
      lines.stdout.end();
      lines.stderr.end();
      resolve({ code: code ?? 1, ...out });
    });
  });

export function memoryState(initial: Record<string, string> = {}): StepState {
  const values = new Map(Object.entries(initial));
  return { save: (name, value) => values.set(name, value), get: (name) => values.get(name) ?? '' };
}

/** A full step context from the parts a caller cares about. */
export function localContext(parts: Partial<StepContext> = {}): StepContext {
  return { reporter: new RecordingReporter(), state: memoryState(), env: process.env, run: runLocally, ...parts };
}
