/**
 * `startup.<action>`: process start to the first API call or probe of each of the five bundles,
 * measured by h-infra's bench/startup.ts (measureStartup). Until that file exists this group
 * reports nothing and says so.
 *
 *   npx tsx bench/run.ts startup
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Group, Result } from './result';

interface Measure {
  name: string;
  value: number;
  unit: string;
}

export const startup: Group = {
  name: 'startup',
  async run({ bundles }): Promise<Result[]> {
    if (!existsSync(join(__dirname, 'startup.ts'))) {
      console.log('  skipped: bench/startup.ts (measureStartup, by h-infra) is not on this branch yet');
      return [];
    }
    // A computed specifier: the module is someone else's and may not exist when this one is type-checked.
    const specifier = './startup';
    const { measureStartup } = (await import(specifier)) as { measureStartup: (bundles: string) => Promise<Measure[]> };
    return (await measureStartup(bundles)).map((m) => ({
      ...m,
      goal: 250,
      better: 'lower' as const,
      command: 'npx tsx bench/run.ts startup',
      how: 'process start to the first API call or probe (bench/startup.ts)',
    }));
  },
};
