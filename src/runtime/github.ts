/**
 * The GitHub Actions edge: the only place that imports @actions/*. It reads inputs the way the
 * runner passes them, runs an action's core function, and writes outputs, summary and annotations.
 */
import type { AnnotationProperties } from '@actions/core';
import { issue, issueCommand } from '@actions/core/lib/command';
import { issueFileCommand, prepareKeyValueMessage } from '@actions/core/lib/file-command';
import { summary } from '@actions/core/lib/summary';
import { toCommandProperties, toCommandValue } from '@actions/core/lib/utils';
import type * as Exec from '@actions/exec';
import { EOL } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import {
  InputError,
  readInputs,
  runnerInputs,
  withLegacyInputs,
  type ActionDefinition,
  type InputSpecs,
  type InputValues,
} from '../inputs';
import { lineSplitter } from './local';
import { StepFailure, type Location, type Reporter, type RunProgram, type StepContext, type StepState } from '../report';

/**
 * The workflow commands of @actions/core, from the modules its functions are made of: its index also
 * loads its HTTP client (undici, for getIDToken, which no step calls), a tenth of a second of every
 * action's start-up.
 */
const core = {
  info: (message: string) => process.stdout.write(message + EOL),
  annotate: (kind: 'error' | 'warning' | 'notice', message: string, at: AnnotationProperties = {}) =>
    issueCommand(kind, toCommandProperties(at), message),
  setSecret: (secret: string) => issueCommand('add-mask', {}, secret),
  /** `kind` STATE or OUTPUT, through the file the runner names (the old commands where it names none). */
  set(kind: 'STATE' | 'OUTPUT', name: string, value: string) {
    if (process.env[`GITHUB_${kind}`]) return issueFileCommand(kind, prepareKeyValueMessage(name, value));
    if (kind === 'OUTPUT') process.stdout.write(EOL);
    issueCommand(kind === 'STATE' ? 'save-state' : 'set-output', { name }, toCommandValue(value));
  },
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    issue('group', title);
    try {
      return await fn();
    } finally {
      issue('endgroup');
    }
  },
  setFailed(message: string) {
    process.exitCode = 1;
    core.annotate('error', message);
  },
};

function properties(at?: Location): AnnotationProperties {
  if (!at) return {};
  return { file: at.file, startLine: at.line, endLine: at.endLine ?? at.line, title: at.title };
}

export class GitHubReporter implements Reporter {
  private summaryText = '';

  info(message: string): void {
    core.info(message);
  }
  progress(message: string): void {
    core.info(message);
  }
  notice(message: string, at?: Location): void {
    core.annotate('notice', message, properties(at));
  }
  warning(message: string, at?: Location): void {
    core.annotate('warning', message, properties(at));
  }
  error(message: string, at?: Location): void {
    core.annotate('error', message, properties(at));
  }
  mask(secret: string): void {
    core.setSecret(secret);
  }
  summary(markdown: string): void {
    this.summaryText += markdown;
  }
  group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return core.group(title, fn);
  }
  /** Writes the collected summary once, at the end (the file may not exist outside a runner). */
  async flushSummary(): Promise<void> {
    if (this.summaryText === '' || !process.env.GITHUB_STEP_SUMMARY) return;
    await summary.addRaw(this.summaryText).write();
    this.summaryText = '';
  }
}

export const githubState: StepState = {
  save: (name, value) => core.set('STATE', name, value),
  get: (name) => process.env[`STATE_${name}`] ?? '',
};

/** Programs run through @actions/exec; their output goes to `onLine` (the step's log), not straight to stdout. */
export const execProgram: RunProgram = async (command, args, options = {}) => {
  const env =
    options.env && Object.fromEntries(Object.entries(options.env).filter((e): e is [string, string] => e[1] !== undefined));
  // Not exec's own stdline/errline: they drop a last line that has no newline.
  const lines = { stdout: lineSplitter(options.onLine), stderr: lineSplitter(options.onLine) };
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  // Loaded when a step first runs a program: most never do.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { getExecOutput }: typeof Exec = require('@actions/exec');
  const r = await getExecOutput(command, [...args], {
    cwd: options.cwd,
    env,
    silent: true,
    ignoreReturnCode: true,
    listeners: {
      stdout: (d) => lines.stdout.push(decoders.stdout.write(d)),
      stderr: (d) => lines.stderr.push(decoders.stderr.write(d)),
    },
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    lines[stream].push(decoders[stream].end());
    lines[stream].end();
  }
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
};

/** The function an entry point runs: its inputs are validated, its outputs are the definition's. */
export type StepFunction<I extends InputSpecs, O extends string> = (
  inputs: InputValues<I>,
  context: StepContext,
) => Promise<Partial<Record<O, string>>>;

function setOutputs(outputs: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.set('OUTPUT', name, value);
  }
}

/**
 * Runs one step of an action. Every input is validated before `step` runs, so bad input fails
 * with an ::error:: line per input and no call to any API.
 */
export async function runAction<I extends InputSpecs, O extends string>(
  definition: ActionDefinition<I, O>,
  step: StepFunction<I, O>,
): Promise<void> {
  const reporter = new GitHubReporter();
  try {
    // google-github-actions/deploy-cloudrun's snake_case inputs: aliases, or errors naming Runway's input.
    const inputs = readInputs(definition, withLegacyInputs(definition, runnerInputs(process.env), process.env), process.env);
    for (const [name, spec] of Object.entries(definition.inputs)) {
      const value = (inputs as Record<string, unknown>)[name];
      if (spec.options.secret && typeof value === 'string') reporter.mask(value);
    }
    setOutputs(await step(inputs, { reporter, state: githubState, env: process.env, run: execProgram }));
  } catch (e) {
    if (e instanceof StepFailure) {
      setOutputs(e.outputs);
      core.setFailed(e.message);
    } else if (e instanceof InputError) {
      for (const p of e.problems)
        core.annotate('error', `Input "${p.input}": ${p.message}`, { title: `Invalid input: ${p.input}` });
      core.setFailed(`${e.problems.length} invalid input(s); nothing was changed.`);
    } else {
      core.setFailed(e instanceof Error ? e.message : String(e));
    }
  } finally {
    await reporter.flushSummary().catch((e: Error) => core.annotate('warning', `Could not write the job summary: ${e.message}`));
  }
}
