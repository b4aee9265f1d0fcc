/**
 * Every workflow and action.yml parsed by GitHub's own parser (@actions/workflow-parser, run by Node 24
 * in a child process: test/helpers/parse-workflows.mjs), a caller in another repository checked
 * against release.yml's and rollback.yml's declared inputs, and the rules the composite and the
 * workflows keep: GitHub environments, job-level concurrency, least permissions, and every
 * build-image and deploy-cloudrun input passed through.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildImageAction } from '../../src/image/inputs';
import { deployCloudRunAction } from '../../src/deploy/inputs';
import { PASSED_THROUGH, releaseAction } from '../../src/release/inputs';
import { REPOSITORY, workflowErrors } from '../helpers/repository';
import { repoRoot } from '../helpers/run-action';

const WORKFLOWS = readdirSync(join(repoRoot, '.github', 'workflows')).map((f) => join('.github', 'workflows', f));
const ACTIONS = readdirSync(join(repoRoot, 'actions')).map((a) => join('actions', a, 'action.yml'));
const CALLER = join('test', 'fixtures', 'workflows', 'caller.yml');

let parsed: Record<string, string[]>;
beforeAll(() => {
  parsed = workflowErrors([...WORKFLOWS, ...ACTIONS, CALLER]);
});

it.each([...WORKFLOWS, ...ACTIONS])('%s is valid for GitHub', (file) => expect(parsed[file]).toEqual([]));

it("another repository's call of release.yml and rollback.yml with the documented inputs is valid", () =>
  expect(parsed[CALLER]).toEqual([]));

const caller = readFileSync(join(repoRoot, CALLER), 'utf8');
function errorsOf(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'runway-caller-')), 'caller.yml');
  writeFileSync(file, text);
  return workflowErrors([file])[file].join('\n');
}

it('an undocumented or missing input in a call of release.yml is an error', () => {
  const errors = errorsOf(
    caller.replace(
      '      service: web\n      region: europe-west1\n      image:',
      '      servic: web\n      region: europe-west1\n      image:',
    ),
  );
  expect(errors).toMatch(/Input service is required, but not provided/);
  expect(errors).toMatch(/Invalid input, servic is not defined in the referenced workflow/);
});

it('a job that calls a reusable workflow cannot set environment: itself (so release.yml must)', () => {
  const errors = errorsOf(
    caller.replace(
      '    uses: runway-dev/runway/.github/workflows/release.yml@v1\n',
      '    uses: runway-dev/runway/.github/workflows/release.yml@v1\n    environment: production\n',
    ),
  );
  expect(errors).toMatch(/Unexpected value 'environment'/);
});

type Step = {
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  if?: string;
};
interface Job {
  if?: string;
  uses?: string;
  needs?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean; queue?: string };
  environment?: { name: string; url?: string };
  with?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: { workflow_call: { inputs: Record<string, { required?: boolean; default?: string }> } };
  permissions: Record<string, string>;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}
const yml = <T>(file: string) => parse(readFileSync(join(repoRoot, file), 'utf8')) as T;
const composite = yml<{
  inputs: Record<string, { required?: boolean; default?: string }>;
  runs: { using: string; steps: Step[] };
}>('actions/release/action.yml');
const release = yml<Workflow>('.github/workflows/release.yml');
const rollback = yml<Workflow>('.github/workflows/rollback.yml');
const workflowSteps = (file: string): Step[] => Object.values(yml<Workflow>(file).jobs ?? {}).flatMap((j) => j.steps ?? []);
const step = (id: string) => composite.runs.steps.find((s) => s.id === id)!;

it('third-party actions are pinned by full commit SHA', () => {
  const uses = [...composite.runs.steps, ...WORKFLOWS.flatMap(workflowSteps)].map((s) => s.uses).filter((u): u is string => !!u);
  const thirdParty = uses.filter((u) => !u.startsWith(`${REPOSITORY}/`) && !u.startsWith('./'));
  expect(thirdParty.length).toBeGreaterThan(0);
  for (const u of thirdParty) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
});

it('no ${{ }} inside run: inputs reach scripts only through env', () => {
  const runs = [...composite.runs.steps, ...WORKFLOWS.flatMap(workflowSteps)].filter((s) => s.run);
  expect(runs.length).toBeGreaterThan(0);
  for (const s of runs) expect(s.run).not.toContain('${{');
});

it('the composite execs each sibling bundle through its own path (the runner signals only the step shell)', () => {
  expect(composite.runs.using).toBe('composite');
  for (const s of composite.runs.steps) {
    if (s.uses) expect(s.uses).not.toMatch(/^\.\//);
    if (s.run) expect(s.run).toMatch(/^exec node "\$GITHUB_ACTION_PATH\/\.\.\/\.\.\/dist\/[a-z-]+\/index\.js"$/);
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

it('the composite takes every build-image and deploy-cloudrun input but the ones it sets itself', () => {
  const taken = (action: keyof typeof PASSED_THROUGH) => Object.values(PASSED_THROUGH[action]).sort();
  const all = (inputs: object, except: string[]) =>
    Object.keys(inputs)
      .filter((n) => !except.includes(n))
      .sort();
  expect(taken('build-image')).toEqual(all(buildImageAction.inputs, ['push', 'check-only', 'base-ref']));
  expect(taken('deploy-cloudrun')).toEqual(all(deployCloudRunAction.inputs, ['image', 'no-traffic']));
  for (const mine of [...Object.keys(PASSED_THROUGH['build-image']), ...Object.keys(PASSED_THROUGH['deploy-cloudrun'])])
    expect(releaseAction.inputs).toHaveProperty([mine]);
});

it.each([
  ['build', 'build-image', { INPUT_PUSH: 'true' }],
  ['deploy', 'deploy-cloudrun', { INPUT_IMAGE: '${{ steps.build.outputs.image-ref }}', 'INPUT_NO-TRAFFIC': 'true' }],
] as const)("the composite step %s passes every input of %s it takes, under that action's name", (id, action, fixed) => {
  const expected = Object.fromEntries(
    Object.entries(PASSED_THROUGH[action]).map(([mine, theirs]) => [`INPUT_${theirs.toUpperCase()}`, `\${{ inputs.${mine} }}`]),
  );
  expect(step(id).env).toEqual({ ...expected, ...fixed });
});

it('the check step validates every input of the composite', () => {
  const expected = Object.fromEntries(
    Object.keys(releaseAction.inputs).map((n) => [`INPUT_${n.toUpperCase()}`, `\${{ inputs.${n} }}`]),
  );
  expect(step('check').env).toEqual(expected);
});

it('the restore step runs only when promote gave no verdict, and only while the released revision serves', () => {
  expect(step('restore').if).toContain("steps.promote.outputs.verdict == ''");
  expect(step('restore').if).toMatch(/^always\(\)/);
  expect(step('restore').env!['INPUT_ONLY-IF-SERVING']).toContain('steps.deploy.outputs.revision');
});

it("release.yml declares the composite's inputs (but environment and token) and passes each one on", () => {
  const declared = release.on.workflow_call.inputs;
  const mine = ['environment', 'workload-identity-provider', 'deployer-service-account'];
  const passed = Object.entries(releaseAction.inputs).filter(([n]) => n !== 'environment' && n !== 'token');
  expect(Object.keys(declared).sort()).toEqual([...passed.map(([n]) => n), ...mine].sort());
  for (const [name, spec] of passed) {
    expect([name, !!declared[name].required]).toEqual([name, spec.options.required]);
    if (!spec.options.required) expect([name, declared[name].default]).toEqual([name, spec.options.default ?? '']);
  }
  const call = release.jobs.release.steps!.find((s) => s.id === 'release')!;
  expect(call.uses).toMatch(new RegExp(`^${REPOSITORY}/actions/release@`));
  expect(call.with).toEqual(Object.fromEntries(passed.map(([n]) => [n, `\${{ inputs.${n} }}`])));
  // The pull-request check gets every build input too.
  const check = release.jobs.check.steps!.find((s) => s.uses?.includes('/actions/build-image@'))!;
  expect(check.with).toEqual({
    ...Object.fromEntries(Object.entries(PASSED_THROUGH['build-image']).map(([m, theirs]) => [theirs, `\${{ inputs.${m} }}`])),
    'check-only': true,
  });
});

it("the release and rollback jobs run in the caller's environment, with the service URL", () => {
  expect(release.jobs.release.environment).toEqual({
    name: '${{ inputs.environment }}',
    url: "${{ !startsWith(steps.release.outputs.url, '{') && steps.release.outputs.url || '' }}",
  });
  expect(rollback.jobs.rollback.environment).toEqual({ name: '${{ inputs.environment }}' });
  // GitHub records the deployment of a job with an environment: Runway records no second one.
  expect(release.jobs.release.steps!.find((s) => s.id === 'release')!.with).not.toHaveProperty('environment');
  expect(JSON.stringify(rollback.jobs.rollback.steps)).not.toContain('github-deployment');
});

it('the jobs request contents: read and id-token: write at most, never deployments: write', () => {
  expect(release.permissions).toEqual({ contents: 'read' });
  expect(rollback.permissions).toEqual({ contents: 'read' });
  expect(release.jobs.check.permissions).toEqual({ contents: 'read' });
  expect(release.jobs.release.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  expect(rollback.jobs.rollback.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  // The caller grants exactly that (GitHub refuses the whole run at start-up otherwise).
  const callerJobs = parse(caller) as { jobs: Record<string, Job> };
  expect(callerJobs.jobs.release.permissions).toEqual(release.jobs.release.permissions);
  expect(callerJobs.jobs.rollback.permissions).toEqual(rollback.jobs.rollback.permissions);
});

it('concurrency is per job, service and region; never cancels; the pull-request check and rollbacks are outside the release group', () => {
  expect(release.concurrency).toBeUndefined();
  expect(rollback.concurrency).toBeUndefined();
  const releaseGroup = release.jobs.release.concurrency!;
  const rollbackGroup = rollback.jobs.rollback.concurrency!;
  for (const c of [releaseGroup, rollbackGroup]) {
    expect(c['cancel-in-progress']).toBe(false);
    expect(c.queue).toBe('max');
    expect(c.group).toContain('${{ inputs.service }}');
    expect(c.group).toContain('${{ inputs.region }}');
    expect(c.group).toContain('${{ inputs.project-id }}');
  }
  expect(release.jobs.check.concurrency).toBeUndefined();
  const prefix = (g: string) => g.slice(0, g.indexOf('${{'));
  expect(prefix(rollbackGroup.group)).not.toBe(prefix(releaseGroup.group));
});

it("the caller's automatic rollback can only undo the release that failed", () => {
  const { jobs } = parse(caller) as { jobs: Record<string, Job> };
  expect(jobs.rollback.needs).toBe('release');
  expect(jobs.rollback.if).toMatch(/^failure\(\) && /);
  expect(jobs.rollback.if).toContain("github.event_name != 'pull_request'");
  expect(jobs.rollback.if).toContain("needs.release.outputs.revision != ''");
  expect(jobs.rollback.with!['only-if-serving']).toBe('${{ needs.release.outputs.revision }}');
  expect(rollback.jobs.rollback.steps!.find((s) => s.id === 'rollback')!.with!['only-if-serving']).toBe(
    '${{ inputs.only-if-serving }}',
  );
});

it("the README's caller is the tested fixture", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = /### From another repository[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
  expect(block).toBe(caller.slice(caller.indexOf('name: deploy')));
});

it("the caller's literal inputs are values the release accepts", () => {
  const given = (parse(caller) as { jobs: Record<string, Job> }).jobs.release.with!;
  const checked = Object.entries(given).filter(([name, raw]) => name in releaseAction.inputs && !String(raw).includes('${{'));
  expect(checked.length).toBeGreaterThan(15);
  const inputs = releaseAction.inputs as Record<string, { kind: { parse(raw: string): unknown } }>;
  for (const [name, raw] of checked) expect(() => inputs[name].kind.parse(String(raw))).not.toThrow();
});
