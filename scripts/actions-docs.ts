/**
 * Writes actions/<id>/action.yml and the reference block of actions/<id>/README.md from the action
 * definitions. With --check it writes nothing and exits 1 listing the files that are out of date.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { actions } from '../src/actions';
import { renderActionYml, updateReadme } from '../src/inputs/docs';

const root = join(__dirname, '..');
const check = process.argv.includes('--check');
const stale: string[] = [];

for (const def of actions) {
  const dir = join(root, 'actions', def.id);
  const readmePath = join(dir, 'README.md');
  const current = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : `# ${def.name}\n\n${def.description}\n`;
  const files: [string, string][] = [
    [join(dir, 'action.yml'), renderActionYml(def)],
    [readmePath, updateReadme(current, def)],
  ];
  for (const [path, content] of files) {
    const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (before === content) continue;
    stale.push(path.slice(root.length + 1));
    if (!check) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, content);
    }
  }
}

if (check && stale.length > 0) {
  console.error(`Out of date (run npm run docs): ${stale.join(', ')}`);
  process.exit(1);
}
console.log(stale.length === 0 ? 'action.yml and READMEs are current' : `wrote ${stale.join(', ')}`);
