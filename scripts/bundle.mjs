// Bundles each action's entry points in two steps: tsc emits CommonJS into build/bundle/ (without
// type checking: that is `npm run typecheck`'s job, so one unfinished file cannot break every bundle,
// and ncc's own TypeScript loader fails under TypeScript 6), then ncc bundles that JavaScript
// (CommonJS: ncc's ESM output breaks google-gax at run time).
//
//   node scripts/bundle.mjs           into dist/ (what `npm run build` runs; the lead commits it)
//   node scripts/bundle.mjs --fresh   into build/fresh/<hash of the inputs>/ unless it is there already;
//                                     prints that folder last. The integration tests run these bundles,
//                                     so they test src/ as it is now, not the committed dist/.
//   node scripts/bundle.mjs --check   fails when the committed dist/ differs from the fresh bundle, so a
//                                     stale bundle can never ship. `--check=DIR` compares DIR instead.
//   node scripts/bundle.mjs --floor   bench/startup-floor.ts, bundled the same way, into build/floor/
//                                     unless it is there already; prints that folder last (bench/startup.ts).
//   --only=a,b                        limits the actions (not with --fresh or --check).
// Runs hold a lock: build/bundle/ and build/fresh/ are shared by concurrent runs in one checkout.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
/** `--name` gives true, `--name=value` the value, absent undefined. */
function option(name) {
  for (const a of args) {
    if (a === `--${name}`) return true;
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}
const only = typeof option('only') === 'string' ? option('only').split(',') : undefined;
const nccBin = join(root, 'node_modules', '.bin', 'ncc');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
// Inside the repository, so ncc resolves node_modules; a fixed path keeps bundles byte-identical.
const js = join(root, 'build', 'bundle');
const freshRoot = join(root, 'build', 'fresh');

if (!process.env.RUNWAY_BUNDLE_LOCKED) {
  mkdirSync(join(root, 'build'), { recursive: true });
  const run = spawnSync('flock', [join(root, 'build', '.bundle.lock'), process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, RUNWAY_BUNDLE_LOCKED: '1' },
  });
  process.exit(run.status ?? 1);
}

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => relative(dir, f))
    .sort();
}

/** The actions to bundle and their steps: `main`, and `post` when the action has one. */
function actions() {
  return readdirSync(join(root, 'actions'))
    .sort()
    .filter((id) => (!only || only.includes(id)) && existsSync(join(root, 'actions', id, 'main.ts')))
    .map((id) => ({ id, steps: ['main', 'post'].filter((step) => existsSync(join(root, 'actions', id, `${step}.ts`))) }));
}

/** Everything the action bundles are made from (or, with `sources`, another bundle): the same hash means the same bundles. */
function inputsHash(
  sources = ['src', 'actions'].flatMap((d) =>
    files(join(root, d))
      .filter((f) => (f.endsWith('.ts') && !f.endsWith('.test.ts')) || f.endsWith('.json'))
      .map((f) => join(d, f)),
  ),
) {
  const hash = createHash('sha256');
  for (const f of [...sources, 'tsconfig.json', 'package-lock.json', 'node_modules/.package-lock.json', 'scripts/bundle.mjs']) {
    hash.update(`${f}\0`);
    if (existsSync(join(root, f))) hash.update(readFileSync(join(root, f)));
  }
  return hash.digest('hex').slice(0, 16);
}

// Where action.yml finds each step's entry point, and the way from there to the action's bundle.
const ENTRY = { main: { file: 'index.js', bundle: './steps.js' }, post: { file: 'post/index.js', bundle: '../steps.js' } };

/** One minified CommonJS bundle of `entry` (tsc's output in build/bundle/), as `outDir/index.js`. */
function ncc(entry, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  execFileSync(nccBin, ['build', entry, '-o', outDir, '--minify', '--license', 'licenses.txt', '-q'], {
    cwd: root,
    stdio: 'inherit',
  });
}

/**
 * One minified bundle per action, steps.js, holding all its steps (promote's main and post share their
 * code); index.js and post/index.js are the entry points action.yml names, one line each.
 */
const PG_WASM_NAME = 'libpg-query.wasm';
const PG_WASM = join(root, 'node_modules', 'libpg-query', 'wasm', PG_WASM_NAME);

function bundleAction({ id, steps }, outDir) {
  const entry = join(js, 'actions', id, 'steps.js');
  writeFileSync(entry, steps.map((step) => `exports.${step} = () => require('./${step}.js');\n`).join(''));
  ncc(entry, outDir);
  renameSync(join(outDir, 'index.js'), join(outDir, 'steps.js'));
  // libpg-query's Emscripten loader reads libpg-query.wasm from its script's folder (__dirname: the
  // bundle's), a path ncc cannot follow: the bundles that hold the SQL parser get the file beside them.
  if (readFileSync(join(outDir, 'steps.js'), 'utf8').includes(PG_WASM_NAME)) copyFileSync(PG_WASM, join(outDir, PG_WASM_NAME));
  for (const step of steps) {
    const { file, bundle } = ENTRY[step];
    mkdirSync(dirname(join(outDir, file)), { recursive: true });
    writeFileSync(join(outDir, file), `require('${bundle}').${step}();\n`);
  }
}

function compile() {
  rmSync(js, { recursive: true, force: true });
  execFileSync(tsc, ['-p', 'tsconfig.json', '--outDir', js, '--noCheck', '--sourceMap', 'false'], {
    cwd: root,
    stdio: 'inherit',
  });
}

function bundleInto(outRoot) {
  compile();
  for (const action of actions()) {
    bundleAction(action, join(outRoot, action.id));
    console.log(`bundled ${action.id}/`);
  }
}

/** The bundles of the sources as they are now, made at most once per change of the inputs. */
function fresh() {
  const dir = join(freshRoot, inputsHash());
  if (existsSync(join(dir, '.complete'))) return dir;
  // Keep only the newest older bundle (switching back and forth between two versions stays cheap).
  const older = existsSync(freshRoot)
    ? readdirSync(freshRoot)
        .map((d) => join(freshRoot, d))
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
    : [];
  for (const d of older.slice(1)) rmSync(d, { recursive: true, force: true });
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  bundleInto(partial);
  writeFileSync(join(partial, '.complete'), '');
  renameSync(partial, dir);
  return dir;
}

function stale(freshDir) {
  const found = [];
  for (const { id } of actions()) {
    const [made, committed] = [join(freshDir, id), join(root, 'dist', id)];
    const a = files(made);
    const differs =
      a.join('\n') !== files(committed).join('\n') ||
      a.some((f) => !readFileSync(join(made, f)).equals(readFileSync(join(committed, f))));
    if (differs) found.push(`dist/${id}`);
    else console.log(`dist/${id} is current`);
  }
  return found;
}

/** startup.floor's bundle (bench/startup-floor.ts), made again only when its inputs change. */
function floor() {
  const dir = join(root, 'build', 'floor');
  const hash = inputsHash(['bench/startup-floor.ts']);
  const stamp = join(dir, '.inputs');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return dir;
  compile();
  ncc(join(js, 'bench', 'startup-floor.js'), dir);
  writeFileSync(stamp, hash);
  return dir;
}

if (option('fresh')) {
  console.log(fresh());
} else if (option('floor')) {
  console.log(floor());
} else if (option('check')) {
  const found = stale(typeof option('check') === 'string' ? option('check') : fresh());
  if (found.length > 0) {
    console.error(`Stale bundles (run npm run build and commit dist/): ${found.join(', ')}`);
    process.exit(1);
  }
} else {
  bundleInto(join(root, 'dist'));
}
