/**
 * Runway's migration rules against squawk (its linux-x64 binary as npm ships it in @squawk-cli/linux-x64,
 * a dev dependency: nothing downloads; `squawk-cli`, the wrapper, would need every platform's package
 * in the lockfile, and the registry here serves only this one) on the fixture corpus: Prisma-style
 * migrations for the common schema changes. The rendered table is the one in
 * actions/deploy-cloudrun/README.md; every difference needs a reason here.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyMigration } from '../../src/migrations/classify';
import { MIGRATION_RULES } from '../../src/migrations/rules';
import { loadParser, parseStatements } from '../../src/migrations/sql';

const ROOT = join(__dirname, '..', '..');
const CORPUS = join(ROOT, 'test/fixtures/migrations');
const SQUAWK = join(ROOT, 'node_modules/@squawk-cli/linux-x64/bin/squawk');
const README = join(ROOT, 'actions/deploy-cloudrun/README.md');

/**
 * squawk's rules about how a statement is written, not what it does to data or to the serving
 * revision: Runway has no counterpart on purpose (lock and statement timeouts belong to the
 * migration runner's session; IF EXISTS hides a drift; column types are a design choice).
 */
const STYLE = new Set([
  'require-lock-timeout',
  'require-statement-timeout',
  'require-timeout-settings',
  'prefer-robust-stmts',
  'prefer-bigint-over-int',
  'prefer-bigint-over-smallint',
  'prefer-identity',
  'prefer-text-field',
  'prefer-timestamptz',
  'ban-char-field',
]);

/** Why Runway and squawk differ on a migration. */
const REASONS: Record<string, string> = {
  '20260101000000_init':
    'The index and foreign key are on tables the same migration creates: no rows to lock, no old code writing them. Runway skips them.',
  '20260103000000_rename_field':
    'Runway recognises the drop + add on one table in one migration as a Prisma rename (`prisma-rename`, with `@map` as the fix) instead of a plain drop.',
  '20260107000000_add_unique':
    "Runway also reports `new-constraint`: the old code's writes may violate the new unique index while it still serves.",
  '20260112000000_remove_enum_value':
    'The cast is `lossy-type-change` for Runway (a USING cast converts values); it also reports the dropped default and the dropped old enum type, which the old code still writes.',
  '20260113000000_add_relation':
    'One finding, `adding-foreign-key-constraint`, whose fix is NOT VALID then VALIDATE; squawk reports `constraint-missing-not-valid` for the same statement too. No `new-constraint`: the column is new, the old code never writes it.',
  '20260118000000_safe_check':
    "NOT VALID then VALIDATE takes no long lock (both agree), but Runway reports `new-constraint`: the old code's writes must satisfy the check from the first statement on.",
  '20260119000000_drop_default': "Runway's `dropping-default`: the old code's inserts that leave the column out now fail.",
};

function squawkRules(file: string): string[] {
  let out: string;
  try {
    out = execFileSync(SQUAWK, ['--reporter', 'json', file], { encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout; // exit 1 when it finds something
  }
  const rules = (JSON.parse(out) as { rule_name: string }[]).map((v) => v.rule_name).filter((r) => !STYLE.has(r));
  return [...new Set(rules)].sort();
}

function runwayRules(name: string, file: string): string[] {
  return [...new Set(classifyMigration({ name, file }, parseStatements(readFileSync(file, 'utf8'))).map((f) => f.rule))].sort();
}

const list = (rules: string[]) => (rules.length ? rules.map((r) => `\`${r}\``).join(', ') : '—');

describe('squawk comparison', () => {
  const migrations = readdirSync(CORPUS).sort();
  let rows: { name: string; squawk: string[]; runway: string[] }[];

  beforeAll(async () => {
    await loadParser();
    rows = migrations.map((name) => {
      const file = join(CORPUS, name, 'migration.sql');
      return { name, squawk: squawkRules(file), runway: runwayRules(name, file) };
    });
  });

  it('runs the squawk binary the npm package ships', () => {
    expect(execFileSync(SQUAWK, ['--version'], { encoding: 'utf8' })).toMatch(/^squawk \d+\.\d+\.\d+/);
  });

  it('agrees on every shared rule, or has a reason for each migration where it does not', () => {
    const differing = rows.filter((r) => r.squawk.join() !== r.runway.join()).map((r) => r.name);
    expect(differing.sort()).toEqual(Object.keys(REASONS).sort());
    // Where squawk has a rule of Runway's ID, the two find it in the same migrations, but for the reasons above.
    const shared = Object.entries(MIGRATION_RULES)
      .filter(([, r]) => r.squawk)
      .map(([id]) => id);
    const agreeing = rows.filter((r) => !REASONS[r.name]);
    expect(agreeing.length).toBeGreaterThanOrEqual(10);
    for (const r of agreeing)
      expect(r.squawk.filter((id) => shared.includes(id))).toEqual(r.runway.filter((id) => shared.includes(id)));
  });

  it('is the table in the deploy-cloudrun README', () => {
    const table = [
      '| migration | squawk | Runway | why they differ |',
      '| --- | --- | --- | --- |',
      ...rows.map((r) => `| \`${r.name}\` | ${list(r.squawk)} | ${list(r.runway)} | ${REASONS[r.name] ?? 'agree'} |`),
    ].join('\n');
    const readme = readFileSync(README, 'utf8');
    const section = /<!-- runway:squawk-comparison:start[^>]*-->\n([\s\S]*?)\n<!-- runway:squawk-comparison:end -->/.exec(
      readme,
    )?.[1];
    if (section !== table) console.log(table);
    expect(section).toBe(table);
  });
});
