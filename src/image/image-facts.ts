/**
 * What a built image holds (OS, libc, libssl, Prisma engine files, generated clients) and the
 * readiness verdicts on it. The shell script runs inside the image; parsing and judging are pure.
 */
import { engineTarget, platformOfFacts, type Libc, type Platform } from './platforms';
import type { Finding, RuleId } from './findings';
import { runsPrismaCli, type MigrationCommand } from '../migrations/command';
import type { EngineMode } from './prisma-rules';

/** Where the C library and libssl live (Debian multiarch, Alpine, RHEL). */
const LIB_DIRS = [
  '/lib',
  '/lib64',
  '/usr/lib',
  '/usr/lib64',
  '/usr/local/lib',
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
];

/** Printed by a POSIX sh inside the image (busybox too): one `@@runway <section>` header per part. */
export const INSPECT_SCRIPT = [
  's() { echo "@@runway $1"; }',
  's os; cat /etc/os-release 2>/dev/null',
  `s libs; for d in ${LIB_DIRS.join(' ')}; do [ -d "$d" ] && ls -1 "$d" 2>/dev/null | sed "s|^|$d/|"; done`,
  "s files; find / -xdev \\( -path /proc -o -path /sys -o -path /dev \\) -prune -o \\( -name 'libquery_engine-*' -o -name 'query-engine-*' -o -name 'schema-engine-*' -o -path '*/.prisma/client/index.js' -o -path '*/node_modules/@prisma/client/package.json' -o -path '*/node_modules/prisma/package.json' -o -path '*/generated/*client.ts' -o -path '*/generated/*client.js' \\) -print 2>/dev/null",
  's node; command -v node',
  's shell; command -v sh',
].join('\n');

/**
 * The same report made from outside, for an image without a shell (distroless): every path of its
 * exported filesystem (`tar -t` of `docker export`, no leading slash) and its /etc/os-release.
 */
export function inspectionFromListing(paths: readonly string[], osRelease: string): string {
  const absolute = paths.map((p) => `/${p.replace(/^\.?\//, '').replace(/\/$/, '')}`);
  const libs = absolute.filter((p) => LIB_DIRS.includes(p.slice(0, p.lastIndexOf('/'))));
  const node = ['/usr/local/bin/node', '/nodejs/bin/node', '/usr/bin/node'].find((n) => absolute.includes(n));
  const shell = ['/bin/sh', '/usr/bin/sh'].find((n) => absolute.includes(n));
  return [
    '@@runway os',
    osRelease,
    '@@runway libs',
    ...libs,
    '@@runway files',
    ...absolute,
    '@@runway node',
    node ?? '',
    '@@runway shell',
    shell ?? '',
  ].join('\n');
}

export interface EngineFile {
  readonly path: string;
  readonly kind: 'library' | 'binary' | 'schema';
  readonly target: string;
}

export interface ImageFacts {
  readonly osId?: string;
  readonly osVersion?: string;
  readonly osName?: string;
  readonly libc?: Libc;
  readonly libssl: string[];
  readonly engines: EngineFile[];
  /** Folders holding a generated client. */
  readonly clients: string[];
  readonly hasPrismaClientPackage: boolean;
  /** Folders of the Prisma CLI package (`…/node_modules/prisma`). */
  readonly prismaCli: string[];
  readonly node?: string;
  /** The image's /bin/sh, when it has one. */
  readonly shell?: string;
}

export function engineFile(path: string): EngineFile | undefined {
  const name = path.split('/').at(-1) ?? '';
  let m = /^libquery_engine-(.+)\.so\.node$/.exec(name);
  if (m) return { path, kind: 'library', target: m[1] };
  m = /^query-engine-(.+?)(\.exe)?$/.exec(name);
  if (m) return { path, kind: 'binary', target: m[1] };
  m = /^schema-engine-(.+?)(\.exe)?$/.exec(name);
  if (m) return { path, kind: 'schema', target: m[1] };
  return undefined;
}

