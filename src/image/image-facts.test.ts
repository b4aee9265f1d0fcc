import {
  checkImage,
  engineFile,
  inspectionFromListing,
  neededEngines,
  parseInspection,
  type ImageFacts,
  type LoadResult,
} from './image-facts';
import { parseMigrationCommand, type MigrationCommand } from '../migrations/command';
import type { EngineMode } from './prisma-rules';

const debianOutput = `@@runway os
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
ID=debian
VERSION_ID="12"
@@runway libs
/lib/x86_64-linux-gnu/libc.so.6
/usr/lib/x86_64-linux-gnu/libssl.so.3
/usr/lib/x86_64-linux-gnu/libcrypto.so.3
@@runway files
/app/node_modules/.prisma/client/index.js
/app/node_modules/.prisma/client/libquery_engine-debian-openssl-3.0.x.so.node
/app/node_modules/prisma/schema-engine-debian-openssl-3.0.x
/app/node_modules/@prisma/client/package.json
/app/node_modules/prisma/package.json
@@runway node
/usr/local/bin/node
@@runway shell
/bin/sh
`;

describe('parseInspection', () => {
  it('reads OS, libc, libssl, engines and clients', () => {
    expect(parseInspection(debianOutput)).toEqual({
      osId: 'debian',
      osVersion: '12',
      osName: 'Debian GNU/Linux 12 (bookworm)',
      libc: 'glibc',
      libssl: ['/usr/lib/x86_64-linux-gnu/libssl.so.3'],
      engines: [
        {
          path: '/app/node_modules/.prisma/client/libquery_engine-debian-openssl-3.0.x.so.node',
          kind: 'library',
          target: 'debian-openssl-3.0.x',
        },
        { path: '/app/node_modules/prisma/schema-engine-debian-openssl-3.0.x', kind: 'schema', target: 'debian-openssl-3.0.x' },
      ],
      clients: ['/app/node_modules/.prisma/client'],
      hasPrismaClientPackage: true,
      prismaCli: ['/app/node_modules/prisma'],
      node: '/usr/local/bin/node',
      shell: '/bin/sh',
    });
  });

  it('sees musl by its loader and no libssl', () => {
    const facts = parseInspection(
      '@@runway os\nID=alpine\nVERSION_ID=3.20.3\n@@runway libs\n/lib/ld-musl-x86_64.so.1\n/lib/libc.musl-x86_64.so.1\n@@runway files\n',
    );
    expect([facts.osId, facts.libc, facts.libssl, facts.node]).toEqual(['alpine', 'musl', [], undefined]);
  });

  it.each([
    ['libquery_engine-linux-musl-openssl-3.0.x.so.node', { kind: 'library', target: 'linux-musl-openssl-3.0.x' }],
    ['query-engine-rhel-openssl-1.0.x', { kind: 'binary', target: 'rhel-openssl-1.0.x' }],
    ['schema-engine-linux-musl', { kind: 'schema', target: 'linux-musl' }],
    ['index.js', undefined],
  ])('engineFile(%s)', (name, expected) => {
    const e = engineFile(`/x/${name}`);
    expect(e && { kind: e.kind, target: e.target }).toEqual(expected);
  });
});

describe('inspectionFromListing', () => {
  it('reads a distroless-like listing the way the shell script reads the image', () => {
    const listing = [
      'usr/',
      'usr/lib/x86_64-linux-gnu/libc.so.6',
      'usr/lib/x86_64-linux-gnu/libssl.so.3',
      'usr/lib/x86_64-linux-gnu/perl/x.pm',
      'nodejs/bin/node',
      'app/node_modules/.prisma/client/index.js',
      'app/node_modules/.prisma/client/libquery_engine-debian-openssl-3.0.x.so.node',
    ];
    const facts = parseInspection(inspectionFromListing(listing, 'ID=debian\nVERSION_ID="12"\n'));
    expect(facts).toMatchObject({
      osId: 'debian',
      libc: 'glibc',
      libssl: ['/usr/lib/x86_64-linux-gnu/libssl.so.3'],
      clients: ['/app/node_modules/.prisma/client'],
      node: '/nodejs/bin/node',
      prismaCli: [],
    });
    expect(facts.shell).toBeUndefined();
    expect(facts.engines.map((e) => e.target)).toEqual(['debian-openssl-3.0.x']);
  });
});

