/**
 * The library's own CI (.github/workflows/ci.yml) runs the README's test command on GitHub's
 * ubuntu-24.04 runner with the runner's own Docker: nothing may install Docker over it or start a
 * second daemon (issue 23). GitHub's parser checks the file itself in workflows.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/run-action';

interface Workflow {
  jobs: Record<string, { 'runs-on': string; steps: { run?: string }[] }>;
}

const ci = parse(readFileSync(join(repoRoot, '.github', 'workflows', 'ci.yml'), 'utf8')) as Workflow;
const runs = Object.values(ci.jobs)
  .flatMap((job) => job.steps)
  .map((step) => step.run)
  .filter((run): run is string => !!run);

it("runs the README's test command on ubuntu-24.04", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const command = /```sh\n[\s\S]*?^(bash scripts\/test\.sh)\b/m.exec(readme)![1];
  expect(Object.values(ci.jobs).map((job) => job['runs-on'])).toEqual(['ubuntu-24.04']);
  expect(runs).toContain(command);
});

it("installs nothing over the runner's Docker and starts no daemon", () => {
  for (const run of runs) expect(run).not.toMatch(/\bsudo\b|apt-get|docker\.io|dockerd/);
});
