// The integration tests run the bundles of src/ as it is now, not the committed dist/: bundle once
// per Jest run (scripts/bundle.mjs reuses the bundles while their inputs' hash is unchanged).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { node24, repoRoot } from '../src/runtime/step-runner';

export default function bundleSources(): void {
  const out = execFileSync(node24, [join(repoRoot, 'scripts', 'bundle.mjs'), '--fresh'], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Test workers start after this and inherit the variable.
  process.env.RUNWAY_BUNDLES = out.trim().split('\n').pop();
}