export function parseInspection(output: string): ImageFacts {
  const sections: Record<string, string[]> = {};
  let current = '';
  for (const line of output.split('\n')) {
    const h = /^@@runway (\w+)$/.exec(line);
    if (h) current = h[1];
    else if (line.trim() !== '') (sections[current] ??= []).push(line.trim());
  }
  const os = Object.fromEntries(
    (sections.os ?? [])
      .map((l) => /^([A-Z_]+)=(.*)$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => [m[1], m[2].replace(/^"|"$/g, '')]),
  );
  const libs = sections.libs ?? [];
  const base = (p: string) => p.split('/').at(-1) ?? '';
  const libc: Libc | undefined = libs.some((l) => base(l).startsWith('ld-musl-'))
    ? 'musl'
    : libs.some((l) => /^libc\.so\.6$/.test(base(l)))
      ? 'glibc'
      : undefined;
  const files = sections.files ?? [];
  return {
    osId: os.ID,
    osVersion: os.VERSION_ID,
    osName: os.PRETTY_NAME,
    libc,
    libssl: [...new Set(libs.filter((l) => /^libssl\.so\.\d/.test(base(l))))],
    engines: files.map(engineFile).filter((e) => e !== undefined),
    clients: files
      .filter((f) => f.endsWith('/.prisma/client/index.js') || /\/generated\/.*client\.[jt]s$/.test(f))
      .map((f) => f.slice(0, f.lastIndexOf('/'))),
    hasPrismaClientPackage: files.some((f) => f.endsWith('/node_modules/@prisma/client/package.json')),
    prismaCli: files.filter((f) => f.endsWith('/node_modules/prisma/package.json')).map((f) => f.slice(0, f.lastIndexOf('/'))),
    node: sections.node?.[0],
    shell: sections.shell?.[0],
  };
}

/** Run with `node -e` inside the image as its own user and workdir: requires the client, dlopens engines. */
export const LOAD_SCRIPT = `
const out = { engines: {} };
try {
  const p = require.resolve('@prisma/client', { paths: [process.cwd()] });
  out.client = p;
  require(p);
  out.ok = true;
} catch (e) { out.ok = false; out.error = String(e && e.message).split('\\n')[0]; }
for (const f of JSON.parse(process.argv[1] || '[]')) {
  try { process.dlopen({ exports: {} }, f); out.engines[f] = 'loaded'; }
  catch (e) { out.engines[f] = String(e && e.message).split('\\n')[0]; }
}
console.log(JSON.stringify(out));
`;

export interface LoadResult {
  readonly ok: boolean;
  readonly client?: string;
  readonly error?: string;
  /** Engine path → 'loaded' or the loader's error. */
  readonly engines: Readonly<Record<string, string>>;
}

/** The engine a running client would load: the one for the image's own platform. */
export function neededEngines(facts: ImageFacts, mode: EngineMode): EngineFile[] {
  const platform = platformOfFacts(facts);
  if (!platform || mode === 'none') return [];
  const target = engineTarget(platform);
  const matching = facts.engines.filter((e) => e.target === target && e.kind === mode);
  // The client loads the engine next to itself; copies elsewhere (the CLI's own) are not what runs.
  const byClient = matching.filter((e) => facts.clients.some((c) => e.path.startsWith(`${c}/`)));
  return byClient.length > 0 ? byClient : matching;
}

export interface Expectations {
  readonly engines: EngineMode;
  /** The generator is prisma-client, whose TypeScript output is compiled into the app. */
  readonly compiledClient: boolean;
  readonly migrateAtStart: boolean;
  /** deploy-cloudrun's migration command, whose program the image must hold. */
  readonly migrationCommand?: MigrationCommand;
  /**
   * Placeholder (non-ELF) engine files pass as a notice instead of failing: only for this project's own
   * fixtures, which cannot download real engines. Set by the test-only RUNWAY_TEST_PLACEHOLDER_ENGINES=1.
   */
  readonly placeholderEngines?: boolean;
}

