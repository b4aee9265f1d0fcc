import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { node24, repoRoot } from '../helpers/run-action';

// Compares the bundles the global setup made from src/ (RUNWAY_BUNDLES) with the committed dist/.
it('dist/ matches a fresh bundle of the sources', () => {
  const run = spawnSync(node24, [join(repoRoot, 'scripts', 'bundle.mjs'), `--check=${process.env.RUNWAY_BUNDLES}`], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(run.stderr).not.toMatch(/Stale bundles/);
  expect(run.status).toBe(0);
}, 60_000);
