/**
 * `startup.floor` and `startup.<action>`: process start to the first API call or probe of a bundle
 * that only creates the Cloud Run client and of each of the five action bundles (bench/startup.ts).
 * An action's goal is 1.3 × the floor of the same run; the floor is the reference, with no goal.
 *
 *   npx tsx bench/run.ts startup
 */
import type { Group, Result } from './result';
import { measureStartup } from './startup';

export const startup: Group = {
  name: 'startup',
  async run({ bundles }): Promise<Result[]> {
    return (await measureStartup(bundles)).map((m) => ({
      ...m,
      better: 'lower' as const,
      command: 'npx tsx bench/run.ts startup',
    }));
  },
};
