/** The Prisma version a lockfile pins: package-lock.json, pnpm-lock.yaml or yarn.lock. Pure. */

export interface LockedVersion {
  /** `prisma` (the CLI that generates) or `@prisma/client`. */
  readonly name: string;
  readonly version: string;
}

const PACKAGES = ['prisma', '@prisma/client'];

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

function fromPnpmLock(text: string): LockedVersion | undefined {
  for (const name of PACKAGES) {
    const escaped = name.replace('/', '\\/');
    // v6+: `/prisma@5.22.0:` or `prisma@6.1.0:` under packages; v5: `/prisma/5.22.0:`.
    const m = new RegExp(`^\\s+'?/?${escaped}[@/](\\d+\\.\\d+\\.\\d+[^:'(]*)`, 'm').exec(text);
    if (m) return { name, version: m[1] };
  }
  return undefined;
}

function fromYarnLock(text: string): LockedVersion | undefined {
  for (const name of PACKAGES) {
    const escaped = name.replace('/', '\\/');
    const m = new RegExp(`^"?${escaped}@[^\\n]*:\\n\\s+version:?\\s+"?(\\d+\\.\\d+\\.\\d+[^"\\n]*)`, 'm').exec(text);
    if (m) return { name, version: m[1] };
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

export const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock'];

export const majorOf = (version: string): number | undefined => {
  const m = /^(\d+)\./.exec(version);
  return m ? Number(m[1]) : undefined;
};
