/**
 * The Prisma version a lockfile pins: package-lock.json (JSON), pnpm-lock.yaml (YAML, read with `yaml`) or
 * yarn.lock (yarn 1's own format, read with yarn's parser `@yarnpkg/lockfile`; yarn 2+ writes YAML). Pure.
 */
import { parse as parseYarnV1 } from '@yarnpkg/lockfile';
import { parseAllDocuments } from 'yaml';
import type { Manager } from './workspace';

export interface LockedVersion {
  /** `prisma` (the CLI that generates) or `@prisma/client`. */
  readonly name: string;
  readonly version: string;
}

const PACKAGES = ['prisma', '@prisma/client'];

type Entries = Record<string, { version?: unknown } | undefined>;

function fromPackageLock(text: string): LockedVersion | undefined {
  let lock: { packages?: Record<string, { version?: string }>; dependencies?: Record<string, { version?: string }> };
  try {
    lock = JSON.parse(text) as typeof lock;
  } catch {
    return undefined;
  }
  for (const name of PACKAGES) {
    const v = lock.packages?.[`node_modules/${name}`]?.version ?? lock.dependencies?.[name]?.version;
    if (v) return { name, version: v };
    // Workspaces may nest it: node_modules under a package folder.
    const nested = Object.entries(lock.packages ?? {}).find(([k, p]) => k.endsWith(`/node_modules/${name}`) && p.version);
    if (nested?.[1].version) return { name, version: nested[1].version };
  }
  return undefined;
}

/** The mappings of every YAML document of a file (pnpm 10 may write more than one); none when it is not YAML. */
function yamlDocuments(text: string): Record<string, unknown>[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return [];
  return docs.map((d) => d.toJS() as unknown).filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null);
}

/**
 * A `packages` key of pnpm-lock.yaml → name and version: `prisma@7.0.1` (v9), `/@prisma/client@5.1.0(prisma@5.1.0)`
 * (v6, peers in parentheses), `/prisma/5.22.0` or `/@prisma/client/4.16.2_prisma@4.16.2` (v5, peers after `_`).
 */
export function pnpmPackageKey(key: string): { name: string; version: string } | undefined {
  const m = /^\/?(@[^/@]+\/[^/@]+|[^/@]+)[@/](\d+\.\d+\.\d+[^(_]*)/.exec(key);
  return m ? { name: m[1], version: m[2] } : undefined;
}

function fromPnpmLock(text: string): LockedVersion | undefined {
  const keys = yamlDocuments(text).flatMap((doc) => Object.keys((doc.packages as Entries | undefined) ?? {}));
  for (const name of PACKAGES) {
    const found = keys.map(pnpmPackageKey).find((k) => k?.name === name);
    if (found) return { name, version: found.version };
  }
  return undefined;
}

/** yarn.lock entries: yarn 1's format through yarn's own parser, else YAML (yarn 2+, `__metadata` first). */
function yarnEntries(text: string): Entries {
  try {
    return parseYarnV1(text).object as Entries;
  } catch {
    return Object.assign({}, ...yamlDocuments(text)) as Entries;
  }
}

/** `"prisma@npm:^6, prisma@npm:^6.1"` or `@prisma/client@^5.0.0`: the package name of an entry's first descriptor. */
const yarnEntryName = (key: string): string => {
  const first = key.split(',')[0].trim();
  return first.slice(0, first.indexOf('@', 1));
};

function fromYarnLock(text: string): LockedVersion | undefined {
  const entries = Object.entries(yarnEntries(text));
  for (const name of PACKAGES) {
    const version = entries.find(([key, e]) => yarnEntryName(key) === name && e?.version !== undefined)?.[1]?.version;
    if (version !== undefined) return { name, version: String(version) };
  }
  return undefined;
}

/** Reads the Prisma version from a lockfile's text, chosen by the file's name. */
export function lockedPrismaVersion(fileName: string, text: string): LockedVersion | undefined {
  if (fileName.endsWith('package-lock.json') || fileName.endsWith('npm-shrinkwrap.json')) return fromPackageLock(text);
  if (fileName.endsWith('pnpm-lock.yaml')) return fromPnpmLock(text);
  if (fileName.endsWith('yarn.lock')) return fromYarnLock(text);
  return undefined;
}

/** Each package manager's lockfiles. */
export const LOCKFILE_OF: Readonly<Record<Manager, readonly string[]>> = {
  npm: ['package-lock.json', 'npm-shrinkwrap.json'],
  pnpm: ['pnpm-lock.yaml'],
  yarn: ['yarn.lock'],
};

export const LOCKFILES = Object.values(LOCKFILE_OF).flat();

export const majorOf = (version: string): number | undefined => {
  const m = /^(\d+)\./.exec(version);
  return m ? Number(m[1]) : undefined;
};