/** What the image rules see: the facts, what the project expects, the load test and the platform. */
interface ImageContext {
  readonly facts: ImageFacts;
  readonly expect: Expectations;
  readonly load?: LoadResult;
  readonly platform?: Platform;
  readonly os: string;
}

/** A finding before its rule is named (imageRules adds rule and check). */
type Found = Omit<Finding, 'rule' | 'check'>;
const found = (level: Finding['level'], message: string, fix?: string): Found => ({ level, message, fix });

function imagePlatform(c: ImageContext): Found[] {
  if (!c.platform)
    return [
      found(
        c.expect.engines === 'none' ? 'notice' : 'warning',
        `${c.os}: found no C library (neither libc.so.6 nor ld-musl) in the library folders.`,
      ),
    ];
  const ssl = c.facts.libssl.length ? c.facts.libssl.map((l) => l.split('/').at(-1)).join(' ') : 'no libssl';
  return [found('pass', `${c.os}, ${c.platform.libc}, ${ssl} → ${engineTarget(c.platform)}`)];
}

function imageOpenSsl(c: ImageContext): Found[] {
  if (c.expect.engines === 'none' || !c.platform) return [];
  if (c.platform.opensslInstalled) return [found('pass', c.facts.libssl.join(', '))];
  return [
    found(
      'error',
      `${c.os} has no libssl: Prisma assumes OpenSSL 1.1 and its engine fails with "libssl.so.1.1: cannot open shared object file".`,
      c.platform.libc === 'musl' ? 'RUN apk add --no-cache openssl' : 'RUN apt-get install -y openssl',
    ),
  ];
}

function imageEngines(c: ImageContext): Found[] {
  if (c.expect.engines === 'none') return [];
  const kindName = c.expect.engines === 'library' ? 'libquery_engine-*.so.node' : 'query-engine-*';
  const ofKind = c.facts.engines.filter((e) => e.kind === c.expect.engines);
  const needed = c.platform ? engineTarget(c.platform) : undefined;
  const match = ofKind.filter((e) => e.target === needed);
  if (ofKind.length === 0)
    return [
      found(
        'error',
        `No ${kindName} file in the image: the client cannot start.`,
        'Copy node_modules/.prisma/client (with its engine files) from the stage that ran prisma generate',
      ),
    ];
  if (needed && match.length === 0)
    return [
      found(
        'error',
        `The image has ${ofKind.map((e) => e.path).join(', ')} but its platform needs ${needed}: PrismaClientInitializationError at the first query.`,
        `binaryTargets = ["native", "${needed}"] and generate again`,
      ),
    ];
  return match.length > 0 ? [found('pass', match.map((e) => e.path).join(', '))] : [];
}

function imageSchemaEngine(c: ImageContext): Found[] {
  if (c.expect.engines === 'none' || !c.expect.migrateAtStart) return [];
  const needed = c.platform ? engineTarget(c.platform) : undefined;
  if (c.facts.engines.some((e) => e.kind === 'schema' && e.target === needed)) return [];
  return [found('warning', `The container runs prisma migrate deploy at start but has no schema-engine-${needed ?? '*'}.`)];
}

function imageClient(c: ImageContext): Found[] {
  if (c.facts.clients.length > 0) return [found('pass', c.facts.clients.join(', '))];
  if (c.expect.compiledClient)
    return [found('notice', 'The prisma-client generator output is compiled into the app; no separate client folder to find.')];
  return [
    found(
      'error',
      'No generated Prisma client (.prisma/client) in the image: "@prisma/client did not initialize yet".',
      'Run prisma generate in the build and copy its output into the runtime stage',
    ),
  ];
}

