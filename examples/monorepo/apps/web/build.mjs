// Builds a self-contained output folder, the way `next build` with output: 'standalone' does:
// build/standalone/ holds everything the runtime image needs (server, Prisma client, pg, redis,
// migrations and the migration runner) and no node_modules, so the runtime stage copies one folder.
//
// NEXT_PUBLIC_* variables are read here, at build time, and inlined into the server (as Next.js does):
// setting them on the running container changes nothing. NEXT_PUBLIC_APP_NAME is required.
import { build } from 'esbuild';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(web, '..', '..');
const db = path.join(root, 'packages', 'db');
const out = path.join(web, 'build', 'standalone');

if (!process.env.NEXT_PUBLIC_APP_NAME) {
  console.error(
    'build: NEXT_PUBLIC_APP_NAME is not set; it is baked in at build time (docker build --build-arg NEXT_PUBLIC_APP_NAME=...)',
  );
  process.exit(2);
}
const publicEnv = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name]) => name.startsWith('NEXT_PUBLIC_'))
    .map(([name, value]) => [`process.env.${name}`, JSON.stringify(value)]),
);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // pg only loads pg-native when asked for it; it is not installed.
  external: ['pg-native'],
  // Bundled CommonJS dependencies (pg, redis) still call require() for Node built-ins.
  // Generated output: linters skip it like the Prisma client's own generated files.
  banner: {
    js: "/* eslint-disable */ import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // Smaller files, and no comments left for linters to trip over; identifiers stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};

await rm(out, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: [path.join(web, 'src', 'server.mts')],
  outfile: path.join(out, 'apps/web/server.js'),
  define: publicEnv,
});
await build({
  ...common,
  entryPoints: [path.join(db, 'scripts', 'migrate.mjs')],
  outfile: path.join(out, 'packages/db/scripts/migrate.mjs'),
});
await cp(path.join(db, 'prisma', 'migrations'), path.join(out, 'packages/db/prisma/migrations'), { recursive: true });
await mkdir(out, { recursive: true });
await writeFile(path.join(out, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
console.log(`build: wrote ${path.relative(root, out)}`);
