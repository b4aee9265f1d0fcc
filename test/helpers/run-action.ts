// Tests run bundles through the same step runner as the demo pipeline, but not the committed dist/:
// the integration project's global setup (test/global-setup.ts) bundles src/ as it is now and names
// that folder in RUNWAY_BUNDLES. Tests name a bundle by its place under dist/.
import { join } from 'node:path';
import { runBundle as runFresh, type ActionRun, type BundleOptions } from '../../src/runtime/step-runner';

export { node24, parseFileCommands, repoRoot, type ActionRun, type BundleOptions } from '../../src/runtime/step-runner';

/** Where the fresh bundle of `dist/<action>/...` is. */
export function freshBundle(bundle: string): string {
  const dir = process.env.RUNWAY_BUNDLES;
  if (!dir) throw new Error('RUNWAY_BUNDLES is not set: run the integration tests with Jest, whose global setup bundles src/.');
  if (!bundle.startsWith('dist/')) throw new Error(`"${bundle}": name a bundle by its place under dist/`);
  return join(dir, bundle.slice('dist/'.length));
}

export function runBundle(bundle: string, options?: BundleOptions): Promise<ActionRun> {
  return runFresh(freshBundle(bundle), options);
}