/** The migration job runs in this image: its shell (shell form) and the Prisma CLI (for prisma migrate deploy) must be in it. */
function imageMigrationProgram(c: ImageContext): Found[] {
  const command = c.expect.migrationCommand;
  if (!command) return [];
  if (command.form === 'shell' && !c.facts.shell)
    return [
      found(
        'error',
        'migration-command is a shell command, but the image has no /bin/sh (distroless?): the migration job cannot start.',
        'Give migration-command as a JSON array, run without a shell: ["node","node_modules/prisma/build/index.js","migrate","deploy"]',
      ),
    ];
  if (runsPrismaCli(command) && c.facts.prismaCli.length === 0)
    return [
      found(
        'error',
        'migration-command runs the Prisma CLI, but the image has no node_modules/prisma: the migration job fails (npx would try to download it when the job runs).',
        'Keep the CLI in the runtime image: make `prisma` a dependency (not a devDependency) of the package the runtime stage installs, or COPY node_modules/prisma and node_modules/@prisma/engines into it; or run the migrations with a runner that is in the image',
      ),
    ];
  return [found('pass', runsPrismaCli(command) ? c.facts.prismaCli.join(', ') : 'the command needs nothing Runway can check')];
}

function imageLoad(c: ImageContext): Found[] {
  if (!c.load) return [found('notice', c.facts.node ? 'Not run.' : 'No node in the image: load test skipped.')];
  if (c.load.ok) return [found('pass', `require('@prisma/client') → ${c.load.client}`)];
  if (c.facts.hasPrismaClientPackage || !c.expect.compiledClient)
    return [found('error', `require('@prisma/client') failed: ${c.load.error}`)];
  return [];
}

const NOT_ELF = /invalid ELF header|file too short|not an ELF/i;

function imageEngineLoad(c: ImageContext): Found[] {
  return Object.entries(c.load?.engines ?? {}).map(([path, result]) => {
    // "did not self-register" comes after a successful dlopen: every shared library it needs resolved.
    if (result === 'loaded' || /did not self-register/.test(result)) return found('pass', path);
    if (NOT_ELF.test(result) && c.expect.placeholderEngines)
      return found(
        'notice',
        `${path} is a placeholder, not a library (RUNWAY_TEST_PLACEHOLDER_ENGINES is set: test fixtures only).`,
      );
    if (NOT_ELF.test(result))
      return found(
        'error',
        `${path} is not a loadable engine (${result}): a truncated download or a placeholder; the client fails at its first query.`,
        'Generate again where the engine can be downloaded (or set PRISMA_ENGINES_MIRROR), and copy the generated client whole',
      );
    const ssl = /libssl|libcrypto/.test(result);
    return found(
      'error',
      `${path}: ${result}`,
      ssl ? 'Install the OpenSSL the engine was built for, or generate for this platform' : undefined,
    );
  });
}

/** The image rules, in report order. */
export const IMAGE_RULES: readonly {
  readonly id: RuleId;
  readonly check: string;
  readonly run: (c: ImageContext) => Found[];
}[] = [
  { id: 'image-platform', check: 'Image platform', run: imagePlatform },
  { id: 'image-openssl', check: 'libssl in the image', run: imageOpenSsl },
  { id: 'image-engines', check: 'Engine for the image platform', run: imageEngines },
  { id: 'image-schema-engine', check: 'Schema engine for migrate deploy', run: imageSchemaEngine },
  { id: 'image-client', check: 'Generated client in the image', run: imageClient },
  { id: 'image-migration-program', check: "The migration command's program", run: imageMigrationProgram },
  { id: 'image-load', check: 'Client loads in the image', run: imageLoad },
  { id: 'image-engine-load', check: 'Engine loads (dlopen)', run: imageEngineLoad },
];

/** Readiness verdicts on the built image. */
export function checkImage(facts: ImageFacts, expect: Expectations, load: LoadResult | undefined): Finding[] {
  const c: ImageContext = {
    facts,
    expect,
    load,
    platform: platformOfFacts(facts),
    os: facts.osName ?? facts.osId ?? 'unknown OS',
  };
  return IMAGE_RULES.flatMap((r) => r.run(c).map((v) => ({ rule: r.id, check: r.check, ...v })));
}
