/**
 * The monorepo as a package manager sees it, and which packages a shell command runs scripts in. Pure.
 *
 * - npm and yarn workspaces (`workspaces` in the root package.json) hoist dependencies to the root
 *   `node_modules`, so `prisma generate` writes the default client to the root
 *   `node_modules/.prisma/client` (next to the hoisted `@prisma/client`), unless the lockfile nests
 *   `@prisma/client` under the package (a version conflict). `npm ci` run inside a workspace folder
 *   installs at the root and runs the install scripts of the root and of every workspace
 *   (docs.npmjs.com/cli/using-npm/workspaces).
 * - The package manager is the one `packageManager` in the root package.json names (corepack's field),
 *   else the one whose lockfile the Dockerfile's install uses (`npm ci` with package-lock.json, ...), else
 *   the one whose files the context holds (pnpm-workspace.yaml, then a lone lockfile): a stray
 *   pnpm-workspace.yaml beside `packageManager: npm@10` and `npm ci` is not pnpm.
 * - pnpm (`pnpm-workspace.yaml`) keeps packages in `node_modules/.pnpm/<name>@<version>/node_modules`
 *   and links them; the client is generated next to the real `@prisma/client` there, so only the
 *   root `node_modules` carries it (pnpm.io/symlinked-node-modules-structure), unless `.npmrc` sets
 *   `node-linker=hoisted`.
 */
import { posix } from 'node:path';
import { LOCKFILE_OF } from './lockfile';

export type Manager = 'npm' | 'pnpm' | 'yarn';

export interface Package {
  /** Folder relative to the build context root, '' for the root package. */
  readonly dir: string;
  readonly name?: string;
  readonly scripts: Readonly<Record<string, string>>;
}

export interface Workspace {
  readonly manager: Manager;
  /** The root package first, then every workspace member. */
  readonly packages: readonly Package[];
  /** Where the default `prisma-client-js` output lands, relative to the context root. */
  readonly clientDir: string;
  /** For the fix: the folder to copy so the client comes along (`node_modules/.prisma` or `node_modules`). */
  readonly clientCopy: string;
}

/** What workspaceOf reads of a package.json. */
export interface Manifest {
  readonly name?: string;
  readonly scripts?: Record<string, string>;
  readonly workspaces?: unknown;
}

export interface WorkspaceInput {
  /** package.json files by folder relative to the context root ('' = root). */
  readonly manifests: ReadonlyMap<string, Manifest>;
  /** From `packageManagerOf`; npm when not given. */
  readonly manager?: Manager;
  /** `packages:` globs of pnpm-workspace.yaml when the file exists (used when the manager is pnpm). */
  readonly pnpmGlobs?: readonly string[];
  /** Keys of package-lock.json's `packages` (where npm installed what). */
  readonly lockPaths?: readonly string[];
  /** .npmrc at the root sets node-linker=hoisted (pnpm then lays out node_modules like npm). */
  readonly pnpmHoisted?: boolean;
  /** Folder of the package whose schema is generated. */
  readonly schemaPackage?: string;
}

