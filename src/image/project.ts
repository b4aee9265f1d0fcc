/**
 * Reads a monorepo from disk into what the pure rules need: the Dockerfile, the build context (its
 * packages and workspace layout, the secret files it sends), the Prisma schema of the app being built
 * (found when not given), the locked Prisma version and the NEXT_PUBLIC_* variables the app reads.
 * File paths in findings are relative to the repository root.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../inputs';
import { secretReason, type BuildContext } from './context-rules';
import { parse as parseYaml } from 'yaml';
import { commandText, DockerfileError, parseDockerfile, runtimeStage, type Dockerfile } from './dockerfile';
import { isIgnored, parseDockerignore, type IgnorePattern } from './dockerignore';
import type { Finding } from './findings';
import { LOCKFILES, lockedPrismaVersion } from './lockfile';
import { DOTENV_ORDER, dotenvSources, missingAtBuild, nextPublicReads } from './next-public';
import type { PrismaProject } from './prisma-rules';
import { clientGenerator, parseSchema } from './prisma-schema';
import { packageAt, packageManagerOf, workspaceOf } from './workspace';

const SKIP = new Set(['node_modules', '.git', '.next', 'dist', 'build', 'coverage', '.turbo', '.runway']);
/** The context walk sees dotfiles and build outputs too (they are sent); only these are never scanned. */
const CONTEXT_SKIP = new Set(['node_modules', '.git']);
const SOURCE = /\.(m|c)?(j|t)sx?$/;

/** Files under `dir` (not following `skip` folders), at most `depth` folders deep and `limit` files. */
function walk(dir: string, depth: number, limit = 20_000, skip = SKIP): string[] {
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
        if (!skip.has(e.name) && level < depth) visit(join(d, e.name), level + 1);
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
  workspaces?: unknown;
  packageManager?: string;
  prisma?: { schema?: string };
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

const readText = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

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
  /** NEXT_PUBLIC_* variables the app reads that its build never receives (rule next-public-build). */
  readonly nextPublic: Finding[];
}

/** package.json files of the repository, by absolute path. */
type Packages = Map<string, PackageJson>;

function workspaceDir(root: string, packages: Packages, workspace: string): string {
  const asDir = resolve(root, workspace);
  if (existsSync(asDir) && statSync(asDir).isDirectory()) return asDir;
  for (const [file, pkg] of packages) if (pkg.name === workspace) return dirname(file);
  throw new InputError([
    { input: 'workspace', message: `"${workspace}" is neither a folder nor the name of a package in this repository` },
  ]);
}

/** The `.prisma` file with the client generator in a file or folder (a multi-file schema). */
function schemaIn(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const files = statSync(path).isDirectory() ? walk(path, 2).filter((f) => f.endsWith('.prisma')) : [path];
  return files.find((f) => clientGenerator(parseSchema(readFileSync(f, 'utf8')))) ?? undefined;
}

/**
 * A package's own schema, where Prisma looks for it: `prisma.schema` in its package.json, `schema` in
 * prisma.config.ts, then prisma/schema.prisma and the prisma/schema folder (prisma.io/docs/orm/prisma-schema/overview/location).
 */
