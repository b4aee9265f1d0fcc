// Bundles each action's entry points with ncc into dist/<action>/ (CommonJS: ncc's ESM output
// breaks google-gax at run time); type checking is tsc's job, so one unfinished file elsewhere cannot
// break every bundle. `--check` bundles into a temporary folder and fails when the
// committed dist/ differs, so a stale bundle can never ship. `--only a,b` limits the actions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice('--only='.length).split(',') : undefined;
const ncc = join(root, 'node_modules', '.bin', 'ncc');

function entries() {
  const found = [];
  for (const id of readdirSync(join(root, 'actions')).sort()) {
    if (only && !only.includes(id)) continue;
    const main = join(root, 'actions', id, 'main.ts');
    if (!existsSync(main)) continue;
    found.push({ entry: main, out: id });
    const post = join(root, 'actions', id, 'post.ts');
    if (existsSync(post)) found.push({ entry: post, out: join(id, 'post') });
  }
  return found;
}

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => relative(dir, f))
    .sort();
}

function build(entry, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  execFileSync(ncc, ['build', entry, '-o', outDir, '--license', 'licenses.txt', '--transpile-only', '-q'], { cwd: root, stdio: 'inherit' });
}

const outRoot = check ? mkdtempSync(join(tmpdir(), 'runway-dist-')) : join(root, 'dist');
const stale = [];
for (const { entry, out } of entries()) {
  const outDir = join(outRoot, out);
  build(entry, outDir);
  if (!check) {
    console.log(`bundled ${relative(root, entry)} -> dist/${out}/`);
    continue;
  }
  const committed = join(root, 'dist', out);
  // A post bundle lives inside its action's folder: compare only files of this bundle.
  const mine = (f) => out.includes('/') || !f.startsWith('post/');
  const fresh = files(outDir).filter(mine);
  const old = files(committed).filter(mine);
  const differs =
    fresh.join('\n') !== old.join('\n') ||
    fresh.some((f) => !readFileSync(join(outDir, f)).equals(readFileSync(join(committed, f))));
  if (differs) stale.push(`dist/${out}`);
  else console.log(`dist/${out} is current`);
}
if (check) {
  rmSync(outRoot, { recursive: true, force: true });
  if (stale.length > 0) {
    console.error(`Stale bundles (run npm run bundle and commit dist/): ${stale.join(', ')}`);
    process.exit(1);
  }
}
