/**
 * Reads a monorepo from disk into what the pure rules need: the Dockerfile, the Prisma schema of the
 * app being built (found when not given), the locked Prisma version, package scripts and the
 * NEXT_PUBLIC_* variables the app reads. File paths in findings are relative to the repository root.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../inputs';
import { DockerfileError, parseDockerfile, runtimeStage, type Dockerfile } from './dockerfile';
import { LOCKFILES, lockedPrismaVersion } from './lockfile';
import { dotenvNames, missingAtBuild, nextPublicReads, type Read } from './next-public';
import type { PrismaProject } from './prisma-rules';
import { clientGenerator, parseSchema } from './prisma-schema';

const SKIP = new Set(['node_modules', '.git', '.next', 'dist', 'build', 'coverage', '.turbo', '.runway']);
const SOURCE = /\.(m|c)?(j|t)sx?$/;

/** Files under `dir` (not following SKIP folders), at most `depth` folders deep and `limit` files. */
function walk(dir: string, depth: number, limit = 20_000): string[] {
  const found: string[] = [];
  const visit = (d: string, level: number) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (found.length >= limit) return;
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && level < depth) visit(join(d, e.name), level + 1);
      } else if (e.isFile()) found.push(join(d, e.name));
    }
  };
  visit(dir, 0);
  return found;
}

interface PackageJson {
  name?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export interface LoadOptions {
  /** Repository root (GITHUB_WORKSPACE): findings name files relative to it. */
  readonly root: string;
  readonly context: string;
  readonly dockerfile: string;
  readonly target?: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly prismaSchema?: string;
  readonly workspace?: string;
}

export interface LoadedProject {
  readonly project: PrismaProject;
  /** How the schema was chosen, or why there is none. */
  readonly schemaNote: string;
  /** NEXT_PUBLIC_* variables the app reads that its build never receives. */
  readonly nextPublic: (Read & { reason: string })[];
}

function workspaceDir(root: string, packages: Map<string, PackageJson>, workspace: string): string {
  const asDir = resolve(root, workspace);
  if (existsSync(asDir) && statSync(asDir).isDirectory()) return asDir;
  for (const [file, pkg] of packages) if (pkg.name === workspace) return dirname(file);
  throw new InputError([
    { input: 'workspace', message: `"${workspace}" is neither a folder nor the name of a package in this repository` },
  ]);
}

function chooseSchema(
  root: string,
  candidates: string[],
  packages: Map<string, PackageJson>,
  appDir: string | undefined,
): { file?: string; note: string } {
  const rel = (f: string) => relative(root, f);
  if (candidates.length === 1) return { file: candidates[0], note: 'the only schema in the repository' };
  if (candidates.length === 0) return { note: 'no Prisma schema with a client generator found: Prisma checks skipped' };
  if (appDir) {
    const inside = candidates.filter((c) => c.startsWith(`${appDir}/`));
    if (inside.length === 1) return { file: inside[0], note: 'in the workspace' };
    const pkg = packages.get(join(appDir, 'package.json'));
    const deps = new Set(Object.keys({ ...pkg?.dependencies, ...pkg?.devDependencies }));
    const depDirs = [...packages].filter(([, p]) => p.name && deps.has(p.name)).map(([f]) => dirname(f));
    const viaDeps = candidates.filter((c) => depDirs.some((d) => c.startsWith(`${d}/`)));
    if (viaDeps.length === 1) return { file: viaDeps[0], note: 'in a package the workspace depends on' };
  }
  throw new InputError([
    {
      input: 'prisma-schema',
      message: `several Prisma schemas found (${candidates.map(rel).join(', ')}); name one, or set "workspace" to the app being built`,
    },
  ]);
}

function lockfileFor(root: string, from: string): { version: string; lockfile: string } | undefined {
  for (let d = from; d.startsWith(root); d = dirname(d)) {
    for (const name of LOCKFILES) {
      const f = join(d, name);
      if (!existsSync(f)) continue;
      const v = lockedPrismaVersion(name, readFileSync(f, 'utf8'));
      if (v) return { version: v.version, lockfile: relative(root, f) };
    }
    if (d === root || d === dirname(d)) break;
  }
  return undefined;
}

/** Names declared by ARG or ENV in any stage (`ENV A=1 B=2`, `ENV A 1`, `ARG A`, `ARG A=1`). */
function declaredNames(file: Dockerfile, keyword: 'ARG' | 'ENV'): string[] {
  const declared = file.stages
    .flatMap((s) => s.instructions.filter((i) => i.keyword === keyword))
    .flatMap((i) =>
      i.args.includes('=') ? [...i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]) : [i.args.split(/\s+/)[0]],
    );
  return keyword === 'ARG' ? [...declared, ...Object.keys(file.globalArgs)] : declared;
}

