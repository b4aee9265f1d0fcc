/**
 * The GitHub Actions edge: the only place that imports @actions/*. It reads inputs the way the
 * runner passes them, runs an action's core function, and writes outputs, summary and annotations.
 */
import * as core from '@actions/core';
import type * as Exec from '@actions/exec';
import { StringDecoder } from 'node:string_decoder';
import { InputError, resolveInputs, runnerInputs, withLegacyInputs, type ActionDefinition, type InputSpecs } from '../inputs';
import { lineSplitter } from './local';
import { StepFailure, type Location, type Reporter, type RunProgram, type StepContext, type StepState } from '../report';

function properties(at?: Location): core.AnnotationProperties {
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
    core.notice(message, properties(at));
  }
  warning(message: string, at?: Location): void {
    core.warning(message, properties(at));
  }
  error(message: string, at?: Location): void {
    core.error(message, properties(at));
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
    await core.summary.addRaw(this.summaryText).write();
    this.summaryText = '';
  }
}

export const githubState: StepState = {
  save: (name, value) => core.saveState(name, value),
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

/** The function an entry point runs: it receives the resolved inputs, its outputs are the definition's. */
export type StepFunction<O extends string, R> = (inputs: R, context: StepContext) => Promise<Partial<Record<O, string>>>;

function setOutputs(outputs: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(name, value);
  }
}

/**
 * Runs one step of an action. Every input is validated before `step` runs, so bad input fails
 * with an ::error:: line per input and no call to any API.
 */
export async function runAction<I extends InputSpecs, O extends string, R>(
  definition: ActionDefinition<I, O, R>,
  step: StepFunction<O, R>,
): Promise<void> {
  const reporter = new GitHubReporter();
  try {
    // google-github-actions/deploy-cloudrun's snake_case inputs: aliases, or errors naming Runway's input.
    const raw = withLegacyInputs(definition, runnerInputs(process.env), process.env);
    const { values, resolved } = resolveInputs(definition, raw, process.env);
    for (const [name, spec] of Object.entries(definition.inputs)) {
      const value = (values as Record<string, unknown>)[name];
      if (spec.options.secret && typeof value === 'string') reporter.mask(value);
    }
    setOutputs(await step(resolved, { reporter, state: githubState, env: process.env, run: execProgram }));
  } catch (e) {
    if (e instanceof StepFailure) {
      setOutputs(e.outputs);
      core.setFailed(e.message);
    } else if (e instanceof InputError) {
      for (const p of e.problems) core.error(`Input "${p.input}": ${p.message}`, { title: `Invalid input: ${p.input}` });
      core.setFailed(`${e.problems.length} invalid input(s); nothing was changed.`);
    } else {
      core.setFailed(e instanceof Error ? e.message : String(e));
    }
  } finally {
    await reporter.flushSummary().catch((e: Error) => core.warning(`Could not write the job summary: ${e.message}`));
  }
}
