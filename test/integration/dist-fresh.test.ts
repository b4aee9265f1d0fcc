import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { node24, repoRoot } from '../helpers/run-action';

it('dist/ matches a fresh bundle of the sources', () => {
  const run = spawnSync(node24, [join(repoRoot, 'scripts', 'bundle.mjs'), '--check'], { cwd: repoRoot, encoding: 'utf8' });
  expect(run.stderr).not.toMatch(/Stale bundles/);
  expect(run.status).toBe(0);
}, 300_000);
