/**
 * Docs that run: every YAML block in every README parses; every complete workflow in them, and every
 * list of steps (run as one job), passes GitHub's own parser; every `steps.ID.outputs.NAME` names a
 * step of the block whose Runway action has that output, and every `needs.JOB.outputs.NAME` of a
 * call of release.yml or rollback.yml names one of that workflow's outputs.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { actions } from '../../src/actions';
import { releaseAction } from '../../src/release/inputs';
import { REPOSITORY, workflowErrors } from '../helpers/repository';
import { repoRoot } from '../helpers/run-action';

const SKIP = new Set(['node_modules', 'dist', 'build', '.git', 'fixtures']);

function readmes(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : readmes(join(dir, e.name));
    return e.name === 'README.md' ? [join(dir, e.name)] : [];
  });
}

interface Block {
  readonly name: string;
  readonly text: string;
}
const blocks: Block[] = readmes(repoRoot).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map((m) => ({
    name: `${relative(repoRoot, file)}:${text.slice(0, m.index).split('\n').length}`,
    text: m[1],
  }));
});

const OUTPUTS: Record<string, string[]> = Object.fromEntries(
  [...actions, releaseAction].map((a) => [a.id, Object.keys(a.outputs)]),
);
const WORKFLOW_OUTPUTS = (file: string) =>
  Object.keys(
    (parse(readFileSync(join(repoRoot, '.github', 'workflows', file), 'utf8')) as { on: { workflow_call: { outputs: object } } })
      .on.workflow_call.outputs,
  );

type Step = { id?: string; uses?: string; run?: string };
type Job = { uses?: string; steps?: Step[] };
const isSteps = (v: unknown): v is Step[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'object' && s !== null && ('uses' in s || 'run' in s));
const isWorkflow = (v: unknown): v is { jobs: Record<string, Job> } =>
  typeof v === 'object' && v !== null && 'jobs' in v && 'on' in v;

it('the READMEs hold YAML examples', () => expect(blocks.length).toBeGreaterThan(8));

it.each(blocks.map((b) => [b.name, b]))('%s parses as YAML', (_, block) =>
  expect(parseDocument(block.text).errors.map((e) => e.message)).toEqual([]),
);

it.each(blocks.map((b) => [b.name, b]))("%s: every Runway action's output it reads exists", (_, block) => {
  const value = parseDocument(block.text).toJS() as unknown;
  const steps = isSteps(value) ? value : isWorkflow(value) ? Object.values(value.jobs).flatMap((j) => j.steps ?? []) : [];
  for (const [, id, output] of block.text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    const uses = steps.find((s) => s.id === id)?.uses;
    const action = new RegExp(`^${REPOSITORY}/actions/([\\w-]+)@`).exec(uses ?? '')?.[1];
    if (uses !== undefined && action === undefined) continue; // another party's action
    // A step outside the block (the job's own build step, say) must still be a Runway output.
    const allowed = action ? OUTPUTS[action] : Object.values(OUTPUTS).flat();
    expect([`steps.${id}.outputs.${output}`, allowed]).toEqual([
      `steps.${id}.outputs.${output}`,
      expect.arrayContaining([output]),
    ]);
  }
  if (isWorkflow(value))
    for (const [, job, output] of block.text.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      const called = /\.github\/workflows\/([\w-]+\.yml)@/.exec(value.jobs[job]?.uses ?? '')?.[1];
      if (called) expect([called, WORKFLOW_OUTPUTS(called)]).toEqual([called, expect.arrayContaining([output])]);
    }
  expect(block.text).not.toMatch(/\bOWNER\//);
});

const DEFINITIONS = Object.fromEntries([...actions, releaseAction].map((a) => [a.id, a]));

it.each(blocks.map((b) => [b.name, b]))(
  '%s: every input given to a Runway action is one of its inputs, and valid',
  (_, block) => {
    const value = parseDocument(block.text).toJS() as unknown;
    const steps = isSteps(value) ? value : isWorkflow(value) ? Object.values(value.jobs).flatMap((j) => j.steps ?? []) : [];
    for (const step of steps as (Step & { with?: Record<string, unknown> })[]) {
      const id = new RegExp(`^${REPOSITORY}/actions/([\\w-]+)@`).exec(step.uses ?? '')?.[1];
      if (!id) continue;
      const inputs = DEFINITIONS[id].inputs as Record<string, { kind: { parse(raw: string): unknown } }>;
      for (const [name, given] of Object.entries(step.with ?? {})) {
        expect([id, name, Object.keys(inputs)]).toEqual([id, name, expect.arrayContaining([name])]);
        const raw = String(given);
        // A literal value is parsed as the action will parse it.
        if (!raw.includes('${{')) expect(() => inputs[name].kind.parse(raw)).not.toThrow();
      }
    }
  },
);

it("every workflow and list of steps in the READMEs passes GitHub's parser", () => {
  const dir = mkdtempSync(join(tmpdir(), 'runway-docs-'));
  const files: Record<string, string> = {};
  for (const [k, block] of blocks.entries()) {
    if (parseDocument(block.text).errors.length > 0) continue; // reported above
    const value = parse(block.text) as unknown;
    let workflow: string | undefined;
    if (isWorkflow(value)) workflow = block.text;
    else if (isSteps(value))
      workflow = `on: push\njobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n${block.text.replace(/^/gm, '      ')}`;
    if (!workflow) continue;
    const file = join(dir, `${k}.yml`);
    writeFileSync(file, workflow);
    files[file] = block.name;
  }
  expect(Object.keys(files).length).toBeGreaterThan(5);
  const errors = Object.entries(workflowErrors(Object.keys(files))).filter(([, e]) => e.length > 0);
  expect(errors.map(([file, e]) => [files[file], e])).toEqual([]);
});