function packageSchema(dir: string, pkg: PackageJson | undefined): string | undefined {
  if (pkg?.prisma?.schema) return schemaIn(resolve(dir, pkg.prisma.schema));
  for (const name of ['prisma.config.ts', 'prisma.config.mts', 'prisma.config.js', 'prisma.config.mjs']) {
    const m = /\bschema\s*:\s*['"`]([^'"`]+)['"`]/.exec(readText(join(dir, name)) ?? '');
    if (m) return schemaIn(resolve(dir, m[1]));
  }
  return schemaIn(join(dir, 'prisma', 'schema.prisma')) ?? schemaIn(join(dir, 'prisma', 'schema'));
}

/** With `workspace`: its own schema, else the one of a package it depends on; the rest of the repository is ignored. */
function workspaceSchema(root: string, packages: Packages, appDir: string): { file?: string; note: string } {
  const own = packageSchema(appDir, packages.get(join(appDir, 'package.json')));
  if (own) return { file: own, note: 'the schema of the workspace' };
  const pkg = packages.get(join(appDir, 'package.json'));
  const deps = new Set(Object.keys({ ...pkg?.dependencies, ...pkg?.devDependencies }));
  const found = [...packages]
    .filter(([, p]) => p.name && deps.has(p.name))
    .map(([f, p]) => packageSchema(dirname(f), p))
    .filter((f) => f !== undefined);
  if (found.length === 1) return { file: found[0], note: 'the schema of a package the workspace depends on' };
  if (found.length > 1) {
    const names = found.map((f) => relative(root, f)).join(', ');
    throw new InputError([
      { input: 'prisma-schema', message: `the workspace depends on several packages with a schema (${names}): name one` },
    ]);
  }
  return { note: `no Prisma schema in ${relative(root, appDir) || '.'} or the packages it depends on: Prisma checks skipped` };
}

function chooseSchema(root: string, files: string[], packages: Packages, o: LoadOptions): { file?: string; note: string } {
  if (o.prismaSchema) {
    const file = schemaIn(resolve(root, o.prismaSchema));
    if (!file)
      throw new InputError([
        { input: 'prisma-schema', message: `${o.prismaSchema} is not a Prisma schema with a client generator (file or folder)` },
      ]);
    return { file, note: 'given by prisma-schema' };
  }
  if (o.workspace) return workspaceSchema(root, packages, workspaceDir(root, packages, o.workspace));
  const candidates = files.filter((f) => f.endsWith('.prisma') && clientGenerator(parseSchema(readFileSync(f, 'utf8'))));
  if (candidates.length === 1) return { file: candidates[0], note: 'the only schema in the repository' };
  if (candidates.length === 0) return { note: 'no Prisma schema with a client generator found: Prisma checks skipped' };
  const names = candidates.map((c) => relative(root, c)).join(', ');
  throw new InputError([
    {
      input: 'workspace',
      message: `several Prisma schemas found (${names}): set "workspace" to the app being built, or "prisma-schema"`,
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

/**
 * The ignore file the builder reads: BuildKit prefers `<Dockerfile>.dockerignore` beside the Dockerfile,
 * then `.dockerignore` at the context root (docs.docker.com/build/concepts/context/#dockerignore-files).
 */
function ignoreFileFor(context: string, dockerfile: string): string | undefined {
  return [`${dockerfile}.dockerignore`, join(context, '.dockerignore')].find((f) => existsSync(f));
}

/** The secret files of the context and whether the builder receives them. */
function buildContext(root: string, context: string, files: string[], ignoreFile: string | undefined): BuildContext {
  const patterns: IgnorePattern[] = ignoreFile ? parseDockerignore(readFileSync(ignoreFile, 'utf8')) : [];
  const secrets = files.flatMap((f) => {
    const path = relative(context, f);
    const reason = secretReason(path, () => (statSync(f).size < 262_144 ? readFileSync(f, 'utf8') : undefined));
    return reason ? [{ path, reason, sent: !isIgnored(patterns, path) }] : [];
  });
  return { dir: relative(root, context), ignoreFile: ignoreFile && relative(root, ignoreFile), secrets };
}

/** The NEXT_PUBLIC_* reads of the app that the build never receives, as findings. */
function nextPublicFindings(
  root: string,
  scanDir: string,
  sources: string[],
  parsed: Dockerfile,
  o: LoadOptions,
  sent: (file: string) => boolean,
): Finding[] {
  const reads = sources.flatMap((f) => nextPublicReads(relative(root, f), readFileSync(f, 'utf8')));
  const files = DOTENV_ORDER.map((n) => join(scanDir, n))
    .filter((f) => existsSync(f))
    .map((f) => ({ file: relative(root, f), text: readFileSync(f, 'utf8'), sent: sent(f) }));
  const dotenv = dotenvSources(files);
  return missingAtBuild(reads, {
    buildArgs: Object.keys(o.buildArgs),
    dockerfileArgs: declaredNames(parsed, 'ARG'),
    dockerfileEnv: declaredNames(parsed, 'ENV'),
    dotenv: [...dotenv.sent.keys()],
    keptOut: dotenv.kept,
  }).map((n) => ({
    rule: 'next-public-build',
    check: 'NEXT_PUBLIC_* at build time',
    level: 'warning',
    message: n.reason,
    file: n.file,
    line: n.line,
  }));
}

/** The `packages:` globs of pnpm-workspace.yaml (read with a YAML parser), or undefined without the file. */
function pnpmWorkspaceGlobs(context: string): string[] | undefined {
  const text = readText(join(context, 'pnpm-workspace.yaml'));
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch {
    return [];
  }
  const globs = (parsed as { packages?: unknown } | null)?.packages;
  return Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string') : [];
}

/** The workspace layout of the context: its package manager, package.json files, pnpm-workspace.yaml, lockfile and .npmrc. */
function contextWorkspace(context: string, packages: Packages, schemaFile: string | undefined, dockerfile: Dockerfile) {
  const manifests = new Map<string, PackageJson>();
  for (const [f, pkg] of packages) if (f.startsWith(`${context}/`)) manifests.set(relative(context, dirname(f)), pkg);
  const pnpmGlobs = pnpmWorkspaceGlobs(context);
  const manager = packageManagerOf({
    packageManager: manifests.get('')?.packageManager,
    runCommands: dockerfile.stages.flatMap((st) => st.instructions.filter((i) => i.keyword === 'RUN').map(commandText)),
    lockfiles: LOCKFILES.filter((f) => existsSync(join(context, f))),
    pnpmWorkspace: pnpmGlobs !== undefined,
  });
  const lock = readJson<{ packages?: Record<string, unknown> }>(join(context, 'package-lock.json'));
  const schemaDir = schemaFile && relative(context, dirname(schemaFile));
  const schemaPackage = [...manifests.keys()]
    .filter(
      (d) =>
        schemaDir !== undefined && !schemaDir.startsWith('..') && (d === '' || schemaDir === d || schemaDir.startsWith(`${d}/`)),
    )
    .sort((a, b) => b.length - a.length)[0];
  return workspaceOf({
    manifests,
    manager,
    pnpmGlobs,
    lockPaths: Object.keys(lock?.packages ?? {}),
    pnpmHoisted: /^\s*node-linker\s*=\s*hoisted/m.test(readText(join(context, '.npmrc')) ?? ''),
    schemaPackage,
  });
}

export function loadProject(o: LoadOptions): LoadedProject {
  const root = resolve(o.root);
  const context = resolve(root, o.context);
  const dockerfilePath = resolve(root, o.dockerfile);
  const parsed = readDockerfile(dockerfilePath, o);
  const repoFiles = walk(root, 8);
  const packages: Packages = new Map();
  for (const f of repoFiles.filter((f) => f.endsWith('/package.json'))) {
    const pkg = readJson<PackageJson>(f);
    if (pkg) packages.set(f, pkg);
  }
  const chosen = chooseSchema(root, repoFiles, packages, o);
  const workspace = contextWorkspace(context, packages, chosen.file, parsed);
  const schema = chosen.file
    ? {
        file: relative(root, chosen.file),
        parsed: parseSchema(readFileSync(chosen.file, 'utf8')),
        contextDir: relative(context, dirname(chosen.file)),
        package: packageAt(workspace, relative(context, dirname(chosen.file)))?.dir ?? '',
      }
    : undefined;
  const prisma = lockfileFor(root, chosen.file ? dirname(chosen.file) : context) ?? lockfileFor(root, context);
  const ignoreFile = ignoreFileFor(context, dockerfilePath);
  const contextFiles = walk(context, 10, 50_000, CONTEXT_SKIP);
  const built = buildContext(root, context, contextFiles, ignoreFile);
  const patterns = ignoreFile ? parseDockerignore(readFileSync(ignoreFile, 'utf8')) : [];
  const sent = (f: string) => f.startsWith(`${context}/`) && !isIgnored(patterns, relative(context, f));
  const appDir = o.workspace ? workspaceDir(root, packages, o.workspace) : context;
  const sources = (o.workspace ? walk(appDir, 8) : repoFiles.filter((f) => f.startsWith(`${context}/`))).filter(
    (f) => SOURCE.test(f) && !f.endsWith('.d.ts'),
  );
  return {
    project: {
      dockerfile: { file: relative(root, dockerfilePath), parsed, target: o.target },
      schema,
      prisma,
      workspace,
      context: built,
    },
    schemaNote: chosen.note,
    nextPublic: nextPublicFindings(root, appDir, sources, parsed, o, sent),
  };
}
