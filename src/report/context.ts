/**
 * What every step function gets besides its inputs. The GitHub Actions adapter (src/runtime/github.ts)
 * makes it from the runner (programs run through @actions/exec); tests and the demo use
 * src/runtime/local.ts (node:child_process, state in memory).
 */
import type { Reporter, StepState } from './reporter';

/** How RunProgram runs a program. */
export interface ProgramOptions {
  readonly cwd?: string;
  /** The program's whole environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Sees each line of stdout and stderr as it comes (build logs). */
  readonly onLine?: (line: string) => void;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to its end. A non-zero exit is a result; only a program that cannot start rejects. */
export type RunProgram = (command: string, args: readonly string[], options?: ProgramOptions) => Promise<RunResult>;

export interface StepContext {
  readonly reporter: Reporter;
  /** Values kept between an action's main and post steps. */
  readonly state: StepState;
  readonly env: NodeJS.ProcessEnv;
  readonly run: RunProgram;
}
