import {
  globMatches,
  installManager,
  packageAt,
  packageManagerOf,
  reaches,
  workspaceOf,
  type ManagerEvidence,
  type Manifest,
  type Workspace,
} from './workspace';

const GENERATE = /\bprisma(?:@\S+)?\s+generate\b/;

// An npm workspace shaped like vercel/turborepo's examples/with-prisma: apps/web (Next.js) and
// packages/database, whose scripts run Prisma; the root's build runs turbo.
const npm: Workspace = workspaceOf({
  manifests: new Map<string, Manifest>([
    [
      '',
      {
        name: 'root',
        workspaces: ['apps/*', 'packages/*'],
        scripts: { build: 'turbo run build', 'db:generate': 'npm run generate -w @acme/db', postinstall: 'echo done' },
      },
    ],
    ['apps/web', { name: '@acme/web', scripts: { build: 'next build', prebuild: 'node check-env.js', start: 'next start' } }],
    [
      'packages/db',
      {
        name: '@acme/db',
        scripts: { generate: 'prisma generate', build: 'prisma generate && tsc', postinstall: 'prisma generate' },
      },
    ],
    ['tools/legacy', { name: 'legacy', scripts: { build: 'prisma generate' } }],
  ]),
  lockPaths: ['', 'node_modules/@prisma/client', 'node_modules/prisma'],
  schemaPackage: 'packages/db',
});

const where = (command: string, cwd = '/app', ws = npm) => reaches(ws, command, cwd, '/app', GENERATE).map((r) => r.pkg);

describe('workspace model', () => {
  it('finds the members of the workspace globs only', () => {
    expect(npm.packages.map((p) => p.dir)).toEqual(['', 'apps/web', 'packages/db']);
    expect(packageAt(npm, 'apps/web/src')?.name).toBe('@acme/web');
    expect(packageAt(npm, 'scripts')?.dir).toBe('');
  });

  it.each<[string, string, string[]]>([
    ['npx prisma generate', '/app', ['']],
    ['npx prisma generate --schema packages/db/prisma/schema.prisma', '/app/packages/db', ['packages/db']],
    // The bug issue 12 describes: apps/web's build does not run packages/db's build.
    ['npm run build', '/app/apps/web', []],
    ['cd apps/web && npm run build', '/app', []],
    ['cd packages/db && npm run build', '/app', ['packages/db']],
    ['npm run build -w @acme/db', '/app', ['packages/db']],
    ['npm run build --workspace=packages/db', '/app', ['packages/db']],
    ['npm run generate --workspaces --if-present', '/app', ['packages/db']],
    ['npm run db:generate', '/app', ['packages/db']],
    ['npm run build', '/app', ['packages/db']],
    ['npm exec -w @acme/db prisma generate', '/app', ['packages/db']],
    // npm ci in a workspace folder installs at the root and runs every workspace's install scripts.
    ['npm ci', '/app/apps/web', ['packages/db']],
    ['npm ci --ignore-scripts', '/app', []],
    ['NODE_ENV=production npm run build -w @acme/web', '/app', []],
  ])('%s in %s runs prisma generate in %j', (command, cwd, expected) => {
    expect(where(command, cwd)).toEqual(expected);
  });

  it('follows pnpm --filter, -r and turbo --filter', () => {
    const pnpm = workspaceOf({
      manifests: new Map<string, Manifest>([
        ['', { name: 'root' }],
        ['apps/web', { name: '@acme/web', scripts: { build: 'next build' } }],
        ['packages/db', { name: '@acme/db', scripts: { 'db:generate': 'prisma generate' } }],
      ]),
      manager: 'pnpm',
      pnpmGlobs: ['apps/*', 'packages/*'],
      schemaPackage: 'packages/db',
    });
    const at = (c: string) => reaches(pnpm, c, '/app', '/app', GENERATE).map((r) => r.pkg);
    expect(at('pnpm --filter @acme/db db:generate')).toEqual(['packages/db']);
    expect(at('pnpm -F ./packages/db run db:generate')).toEqual(['packages/db']);
    expect(at('pnpm --filter @acme/web build')).toEqual([]);
    expect(at('pnpm -r run db:generate')).toEqual(['packages/db']);
    expect(at('pnpm turbo run db:generate --filter=@acme/db')).toEqual(['packages/db']);
    expect(at('npx turbo run db:generate --filter=@acme/db')).toEqual(['packages/db']);
    expect(pnpm.clientDir).toBe('node_modules/.pnpm');
    expect(pnpm.clientCopy).toBe('node_modules');
  });

  it('puts the client where the package manager puts @prisma/client', () => {
    expect([npm.clientDir, npm.clientCopy]).toEqual(['node_modules/.prisma/client', 'node_modules/.prisma']);
    const nested = workspaceOf({
      manifests: new Map<string, Manifest>([
        ['', { workspaces: ['packages/*'] }],
        ['packages/db', { name: 'db' }],
      ]),
      lockPaths: ['packages/db/node_modules/@prisma/client'],
      schemaPackage: 'packages/db',
    });
    expect(nested.clientDir).toBe('packages/db/node_modules/.prisma/client');
    const hoistedPnpm = workspaceOf({
      manifests: new Map<string, Manifest>([['', {}]]),
      manager: 'pnpm',
      pnpmGlobs: [],
      pnpmHoisted: true,
    });
    expect(hoistedPnpm.clientDir).toBe('node_modules/.prisma/client');
  });

  it.each([
    ['apps/*', 'apps/web', true],
    ['apps/*', 'apps/web/sub', false],
    ['packages/**', 'packages/a/b', true],
    ['./apps/web/', 'apps/web', true],
  ])('glob %s on %s: %s', (glob, dir, yes) => {
    expect(globMatches(glob, dir)).toBe(yes);
  });
});

