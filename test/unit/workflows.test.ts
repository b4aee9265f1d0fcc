/**
 * Every workflow and action.yml parsed by GitHub's own parser (@actions/workflow-parser, run by Node 24
 * in a child process: test/helpers/parse-workflows.mjs), a caller in another repository checked
 * against release.yml's declared inputs, and the rules the composite and the workflows keep.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { releaseAction } from '../../src/release/inputs';
import { node24, repoRoot } from '../helpers/run-action';

const WORKFLOWS = readdirSync(join(repoRoot, '.github', 'workflows')).map((f) => join('.github', 'workflows', f));
const ACTIONS = readdirSync(join(repoRoot, 'actions')).map((a) => join('actions', a, 'action.yml'));
const CALLER = join('test', 'fixtures', 'workflows', 'caller.yml');

function parseErrors(files: string[]): Record<string, string[]> {
  const out = execFileSync(node24, [join(repoRoot, 'test', 'helpers', 'parse-workflows.mjs'), ...files], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return JSON.parse(out) as Record<string, string[]>;
}

let parsed: Record<string, string[]>;
beforeAll(() => {
  parsed = parseErrors([...WORKFLOWS, ...ACTIONS, CALLER]);
});

it.each([...WORKFLOWS, ...ACTIONS])('%s is valid for GitHub', (file) => expect(parsed[file]).toEqual([]));

it("another repository's call of release.yml with the documented inputs is valid", () => expect(parsed[CALLER]).toEqual([]));

it("the README's call of release.yml is valid too", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = /### From another repository[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
  const file = join(mkdtempSync(join(tmpdir(), 'runway-readme-')), 'deploy.yml');
  writeFileSync(file, block);
  expect(parseErrors([file])[file]).toEqual([]);
  expect(block).toContain('uses: OWNER/runway/.github/workflows/release.yml@v1');
});

it('an undocumented or missing input in a call of release.yml is an error', () => {
  const caller = readFileSync(join(repoRoot, CALLER), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'runway-caller-'));
  const bad = join(dir, 'bad.yml');
  writeFileSync(
    bad,
    caller.replace(
      '      service: web\n      region: europe-west1\n      image:',
      '      servic: web\n      region: europe-west1\n      image:',
    ),
  );
  const errors = parseErrors([bad])[bad].join('\n');
  expect(errors).toMatch(/Input service is required, but not provided/);
  expect(errors).toMatch(/Invalid input, servic is not defined in the referenced workflow/);
});

type Step = { uses?: string; run?: string; env?: Record<string, string>; shell?: string };
const yml = (file: string) => parse(readFileSync(join(repoRoot, file), 'utf8')) as Record<string, unknown>;
const composite = yml('actions/release/action.yml') as {
  inputs: Record<string, { required?: boolean; default?: string }>;
  runs: { using: string; steps: Step[] };
};
const workflowSteps = (file: string): Step[] =>
  Object.values((yml(file).jobs ?? {}) as Record<string, { steps?: Step[] }>).flatMap((j) => j.steps ?? []);

it('third-party actions are pinned by full commit SHA', () => {
  const uses = [...composite.runs.steps, ...WORKFLOWS.flatMap(workflowSteps)].map((s) => s.uses).filter((u): u is string => !!u);
  const thirdParty = uses.filter((u) => !u.startsWith('OWNER/runway/') && !u.startsWith('./'));
  expect(thirdParty.length).toBeGreaterThan(0);
  for (const u of thirdParty) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
});

it('no ${{ }} inside run: inputs reach scripts only through env', () => {
  const runs = [...composite.runs.steps, ...WORKFLOWS.flatMap(workflowSteps)].filter((s) => s.run);
  expect(runs.length).toBeGreaterThan(0);
  for (const s of runs) expect(s.run).not.toContain('${{');
});

it('the composite runs the sibling bundles through its own path, not `uses: ./actions/…`', () => {
  expect(composite.runs.using).toBe('composite');
  for (const s of composite.runs.steps) {
    if (s.uses) expect(s.uses).not.toMatch(/^\.\//);
    if (s.run) expect(s.run).toMatch(/^node "\$GITHUB_ACTION_PATH\/\.\.\/\.\.\/dist\/[a-z-]+\/index\.js"$/);
  }
});

it('the composite declares exactly the inputs of its definition, with the same required flags and defaults', () => {
  const declared = Object.entries(composite.inputs).map(([name, i]) => [
    name,
    !!i.required,
    name === 'token' ? undefined : i.default,
  ]);
  const defined = Object.entries(releaseAction.inputs).map(([name, spec]) => [name, spec.options.required, spec.options.default]);
  expect(declared).toEqual(defined);
  expect(composite.inputs.token.default).toBe('${{ github.token }}');
});

it('release.yml asks for the least permissions and one release per service and region', () => {
  const release = yml('.github/workflows/release.yml') as {
    permissions: Record<string, string>;
    concurrency: { group: string; 'cancel-in-progress': boolean };
    jobs: Record<string, { permissions: Record<string, string>; if: string }>;
  };
  expect(release.permissions).toEqual({ contents: 'read' });
  expect(release.jobs.release.permissions).toEqual({ contents: 'read', 'id-token': 'write', deployments: 'write' });
  expect(release.jobs.check.permissions).toEqual({ contents: 'read' });
  expect(release.jobs.check.if).toBe("github.event_name == 'pull_request'");
  expect(release.concurrency).toEqual({
    group: 'runway-release-${{ inputs.service }}-${{ inputs.region }}',
    'cancel-in-progress': false,
  });
});
