/**
 * `startup.<action>`: process start to the first API call or probe of each of the five bundles
 * (bench/startup.ts).
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
      goal: 250,
      better: 'lower' as const,
      command: 'npx tsx bench/run.ts startup',
    }));
  },
};