/** The parsed Dockerfile; a file that is not one, or a target it has no stage for, is an input error. */
function readDockerfile(path: string, o: LoadOptions): Dockerfile {
  try {
    const parsed = parseDockerfile(readFileSync(path, 'utf8'), o.buildArgs);
    runtimeStage(parsed, o.target);
    return parsed;
  } catch (e) {
    if (!(e instanceof DockerfileError)) throw e;
    throw new InputError([
      { input: e.message.startsWith('target') ? 'target' : 'dockerfile', message: `${o.dockerfile}: ${e.message}` },
    ]);
  }
}

export function loadProject(o: LoadOptions): LoadedProject {
  const root = resolve(o.root);
  const context = resolve(root, o.context);
  const dockerfilePath = resolve(root, o.dockerfile);
  const parsed = readDockerfile(dockerfilePath, o);
  const files = walk(context, 6);
  const packages = new Map<string, PackageJson>();
  for (const f of files.filter((f) => f.endsWith('/package.json'))) {
    const pkg = readJson<PackageJson>(f);
    if (pkg) packages.set(f, pkg);
  }
  const scripts: Record<string, string[]> = {};
  for (const pkg of packages.values())
    for (const [name, cmd] of Object.entries(pkg.scripts ?? {})) (scripts[name] ??= []).push(cmd);

  const appDir = o.workspace ? workspaceDir(root, packages, o.workspace) : undefined;
  let schemaFile: string | undefined;
  let schemaNote: string;
  if (o.prismaSchema) {
    const given = resolve(root, o.prismaSchema);
    if (!existsSync(given)) throw new InputError([{ input: 'prisma-schema', message: `${o.prismaSchema} does not exist` }]);
    const inFolder = statSync(given).isDirectory() ? walk(given, 2).filter((f) => f.endsWith('.prisma')) : [given];
    schemaFile = inFolder.find((f) => clientGenerator(parseSchema(readFileSync(f, 'utf8')))) ?? inFolder[0];
    if (!schemaFile) throw new InputError([{ input: 'prisma-schema', message: `no .prisma file in ${o.prismaSchema}` }]);
    schemaNote = 'given by prisma-schema';
  } else {
    const candidates = files.filter((f) => f.endsWith('.prisma') && clientGenerator(parseSchema(readFileSync(f, 'utf8'))));
    const chosen = chooseSchema(root, candidates, packages, appDir);
    schemaFile = chosen.file;
    schemaNote = chosen.note;
  }
  const schema = schemaFile
    ? {
        file: relative(root, schemaFile),
        parsed: parseSchema(readFileSync(schemaFile, 'utf8')),
        contextDir: relative(context, dirname(schemaFile)),
      }
    : undefined;
  const prisma = lockfileFor(root, schemaFile ? dirname(schemaFile) : context) ?? lockfileFor(root, context);

  const scanDir = appDir ?? context;
  const sources = (appDir ? walk(appDir, 8) : files).filter((f) => SOURCE.test(f) && !f.endsWith('.d.ts'));
  const reads = sources.flatMap((f) => nextPublicReads(relative(root, f), readFileSync(f, 'utf8')));
  const dotenv = ['.env', '.env.production'].flatMap((n) =>
    existsSync(join(scanDir, n)) ? dotenvNames(readFileSync(join(scanDir, n), 'utf8')) : [],
  );
  const nextPublic = missingAtBuild(reads, {
    buildArgs: Object.keys(o.buildArgs),
    dockerfileArgs: declaredNames(parsed, 'ARG'),
    dockerfileEnv: declaredNames(parsed, 'ENV'),
    dotenv,
  });
  return {
    project: { dockerfile: { file: relative(root, dockerfilePath), parsed, target: o.target }, schema, prisma, scripts },
    schemaNote,
    nextPublic,
  };
}