describe('package manager', () => {
  const none: ManagerEvidence = { runCommands: [], lockfiles: [], pnpmWorkspace: false };
  it.each<[string, Partial<ManagerEvidence>, string]>([
    // Issue 19's team: packageManager npm@10, `npm ci`, a stray pnpm-workspace.yaml.
    [
      'packageManager first',
      { packageManager: 'npm@10.2.4', runCommands: ['pnpm install'], lockfiles: ['pnpm-lock.yaml'], pnpmWorkspace: true },
      'npm',
    ],
    ['packageManager with a hash', { packageManager: 'pnpm@9.15.0+sha512.abc' }, 'pnpm'],
    [
      "then the Dockerfile's install with its lockfile",
      { runCommands: ['npm ci --omit=dev'], lockfiles: ['package-lock.json', 'pnpm-lock.yaml'], pnpmWorkspace: true },
      'npm',
    ],
    ['an install without its lockfile does not count', { runCommands: ['npm install'], lockfiles: ['yarn.lock'] }, 'yarn'],
    [
      'the first install of the build',
      {
        runCommands: ['apt-get update && corepack enable', 'corepack pnpm install --frozen-lockfile', 'npm ci'],
        lockfiles: ['pnpm-lock.yaml', 'package-lock.json'],
      },
      'pnpm',
    ],
    ['yarn alone installs', { runCommands: ['yarn --frozen-lockfile'], lockfiles: ['yarn.lock', 'package-lock.json'] }, 'yarn'],
    [
      'then pnpm-workspace.yaml',
      { runCommands: ['npm run build'], lockfiles: ['package-lock.json'], pnpmWorkspace: true },
      'pnpm',
    ],
    ['then the only lockfile', { lockfiles: ['yarn.lock'] }, 'yarn'],
    ['an unknown packageManager is no evidence', { packageManager: 'bun@1.1.0', lockfiles: ['pnpm-lock.yaml'] }, 'pnpm'],
    ['else npm', {}, 'npm'],
  ])('%s', (_name, evidence, manager) => {
    expect(packageManagerOf({ ...none, ...evidence })).toBe(manager);
  });

  it.each([
    ['npm ci', 'npm'],
    ['NODE_ENV=production npm install --omit=dev', 'npm'],
    ['pnpm i --frozen-lockfile', 'pnpm'],
    ['yarn install --immutable', 'yarn'],
    ['npm run build', undefined],
    ['pnpm --filter web build', undefined],
    ['yarn build', undefined],
  ])('installManager(%s)', (command, manager) => {
    expect(installManager(command)).toBe(manager);
  });

  it('a stray pnpm-workspace.yaml does not make an npm workspace pnpm', () => {
    const ws = workspaceOf({
      manifests: new Map<string, Manifest>([
        ['', { workspaces: ['apps/*', 'packages/*'] }],
        ['apps/web', { name: 'web' }],
        ['packages/db', { name: 'db' }],
      ]),
      manager: 'npm',
      pnpmGlobs: ['apps/*'],
    });
    expect(ws.packages.map((p) => p.dir)).toEqual(['', 'apps/web', 'packages/db']);
    expect(ws.clientDir).toBe('node_modules/.prisma/client');
  });
});
