// Runs a composite action's steps in order the way the GitHub runner does, for tests and the demo (Node 24, ESM:
// @actions/expressions is ESM-only). Input defaults, `if:`, `env:` and `with:` are evaluated with
// GitHub's own expression library; each `run:` goes to `bash --noprofile --norc -eo pipefail FILE`
// (the runner's `shell: bash`) with the step's env, GITHUB_ACTION_PATH and fresh GITHUB_OUTPUT /
// GITHUB_STEP_SUMMARY files; step outputs, outcome and conclusion feed later steps; the action's
// outputs are evaluated at the end. `uses: actions/setup-node` is checked to be satisfied by the
// Node 24 already on PATH (nothing can be downloaded here); any other `uses:` fails the run.
//
// SIGINT to this process cancels the job as GitHub does
// (https://docs.github.com/en/actions/reference/workflow-cancellation-reference): the running step's
// entry process (bash, for a `run:` step; not its children) gets SIGINT, then SIGTERM if it has not
// exited 7500 ms later, and its whole process tree is killed 2500 ms after that; the step ends
// `cancelled`, later steps run only when their `if:` holds with cancelled() true and success() false.
//
//   node composite-runner.mjs path/to/action.yml < {"inputs":{...},"env":{...},"github":{...}}
// Prints one JSON line: { steps: [{ id, name, outcome, outputs, log, summary, ms }], outputs, signals },
// signals being what cancellation sent: [{ signal, ms }] (ms since the cancel).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import { parse as parseYaml } from 'yaml';

const [actionFile] = process.argv.slice(2);
const request = JSON.parse(readFileSync(0, 'utf8'));
const action = parseYaml(readFileSync(actionFile, 'utf8'));
const actionPath = dirname(resolve(actionFile));
const work = mkdtempSync(join(tmpdir(), 'runway-composite-'));

const toData = (value) => JSON.parse(JSON.stringify(value ?? null), data.reviver);
const STATUS = ['success', 'failure', 'always', 'cancelled'];

function evaluate(expression, contexts, status) {
  const lexed = new Lexer(expression).lex();
  const functions = STATUS.map((name) => ({ name, minArgs: 0, maxArgs: 0 }));
  const parsed = new Parser(lexed.tokens, Object.keys(contexts), functions).parse();
  const implementations = new Map(
    STATUS.map((name) => [
      name,
      {
        name,
        minArgs: 0,
        maxArgs: 0,
        call: () =>
          new data.BooleanData(
            name === 'always'
              ? true
              : name === 'cancelled'
                ? status.cancelled
                : name === 'success'
                  ? !status.failed && !status.cancelled
                  : status.failed,
          ),
      },
    ]),
  );
  const context = new data.Dictionary(...Object.entries(contexts).map(([key, value]) => ({ key, value: toData(value) })));
  return new Evaluator(parsed, context, implementations).evaluate();
}

/** A value with ${{ }} templates → string (the runner's string coercion). */
const template = (text, contexts, status) =>
  String(text ?? '').replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr) => evaluate(expr.trim(), contexts, status).coerceString());

/** `if:` without a status function means `success() && (...)`, as on the runner. */
function condition(text, contexts, status) {
  if (text === undefined) return !status.failed && !status.cancelled;
  const expr = String(text)
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
    .trim();
  const full = /\b(success|failure|always|cancelled)\(\)/.test(expr) ? expr : `success() && (${expr})`;
  return truthy(evaluate(full, contexts, status));
}

function parseOutputs(text) {
  const result = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const value = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      result[heredoc[1]] = value.join('\n');
    } else if (lines[i].includes('='))
      result[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
  }
  return result;
}

const github = { token: 'ghs_local-test-token', action_path: actionPath, ...request.github };
const runner = { os: 'Linux', arch: 'X64', temp: work, environment: 'self-hosted' };
const inputs = {};
for (const [name, spec] of Object.entries(action.inputs ?? {})) {
  const given = request.inputs?.[name];
  inputs[name] = given !== undefined ? given : template(spec.default ?? '', { github, runner }, { failed: false });
}
const steps = {};
const report = [];
const status = { failed: false, cancelled: false };
const signals = [];
/** The running `run:` step's shell, which a cancellation signals. */
let running;

