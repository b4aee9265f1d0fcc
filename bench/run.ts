/**
 * `npm run bench`: every measure of issue 13 side by side in one run, written to bench/results.json
 * and as a table in bench/README.md. Exits non-zero when a result misses its goal, naming it.
 *
 *   npx tsx bench/run.ts [group ...] [--runs N] [--bundles DIR]
 *
 * With groups named, only those run and their results replace the same names in results.json.
 * `--bundles DIR` measures the action bundles in DIR (e.g. `build/fresh/<hash>` from
 * `node scripts/bundle.mjs --fresh`) instead of dist/, to compare before and after a change; such a
 * run only prints its results.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { build } from './build';
import { compositeCache } from './composite-cache';
import { gate } from './gate';
import { comparison } from './comparison';
import { release } from './release';
import { meets, type Group, type Result } from './result';
import { rollbackGroup } from './rollback';
import { scale } from './scale';
import { startup } from './startup-group';

const groups: Group[] = [startup, gate, comparison, rollbackGroup, release, build, compositeCache, scale];
const RESULTS = join(__dirname, 'results.json');
const DIST = join(__dirname, '..', 'dist');
const README = join(__dirname, 'README.md');
const BEGIN = '<!-- results: written by bench/run.ts -->';
const END = '<!-- /results -->';

function parseArgs(argv: string[]): { names: string[]; runs: number; bundles?: string } {
  const valueOf = (option: string) => (argv.includes(option) ? argv[argv.indexOf(option) + 1] : undefined);
  const runs = Number(valueOf('--runs') ?? 3);
  const bundles = valueOf('--bundles');
  const names = argv.filter((a, i) => !a.startsWith('--') && !['--runs', '--bundles'].includes(argv[i - 1]));
  const unknown = names.filter((n) => !groups.some((g) => g.name === n));
  if (unknown.length > 0 || !(runs >= 1) || (argv.includes('--bundles') && !bundles))
    throw new Error(
      `usage: bench/run.ts [${groups.map((g) => g.name).join(' | ')} ...] [--runs N] [--bundles DIR]; got ${argv.join(' ')}`,
    );
  return { names, runs, bundles: bundles && resolve(bundles) };
}

function table(results: readonly Result[]): string {
  const rows = results.map((r) => {
    const goal = r.goal === undefined ? '' : `${r.better === 'lower' ? '≤' : '≥'} ${r.goal}`;
    const baseline = r.baseline === undefined ? '' : String(r.baseline);
    return `| \`${r.name}\` | ${r.value} ${r.unit} | ${goal} | ${r.goal === undefined ? '' : meets(r) ? '✅' : '❌'} | ${baseline} | \`${r.command}\` | ${r.how.replaceAll('|', '\\|')} |`;
  });
  return [
    '| name | value | goal | met | baseline | command | how |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Writes the table into bench/README.md, formatted as `npm run lint` wants it. */
async function writeReadme(results: readonly Result[], when: string): Promise<void> {
  const text = readFileSync(README, 'utf8');
  const at = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (at < 0 || end < at) throw new Error(`${README} lacks the ${BEGIN} … ${END} markers`);
  const block = `${BEGIN}\n\nMeasured ${when}.\n\n${table(results)}\n\n${END}`;
  const options = { ...(await resolveConfig(README)), filepath: README };
  writeFileSync(README, await format(text.slice(0, at) + block + text.slice(end + END.length), options));
}

async function main(): Promise<void> {
  const { names, runs, bundles = DIST } = parseArgs(process.argv.slice(2));
  const chosen = names.length > 0 ? groups.filter((g) => names.includes(g.name)) : groups;
  const measured: Result[] = [];
  const broken: string[] = [];
  for (const group of chosen) {
    console.log(`\n▶ ${group.name}`);
    try {
      const results = await group.run({ runs, bundles });
      for (const r of results)
        console.log(
          `  ${r.name}: ${r.value} ${r.unit}${r.goal === undefined ? '' : ` (goal ${r.better === 'lower' ? '≤' : '≥'} ${r.goal})`}`,
        );
      measured.push(...results);
    } catch (e) {
      // One broken group must not hide the others' numbers; it still fails the run.
      broken.push(`${group.name}: ${(e as Error).stack ?? String(e)}`);
      console.error(`  ✖ ${group.name} failed: ${(e as Error).message}`);
    }
  }
  if (bundles !== DIST) {
    for (const r of measured) console.log(`  ${r.name}: ${r.how}`);
    console.log(`\nBundles of ${bundles}: results.json and README.md left as they are.`);
    if (broken.length > 0) process.exitCode = 1;
    return;
  }
  const earlier: Result[] =
    names.length > 0 && existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as { results: Result[] }).results : [];
  const fresh = new Set(measured.map((r) => r.name));
  const results = [...earlier.filter((r) => !fresh.has(r.name)), ...measured];
  writeFileSync(RESULTS, `${JSON.stringify({ measuredAt: new Date().toISOString(), results }, null, 2)}\n`);
  await writeReadme(results, new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC');
  const missed = measured.filter((r) => !meets(r));
  for (const r of missed)
    console.error(`✖ ${r.name} = ${r.value} ${r.unit} misses its goal ${r.better === 'lower' ? '≤' : '≥'} ${r.goal}`);
  for (const b of broken) console.error(`✖ ${b}`);
  console.log(
    `\n${measured.length - missed.length} of ${measured.length} results meet their goal; ${broken.length} group(s) broken. bench/results.json, bench/README.md written.`,
  );
  if (missed.length > 0 || broken.length > 0) process.exitCode = 1;
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(2);
});