describe('checkImage', () => {
  const debian = parseInspection(debianOutput);
  const lib: { engines: EngineMode; compiledClient: boolean; migrateAtStart: boolean; migrationCommand?: MigrationCommand } = {
    engines: 'library',
    compiledClient: false,
    migrateAtStart: false,
  };
  const loaded: LoadResult = { ok: true, client: '/app/node_modules/@prisma/client/index.js', engines: {} };
  const levels = (facts: ImageFacts, expect2 = lib, load: LoadResult | undefined = loaded) =>
    Object.fromEntries(checkImage(facts, expect2, load).map((f) => [f.rule, f.level]));

  it('passes a Debian image with the right engine', () => {
    expect(levels(debian)).toEqual({
      'image-platform': 'pass',
      'image-openssl': 'pass',
      'image-engines': 'pass',
      'image-client': 'pass',
      'image-load': 'pass',
    });
  });

  it.each<[string, Partial<ImageFacts>, Record<string, string>]>([
    // Prisma then assumes OpenSSL 1.1 and looks for that engine.
    ['no libssl', { libssl: [] }, { 'image-openssl': 'error', 'image-engines': 'error' }],
    ['musl image with a Debian engine', { osId: 'alpine', libc: 'musl' }, { 'image-engines': 'error' }],
    ['OpenSSL 1.1 only', { libssl: ['/usr/lib/libssl.so.1.1'] }, { 'image-engines': 'error', 'image-openssl': 'pass' }],
    ['no engine files', { engines: [] }, { 'image-engines': 'error' }],
    ['no client', { clients: [] }, { 'image-client': 'error' }],
  ])('%s', (_name, change, expected) => {
    expect(levels({ ...debian, ...change })).toMatchObject(expected);
  });

  it.each<[string, string, Partial<ImageFacts>, string, RegExp?]>([
    ['the CLI is there', 'npx prisma migrate deploy', {}, 'pass', undefined],
    ['no Prisma CLI', 'npx prisma migrate deploy', { prismaCli: [] }, 'error', /make `prisma` a dependency/],
    ['a shell command without a shell', 'node scripts/migrate.mjs', { shell: undefined }, 'error', /JSON array/],
    ['the exec form without a shell', '["node","scripts/migrate.mjs"]', { shell: undefined }, 'pass', undefined],
    [
      'the exec form of the CLI, without it',
      '["node","node_modules/prisma/build/index.js","migrate","deploy"]',
      { prismaCli: [] },
      'error',
      /node_modules\/prisma/,
    ],
  ])('migration program: %s', (_name, command, change, level, fix) => {
    const [f] = checkImage({ ...debian, ...change }, { ...lib, migrationCommand: parseMigrationCommand(command) }, loaded).filter(
      (x) => x.rule === 'image-migration-program',
    );
    expect(f.level).toBe(level);
    if (fix) expect(f.fix).toMatch(fix);
  });

  it('names the engine the platform needs', () => {
    const [f] = checkImage({ ...debian, libssl: ['/usr/lib/libssl.so.1.1'] }, lib, loaded).filter(
      (x) => x.rule === 'image-engines',
    );
    expect(f.message).toContain('needs debian-openssl-1.1.x');
    expect(f.fix).toBe('binaryTargets = ["native", "debian-openssl-1.1.x"] and generate again');
  });

  it('has no engine rules for Prisma 7 and accepts a compiled client', () => {
    const facts = { ...debian, engines: [], clients: [], hasPrismaClientPackage: false };
    const result = levels(
      facts,
      { engines: 'none', compiledClient: true, migrateAtStart: false },
      { ok: false, error: 'Cannot find module', engines: {} },
    );
    expect(result).toEqual({ 'image-platform': 'pass', 'image-client': 'notice' });
  });

  it.each([
    ['loaded', false, 'pass'],
    ['Module did not self-register', false, 'pass'],
    // Issue 10 point 8: a truncated or non-ELF engine fails; only the test-only switch lets a placeholder by.
    ['/app/x.so.node: invalid ELF header', false, 'error'],
    ['/app/x.so.node: file too short', false, 'error'],
    ['/app/x.so.node: invalid ELF header', true, 'notice'],
    ['libssl.so.1.1: cannot open shared object file: No such file or directory', true, 'error'],
  ])('dlopen result %s (placeholders allowed: %s) → %s', (result, placeholderEngines, level) => {
    const f = checkImage(debian, { ...lib, placeholderEngines }, { ...loaded, engines: { '/app/x.so.node': result } }).find(
      (x) => x.rule === 'image-engine-load',
    );
    expect(f?.level).toBe(level);
  });

  it('picks the engine for the image platform to load', () => {
    expect(neededEngines(debian, 'library').map((e) => e.target)).toEqual(['debian-openssl-3.0.x']);
    expect(neededEngines(debian, 'none')).toEqual([]);
  });

  it('reports a migrate at start without a schema engine', () => {
    const facts = { ...debian, engines: debian.engines.filter((e) => e.kind !== 'schema') };
    expect(levels(facts, { ...lib, migrateAtStart: true })).toMatchObject({ 'image-schema-engine': 'warning' });
  });
});