/** `apps/*`, `packages/**`, `!packages/legacy`: npm and pnpm workspace globs on folder paths. */
export function globMatches(glob: string, dir: string): boolean {
  const re = glob
    .replace(/^\.\//, '')
    .replace(/\/$/, '')
    .split('/')
    .map((seg) => (seg === '**' ? '.*' : seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')))
    .join('/');
  return new RegExp(`^${re}$`).test(dir);
}

/** What tells the package manager, in the order `packageManagerOf` trusts it. */
export interface ManagerEvidence {
  /** `packageManager` of the root package.json, e.g. `npm@10.2.4` or `pnpm@9.1.0+sha512.…`. */
  readonly packageManager?: string;
  /** The RUN commands of the Dockerfile, in file order. */
  readonly runCommands: readonly string[];
  /** Lockfiles at the context root (file names). */
  readonly lockfiles: readonly string[];
  readonly pnpmWorkspace: boolean;
}

/** The manager a simple command installs with: `npm ci`, `pnpm install --frozen-lockfile`, `yarn`, `corepack pnpm i`. */
export function installManager(command: string): Manager | undefined {
  const words = command.split(/\s+/).filter((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w));
  const [tool, ...rest] = words[0] === 'corepack' ? words.slice(1) : words;
  const verb = rest.find((w) => !w.startsWith('-'));
  if (tool === 'npm' && /^(ci|install|i|clean-install|install-clean)$/.test(verb ?? '')) return 'npm';
  if (tool === 'pnpm' && /^(install|i)$/.test(verb ?? '')) return 'pnpm';
  if (tool === 'yarn' && (verb === undefined || verb === 'install')) return 'yarn';
  return undefined;
}

const isManager = (name: string): name is Manager => name === 'npm' || name === 'pnpm' || name === 'yarn';

/** The package manager: `packageManager`, then the Dockerfile's install with its lockfile, then the workspace files. */
export function packageManagerOf(e: ManagerEvidence): Manager {
  const declared = e.packageManager?.split('@')[0] ?? '';
  if (isManager(declared)) return declared;
  const hasLockfile = (m: Manager) => LOCKFILE_OF[m].some((f) => e.lockfiles.includes(f));
  const used = e.runCommands
    .flatMap(simpleCommands)
    .map(installManager)
    .find((m) => m !== undefined && hasLockfile(m));
  if (used) return used;
  if (e.pnpmWorkspace) return 'pnpm';
  const locked = (['npm', 'pnpm', 'yarn'] as const).filter(hasLockfile);
  return locked.length === 1 ? locked[0] : 'npm';
}

function workspaceGlobs(input: WorkspaceInput): string[] {
  if (input.manager === 'pnpm' && input.pnpmGlobs) return [...input.pnpmGlobs];
  const ws = input.manifests.get('')?.workspaces;
  if (Array.isArray(ws)) return ws.filter((g): g is string => typeof g === 'string');
  const packages = (ws as { packages?: unknown } | undefined)?.packages;
  return Array.isArray(packages) ? packages.filter((g): g is string => typeof g === 'string') : [];
}

export function workspaceOf(input: WorkspaceInput): Workspace {
  const manager = input.manager ?? 'npm';
  const globs = workspaceGlobs(input);
  const include = globs.filter((g) => !g.startsWith('!'));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const packages: Package[] = [];
  for (const [dir, m] of [...input.manifests].sort(([a], [b]) => a.localeCompare(b))) {
    const member = dir === '' || (include.some((g) => globMatches(g, dir)) && !exclude.some((g) => globMatches(g, dir)));
    if (member) packages.push({ dir, name: m.name, scripts: m.scripts ?? {} });
  }
  const pkg = input.schemaPackage ?? '';
  if (manager === 'pnpm' && !input.pnpmHoisted)
    return { manager, packages, clientDir: 'node_modules/.pnpm', clientCopy: 'node_modules' };
  const nested = pkg !== '' && (input.lockPaths ?? []).includes(`${pkg}/node_modules/@prisma/client`);
  const base = nested ? `${pkg}/node_modules` : 'node_modules';
  return { manager, packages, clientDir: `${base}/.prisma/client`, clientCopy: `${base}/.prisma` };
}

/** The package a folder (relative to the context root) belongs to: the deepest one containing it. */
export function packageAt(ws: Workspace, dir: string): Package | undefined {
  return ws.packages
    .filter((p) => p.dir === '' || dir === p.dir || dir.startsWith(`${p.dir}/`))
    .sort((a, b) => b.dir.length - a.dir.length)[0];
}

/** `@acme/db`, `./packages/db`, `{packages/db}`, `@acme/*`, `db...`: what `--filter`/`-w` select. */
function selected(ws: Workspace, selector: string): Package[] {
  const s = selector
    .replace(/^\.\.\./, '')
    .replace(/\.\.\.$/, '')
    .replace(/^\{(.*)\}$/, '$1');
  const path = s.replace(/^\.\//, '').replace(/\/$/, '');
  return ws.packages.filter(
    (p) =>
      p.name === s || (p.name !== undefined && s.includes('*') && globMatches(s, p.name)) || (p.dir !== '' && p.dir === path),
  );
}

const members = (ws: Workspace): Package[] => ws.packages.filter((p) => p.dir !== '');

/** One way `what` is reached: the package it runs in and the scripts that lead there. */
export interface Reach {
  readonly pkg: string;
  readonly via: readonly string[];
}

/** Simple commands of a shell line: split on `&&`, `||`, `;`, `|` and newlines (quotes are not parsed). */
export const simpleCommands = (command: string): string[] =>
  command
    .split(/&&|\|\||;|\||\n/)
    .map((c) => c.trim())
    .filter((c) => c !== '');

const LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepare'];
const NPM_BUILTIN_RUN = /^(?:run|run-script|rum|urn)$/;

interface ScriptsRun {
  readonly packages: Package[];
  readonly scripts: string[];
}

/** Values of `--flag value` and `--flag=value` among the words. */
function flagValues(words: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  words.forEach((w, i) => {
    for (const n of names) {
      if (w === n && words[i + 1]) out.push(words[i + 1]);
      else if (w.startsWith(`${n}=`)) out.push(w.slice(n.length + 1));
    }
  });
  return out;
}

const SELECT_FLAGS = ['-w', '--workspace', '--filter', '-F'];

/** The package scripts one simple command runs, and where; undefined when it runs no script. */
function scriptsRun(ws: Workspace, words: string[], here: Package | undefined): ScriptsRun | undefined {
  const [tool, ...rest] = words;
  const flagValue = (names: string[]) => flagValues(rest, names);
  const positional = rest.filter(
    (w, i) => !w.startsWith('-') && !/^(-w|--workspace|--filter|-F|-C|--dir)$/.test(rest[i - 1] ?? ''),
  );
  const pick = (names: string[], all: boolean): Package[] => {
    if (all) return members(ws);
    const sel = names.flatMap((n) => selected(ws, n));
    return sel.length > 0 ? sel : here ? [here] : [];
  };
  if (tool === 'turbo' || (/^(npx|pnpm|yarn)$/.test(tool) && rest[0] === 'turbo')) {
    const args = tool === 'turbo' ? positional : positional.slice(1);
    const s = args[0] === 'run' ? args[1] : args[0];
    const filters = flagValue(['--filter', '-F']);
    return s ? { packages: filters.length > 0 ? filters.flatMap((f) => selected(ws, f)) : members(ws), scripts: [s] } : undefined;
  }
  if (tool === 'npm') {
    const [verb, script] = positional;
    const all = rest.includes('-ws') || rest.includes('--workspaces');
    const where = pick(flagValue(['-w', '--workspace']), all);
    if (/^(ci|install|i|add|install-clean|clean-install)$/.test(verb ?? ''))
      return rest.includes('--ignore-scripts') ? undefined : { packages: ws.packages.slice(), scripts: LIFECYCLE };
    if (NPM_BUILTIN_RUN.test(verb ?? '') && script)
      return { packages: where, scripts: [`pre${script}`, script, `post${script}`] };
    if (/^(test|t|start|stop|restart)$/.test(verb ?? '')) {
      const s = verb === 't' ? 'test' : verb;
      return { packages: where, scripts: [`pre${s}`, s, `post${s}`] };
    }
    return undefined;
  }
  if (tool === 'pnpm') {
    const all = rest.includes('-r') || rest.includes('--recursive');
    const where = pick(flagValue(['--filter', '-F']), all);
    const [verb, script] = positional;
    if (/^(install|i|add)$/.test(verb ?? ''))
      return rest.includes('--ignore-scripts') ? undefined : { packages: ws.packages.slice(), scripts: LIFECYCLE };
    if (verb === 'run' && script) return { packages: where, scripts: [script] };
    if (verb && !/^(exec|dlx|install|i|add|fetch|deploy|prune)$/.test(verb)) return { packages: where, scripts: [verb] };
    return undefined;
  }
  if (tool === 'yarn') {
    if (positional[0] === 'workspace' && positional[1]) {
      const s = positional[2] === 'run' ? positional[3] : positional[2];
      return s ? { packages: selected(ws, positional[1]), scripts: [s] } : undefined;
    }
    if (positional[0] === 'workspaces') {
      const i = positional.indexOf('run');
      return i >= 0 && positional[i + 1] ? { packages: members(ws), scripts: [positional[i + 1]] } : undefined;
    }
    if (positional.length === 0 || positional[0] === 'install')
      return rest.includes('--ignore-scripts') ? undefined : { packages: ws.packages.slice(), scripts: LIFECYCLE };
    const s = positional[0] === 'run' ? positional[1] : positional[0];
    return s ? { packages: here ? [here] : [], scripts: [s] } : undefined;
  }
  return undefined;
}

/**
 * Where `what` (e.g. `prisma generate`) runs when `command` runs in the image folder `cwd`: directly, or
 * through package scripts (npm/pnpm/yarn `run`, `-w`/`--workspace`, `--filter`, `-r`/`-ws`, turbo,
 * install scripts), following `cd` within the command. `root` is where the context root sits in the image.
 */
export function reaches(
  ws: Workspace,
  command: string,
  cwd: string,
  root: string,
  what: RegExp,
  via: readonly string[] = [],
): Reach[] {
  if (via.length > 6) return [];
  const found: Reach[] = [];
  let dir = cwd;
  for (const simple of simpleCommands(command)) {
    const words = simple.split(/\s+/).filter((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w));
    if (words[0] === 'cd' && words[1]) {
      dir = posix.resolve(dir, words[1]);
      continue;
    }
    const here = packageAt(ws, posix.relative(root, dir));
    if (what.test(simple)) {
      // `npm exec -w @acme/db prisma generate`, `pnpm --filter @acme/db exec prisma generate`, or here.
      const chosen = flagValues(words, SELECT_FLAGS).flatMap((sel) => selected(ws, sel));
      for (const p of chosen.length > 0 ? chosen : here ? [here] : []) found.push({ pkg: p.dir, via });
      continue;
    }
    const run = scriptsRun(ws, words, here);
    if (!run) continue;
    for (const p of run.packages)
      for (const s of run.scripts) {
        const text = p.scripts[s];
        if (text === undefined) continue;
        const label = `${p.name ?? (p.dir || 'root')}: ${s}`;
        found.push(...reaches(ws, text, posix.join(root, p.dir), root, what, [...via, label]));
      }
  }
  return found;
}
