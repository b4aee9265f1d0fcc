// Bundles each action's entry points into dist/<action>/ in two steps: tsc emits CommonJS into
// build/bundle/ (without type checking: that is `npm run build`'s job, so one unfinished file cannot
// break every bundle, and ncc's own TypeScript loader fails under TypeScript 6), then ncc bundles that
// JavaScript (CommonJS: ncc's ESM output breaks google-gax at run time). `--check` bundles into a
// temporary folder and fails when the committed dist/ differs, so a stale bundle can never ship.
// `--only=a,b` limits the actions. Runs hold a lock: build/bundle/ is shared.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice('--only='.length).split(',') : undefined;
const ncc = join(root, 'node_modules', '.bin', 'ncc');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
// Inside the repository, so ncc resolves node_modules; a fixed path keeps bundles byte-identical.
const js = join(root, 'build', 'bundle');

if (!process.env.RUNWAY_BUNDLE_LOCKED) {
  mkdirSync(join(root, 'build'), { recursive: true });
  const run = spawnSync('flock', [join(root, 'build', '.bundle.lock'), process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, RUNWAY_BUNDLE_LOCKED: '1' },
  });
  process.exit(run.status ?? 1);
}

function entries() {
  const found = [];
  for (const id of readdirSync(join(root, 'actions')).sort()) {
    if (only && !only.includes(id)) continue;
    if (!existsSync(join(root, 'actions', id, 'main.ts'))) continue;
    found.push({ entry: join(js, 'actions', id, 'main.js'), out: id });
    if (existsSync(join(root, 'actions', id, 'post.ts')))
      found.push({ entry: join(js, 'actions', id, 'post.js'), out: join(id, 'post') });
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
  execFileSync(ncc, ['build', entry, '-o', outDir, '--license', 'licenses.txt', '-q'], { cwd: root, stdio: 'inherit' });
}

rmSync(js, { recursive: true, force: true });
execFileSync(tsc, ['-p', 'tsconfig.json', '--outDir', js, '--noCheck', '--sourceMap', 'false'], { cwd: root, stdio: 'inherit' });

const outRoot = check ? mkdtempSync(join(tmpdir(), 'runway-dist-')) : join(root, 'dist');
const stale = [];
for (const { entry, out } of entries()) {
  const outDir = join(outRoot, out);
  build(entry, outDir);
  if (!check) {
    console.log(`bundled dist/${out}/`);
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