const CANCEL_TERM_MS = 7500;
const CANCEL_KILL_MS = 2500;
process.on('SIGINT', () => {
  if (status.cancelled) return;
  status.cancelled = true;
  const started = Date.now();
  const send = (signal, group = false) => {
    if (!running || running.exitCode !== null || running.signalCode !== null) return false;
    signals.push({ signal, ms: Date.now() - started });
    // Only the entry process, as the runner does; the tree (its process group) only at the end.
    process.kill(group ? -running.pid : running.pid, signal);
    return true;
  };
  if (!send('SIGINT')) return;
  const step = running;
  const term = setTimeout(() => step === running && send('SIGTERM'), CANCEL_TERM_MS);
  const kill = setTimeout(() => step === running && send('SIGKILL', true), CANCEL_TERM_MS + CANCEL_KILL_MS);
  step.once('exit', () => {
    clearTimeout(term);
    clearTimeout(kill);
  });
});

/**
 * Runs one `run:` step's shell in a process group of its own, so a tree kill reaches only it. After a
 * cancel the step ends when its entry process exits, as on the runner: children it left behind keep
 * running (and holding its output pipes).
 */
function runShell(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    const done = (code) => {
      if (running !== child) return;
      running = undefined;
      // Stop reading what a left-behind child still holds open, so this run can end.
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ code, log });
    };
    child.on('close', (code) => done(code));
    child.on('exit', (code) => status.cancelled && setTimeout(() => done(code), 100));
  });
}

for (const [index, step] of action.runs.steps.entries()) {
  const id = step.id ?? `__${index}`;
  const contexts = { inputs, steps, github, runner, env: request.env ?? {} };
  if (!condition(step.if, contexts, status)) {
    steps[id] = { outcome: 'skipped', conclusion: 'skipped', outputs: {} };
    report.push({ id, name: step.name ?? id, outcome: 'skipped', outputs: {}, log: '', summary: '', ms: 0 });
    continue;
  }
  let outcome = 'success';
  let outputs = {};
  let log = '';
  let summary = '';
  const started = Date.now();
  if (step.uses) {
    const node = spawnSync('node', ['--version'], { encoding: 'utf8', env: { ...process.env, ...request.env } }).stdout.trim();
    const ok =
      /^actions\/setup-node@[0-9a-f]{40}$/.test(step.uses) &&
      node.startsWith(`v${template(step.with?.['node-version'], contexts, status)}.`);
    outcome = ok ? 'success' : 'failure';
    log = ok ? `${step.uses}: node ${node} already on PATH` : `cannot run ${step.uses} here (node ${node})`;
  } else {
    const files = {
      GITHUB_OUTPUT: join(work, `${index}.output`),
      GITHUB_STEP_SUMMARY: join(work, `${index}.summary`),
      GITHUB_STATE: join(work, `${index}.state`),
    };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const script = join(work, `${index}.sh`);
    writeFileSync(script, step.run);
    const env = { ...process.env, ...request.env, ...files, GITHUB_ACTION_PATH: actionPath, RUNNER_TEMP: work };
    for (const [name, value] of Object.entries(step.env ?? {})) env[name] = template(value, contexts, status);
    const cancelledBefore = status.cancelled;
    const r = await runShell(
      step.shell === 'bash' ? 'bash' : 'sh',
      step.shell === 'bash' ? ['--noprofile', '--norc', '-eo', 'pipefail', script] : ['-e', script],
      { env, cwd: request.cwd ?? process.cwd() },
    );
    // A step running when the job is cancelled ends `cancelled`, whatever its exit code.
    outcome = status.cancelled && !cancelledBefore ? 'cancelled' : r.code === 0 ? 'success' : 'failure';
    outputs = parseOutputs(readFileSync(files.GITHUB_OUTPUT, 'utf8'));
    summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
    log = r.log;
  }
  if (outcome === 'failure') status.failed = true;
  steps[id] = { outcome, conclusion: outcome, outputs };
  report.push({ id, name: step.name ?? id, outcome, outputs, log, summary, ms: Date.now() - started });
}

const outputs = {};
for (const [name, spec] of Object.entries(action.outputs ?? {}))
  outputs[name] = template(spec.value, { inputs, steps, github, runner }, status);
process.stdout.write(`${JSON.stringify({ steps: report, outputs, signals })}\n`);
