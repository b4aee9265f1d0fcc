/**
 * Static readiness rules: a table of pure functions over the parsed project (Dockerfile, schema,
 * lockfile, the workspace's packages and scripts, the build context) that return findings pointing at a
 * file and line.
 */
import { posix } from 'node:path';
import { contextSecretFindings, secretInRuntimeFindings, swallowedFailureFindings, type BuildContext } from './context-rules';
import {
  baseImage,
  commandText,
  copyPaths,
  effectiveInstructions,
  normalize,
  runtimeStage,
  stageNamed,
  workdirAfter,
  type Dockerfile,
  type Instruction,
  type Stage,
} from './dockerfile';
import type { Finding, RuleId } from './findings';
import { majorOf } from './lockfile';
import { engineTarget, installsOpenSsl, platformOfImage, type Platform } from './platforms';
import { clientGenerator, settingText, type Generator, type PrismaSchema } from './prisma-schema';
import { reaches, type Workspace } from './workspace';

export type { Finding, Level } from './findings';

export interface PrismaProject {
  readonly dockerfile: { readonly file: string; readonly parsed: Dockerfile; readonly target?: string };
  /** contextDir: the schema's folder relative to the build context; package: the folder of its package. */
  readonly schema?: {
    readonly file: string;
    readonly parsed: PrismaSchema;
    readonly contextDir: string;
    readonly package: string;
  };
  readonly prisma?: { readonly version: string; readonly lockfile: string };
  /** The packages of the build context and where the package manager puts the client. */
  readonly workspace: Workspace;
  readonly context: BuildContext;
}

/** Which engine files the client loads at run time: none for Prisma 7 and `engineType = "client"`. */
export type EngineMode = 'library' | 'binary' | 'none';

export function engineMode(project: PrismaProject): { mode: EngineMode; why: string } {
  const generator = project.schema && clientGenerator(project.schema.parsed);
  const engineType = settingText(generator?.engineType);
  const major = project.prisma ? majorOf(project.prisma.version) : undefined;
  if (major !== undefined && major >= 7)
    return { mode: 'none', why: `Prisma ${project.prisma!.version} has no Rust engines (driver adapters)` };
  if (engineType === 'client') return { mode: 'none', why: 'engineType = "client" uses a driver adapter, no engine files' };
  if (engineType === 'binary') return { mode: 'binary', why: 'engineType = "binary" runs the query-engine executable' };
  const version = project.prisma ? `Prisma ${project.prisma.version}` : 'Prisma (version not found in a lockfile)';
  return { mode: 'library', why: `${version} loads the libquery_engine Node-API library` };
}

const GENERATE = /\bprisma(?:@\S+)?\s+generate\b/;
const MIGRATE = /\bprisma(?:@\S+)?\s+migrate\s+deploy\b/;
/** Files only the context root has: where they are copied to is where the context root sits in the image. */
const ROOT_FILES = /^(\.\/?|package\.json|package\*\.json|package-lock\.json|pnpm-lock\.yaml|pnpm-workspace\.yaml|yarn\.lock)$/;

/**
 * Where the context root sits in a stage's filesystem: the destination of the first `COPY .` or `COPY
 * package.json …` from the context in the stage's lineage, else the stage's last WORKDIR.
 */
export function contextRoot(file: Dockerfile, stage: Stage): string {
  const all = effectiveInstructions(file, stage);
  for (const ins of all) {
    if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || ins.flags.from) continue;
    const { sources, dest } = copyPaths(ins);
    if (!sources.some((s) => ROOT_FILES.test(s.replace(/^\.\/(?=.)/, '')))) continue;
    const workdir = workdirAfter(all, ins.line);
    const resolved = normalize(dest.startsWith('/') ? dest : `${workdir}/${dest}`);
    // `COPY package.json /app/package.json` names the file itself.
    return sources.length === 1 && !/\/$|^\.$/.test(dest) && posix.basename(resolved) === posix.basename(sources[0])
      ? posix.dirname(resolved)
      : resolved;
  }
  return workdirAfter(all);
}

/** Where `what` runs (directly or through package scripts) when the instruction runs in its stage. */
export function reachesAt(project: PrismaProject, stage: Stage, ins: Instruction, what: RegExp) {
  const file = project.dockerfile.parsed;
  const cwd = workdirAfter(effectiveInstructions(file, stage), ins.line);
  return reaches(project.workspace, commandText(ins), cwd, contextRoot(file, stage), what);
}

interface Site {
  readonly stage: Stage;
  readonly ins: Instruction;
}

function generateSites(project: PrismaProject): Site[] {
  return project.dockerfile.parsed.stages.flatMap((stage) =>
    stage.instructions
      .filter((ins) => ins.keyword === 'RUN' && reachesAt(project, stage, ins, GENERATE).length > 0)
      .map((ins) => ({ stage, ins })),
  );
}

/** The platform of a stage: its base image, adjusted by OpenSSL installed before `line`. */
function stagePlatform(file: Dockerfile, stage: Stage, line = Infinity): Platform | undefined {
  const base = platformOfImage(baseImage(file, stage));
  if (!base) return undefined;
  const installed = effectiveInstructions(file, stage)
    .filter((i) => i.keyword === 'RUN' && i.line < line)
    .map((i) => installsOpenSsl(commandText(i)))
    .filter((v) => v !== undefined);
  if (installed.length === 0) return base;
  const last = installed.at(-1)!;
  return { ...base, openssl: last === 'default' ? base.openssl : last, opensslInstalled: true };
}

/** What `native` resolves to where `prisma generate` runs: without OpenSSL, Prisma 5/6 fall back to 1.1.x. */
function nativeTarget(file: Dockerfile, site: Site): { target: string; platform: Platform } | undefined {
  const p = stagePlatform(file, site.stage, site.ins.line);
  if (!p) return undefined;
  return { target: engineTarget({ ...p, openssl: p.opensslInstalled ? p.openssl : '1.1.x' }), platform: p };
}

const binaryTargetsOf = (g: Generator | undefined): string[] => {
  const v = g?.binaryTargets?.value;
  return v === undefined ? ['native'] : Array.isArray(v) ? v : [v];
};

interface Context {
  readonly project: PrismaProject;
  readonly file: Dockerfile;
  readonly runtime: Stage;
  readonly runtimePlatform?: Platform;
  readonly generator?: Generator;
  readonly engines: EngineMode;
  readonly sites: Site[];
}

const at = (ctx: Context, ins: Instruction): Pick<Finding, 'file' | 'line'> => ({
  file: ctx.project.dockerfile.file,
  line: ins.line,
});

function opensslAtGenerate(ctx: Context): Finding[] {
  const check = 'OpenSSL where `prisma generate` runs';
  if (ctx.engines === 'none') return [];
  const explicit = binaryTargetsOf(ctx.generator).filter((t) => t !== 'native');
  const runtimeTarget = ctx.runtimePlatform && engineTarget(ctx.runtimePlatform);
  return ctx.sites.map((site) => {
    const native = nativeTarget(ctx.file, site);
    if (!native) {
      return {
        rule: 'openssl-at-generate',
        check,
        level: 'notice',
        message: `Cannot tell which OpenSSL the base image ${baseImage(ctx.file, site.stage)} has.`,
        ...at(ctx, site.ins),
      };
    }
    if (native.platform.opensslInstalled) {
      return {
        rule: 'openssl-at-generate',
        check,
        level: 'pass',
        message: `${native.platform.description}: native = ${native.target}.`,
        ...at(ctx, site.ins),
      };
    }
    const harmless = runtimeTarget !== undefined && explicit.includes(runtimeTarget);
    const install =
      native.platform.family === 'alpine'
        ? 'RUN apk add --no-cache openssl'
        : 'RUN apt-get update -y && apt-get install -y openssl';
    return {
      rule: 'openssl-at-generate',
      check,
      level: harmless ? 'warning' : 'error',
      message:
        `\`prisma generate\` runs in a stage without OpenSSL (${baseImage(ctx.file, site.stage)}: ${native.platform.description}). ` +
        `Prisma cannot detect the OpenSSL version, falls back to 1.1.x and picks the ${native.target} engine` +
        (harmless
          ? `; binaryTargets lists ${runtimeTarget} explicitly, so the runtime still gets its engine.`
          : ', which fails at run time with "libssl.so.1.1: cannot open shared object file". Install OpenSSL before this line.'),
      fix: install,
      ...at(ctx, site.ins),
    };
  });
}

function binaryTargets(ctx: Context): Finding[] {
  const check = 'binaryTargets cover the runtime stage';
  const schema = ctx.project.schema;
  if (ctx.engines === 'none' || !schema || !ctx.generator) {
    if (schema && ctx.generator?.binaryTargets && ctx.engines === 'none')
      return [
        {
          rule: 'binary-targets',
          check,
          level: 'notice',
          message: 'binaryTargets has no effect: this client loads no engine files.',
          file: schema.file,
          line: ctx.generator.binaryTargets.line,
        },
      ];
    return [];
  }
  const where = { file: schema.file, line: ctx.generator.binaryTargets?.line ?? ctx.generator.line };
  if (!ctx.runtimePlatform) {
    return [
      {
        rule: 'binary-targets',
        check,
        level: 'notice',
        message: `Cannot tell the platform of the runtime base image ${baseImage(ctx.file, ctx.runtime)}; the image check decides.`,
        ...where,
      },
    ];
  }
  const needed = engineTarget(ctx.runtimePlatform);
  const listed = binaryTargetsOf(ctx.generator);
  const natives = ctx.sites.map((s) => nativeTarget(ctx.file, s)?.target).filter((t) => t !== undefined);
  const covered = new Set([...listed.filter((t) => t !== 'native'), ...(listed.includes('native') ? natives : [])]);
  const shown = listed
    .map((t) => (t === 'native' && natives.length > 0 ? `native → ${[...new Set(natives)].join('/')}` : t))
    .join(', ');
  if (covered.has(needed)) {
    return [
      {
        rule: 'binary-targets',
        check,
        level: 'pass',
        message: `[${shown}] includes ${needed} (${ctx.runtimePlatform.description}).`,
        ...where,
      },
    ];
  }
  return [
    {
      rule: 'binary-targets',
      check,
      level: 'error',
      message: `binaryTargets [${shown}] do not include ${needed}, the runtime stage's platform (${baseImage(ctx.file, ctx.runtime)}: ${ctx.runtimePlatform.description}). The client would fail to load its engine in production.`,
      fix: `binaryTargets = ["native", "${needed}"]`,
      ...where,
    },
  ];
}

function runtimeOpenSsl(ctx: Context): Finding[] {
  const check = 'OpenSSL in the runtime stage';
  if (ctx.engines === 'none' || !ctx.runtimePlatform) return [];
  const p = ctx.runtimePlatform;
  if (p.opensslInstalled)
    return [{ rule: 'runtime-openssl', check, level: 'pass', message: p.description, ...at(ctx, ctx.runtime.from) }];
  const install =
    p.family === 'alpine'
      ? 'RUN apk add --no-cache openssl'
      : 'RUN apt-get update -y && apt-get install -y openssl && rm -rf /var/lib/apt/lists/*';
  return [
    {
      rule: 'runtime-openssl',
      check,
      level: 'error',
      message: `The runtime stage (${baseImage(ctx.file, ctx.runtime)}) has no libssl: Prisma cannot detect OpenSSL, assumes 1.1 and the engine fails with "libssl.so.1.1: cannot open shared object file". Install OpenSSL in the runtime stage.`,
      fix: install,
      ...at(ctx, ctx.runtime.from),
    },
  ];
}

/** Where a generate site writes the client: the schema's `output`, or where the package manager puts it. */
function generatedAt(ctx: Context, site: Site): string {
  const root = contextRoot(ctx.file, site.stage);
  const output = settingText(ctx.generator?.output);
  const schema = ctx.project.schema;
  if (output && schema) return normalize(`${root}/${schema.contextDir}/${output}`);
  return normalize(`${root}/${ctx.project.workspace.clientDir}`);
}

/** A folder of a stage's filesystem that holds the generated client, and the instruction that put it there. */
interface ClientPlace {
  readonly path: string;
  readonly ins: Instruction;
  readonly generated: boolean;
}

const within = (path: string, folder: string): boolean => folder === '/' || path === folder || path.startsWith(`${folder}/`);

/**
 * Folders a copied `source` carries the client in without holding its folder: a Next.js standalone output
 * traces it, and a compiled build folder holds a `prisma-client` output compiled into the app.
 */
const carriesCompiled = (ctx: Context, source: string): boolean =>
  /\.next\/standalone/.test(source) ||
  (settingText(ctx.generator?.provider) === 'prisma-client' && /(^|\/)(dist|build|\.next)(\/|$)/.test(source));

/**
 * Every place the client is in a stage after its last instruction: inherited from its parent stage,
 * generated by its own RUNs, or brought by any `COPY --from` (all of them, in any order).
 */
function clientPlaces(ctx: Context, stage: Stage, memo = new Map<number, ClientPlace[]>()): ClientPlace[] {
  const known = memo.get(stage.index);
  if (known) return known;
  const parent = stageNamed(ctx.file, stage.base, stage.index);
  const places = parent ? [...clientPlaces(ctx, parent, memo)] : [];
  const all = effectiveInstructions(ctx.file, stage);
  for (const ins of stage.instructions) {
    const site = ctx.sites.find((s) => s.ins === ins);
    if (site) places.push({ path: generatedAt(ctx, site), ins, generated: true });
    const from =
      ins.flags.from && (ins.keyword === 'COPY' || ins.keyword === 'ADD') && stageNamed(ctx.file, ins.flags.from, stage.index);
    if (!from) continue;
    const there = clientPlaces(ctx, from, memo);
    if (there.length === 0) continue;
    const fromWorkdir = workdirAfter(effectiveInstructions(ctx.file, from));
    const { sources, dest } = copyPaths(ins);
    const destAbs = normalize(dest.startsWith('/') ? dest : `${workdirAfter(all, ins.line)}/${dest}`);
    for (const src of sources.map((x) => normalize(x.startsWith('/') ? x : `${fromWorkdir}/${x}`))) {
      // A folder's contents land in the destination folder.
      for (const p of there.filter((p) => within(p.path, src)))
        places.push({ path: normalize(`${destAbs}/${src === '/' ? p.path : p.path.slice(src.length)}`), ins, generated: false });
      if (carriesCompiled(ctx, src)) places.push({ path: destAbs, ins, generated: false });
    }
  }
  memo.set(stage.index, places);
  return places;
}

/** The line that would hold the client and the exact line to add after it (absolute paths: it works anywhere after). */
function clientFix(ctx: Context): { after: Instruction; line: string; why: string } {
  const site = ctx.sites.at(-1)!;
  const from = site.stage.name ?? String(site.stage.index);
  const schema = ctx.project.schema;
  const output = settingText(ctx.generator?.output);
  const folder = output && schema ? normalize(`/${schema.contextDir}/${output}`).slice(1) : ctx.project.workspace.clientCopy;
  const source = normalize(`${contextRoot(ctx.file, site.stage)}/${folder}`);
  const dest = normalize(`${contextRoot(ctx.file, ctx.runtime)}/${folder}`);
  const modules = ctx.runtime.instructions.filter(
    (i) => i.flags.from && copyPaths(i).sources.some((s) => /node_modules\/?$/.test(s)),
  );
  const copies = ctx.runtime.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
  const after = modules.at(-1) ?? copies.at(-1) ?? ctx.runtime.from;
  const why = modules.length
    ? `line ${modules.at(-1)!.line} copies node_modules from a stage that never ran \`prisma generate\`, and nothing copies ${source} from ${from}, where line ${site.ins.line} generates the client`
    : `nothing copies ${source} from ${from}, where line ${site.ins.line} generates the client`;
  return { after, line: `COPY --from=${from} ${source} ${dest}`, why };
}

function clientInRuntime(ctx: Context): Finding[] {
  const check = 'Generated client in the runtime stage';
  if (!ctx.generator) return [];
  const rule = 'client-in-runtime';
  if (ctx.sites.length === 0) {
    const message =
      'No stage runs `prisma generate` (directly or through a package script of the package it runs in): the image would have no generated client.';
    return [
      {
        rule,
        check,
        level: 'error',
        message,
        fix: 'RUN npx prisma generate after copying the schema and installing dependencies',
        ...at(ctx, ctx.runtime.from),
      },
    ];
  }
  const place = clientPlaces(ctx, ctx.runtime).at(-1);
  if (place) {
    const how = place.generated
      ? 'generated in this stage lineage'
      : `copied by ${place.ins.keyword} --from=${place.ins.flags.from} to ${place.path}`;
    const what = ctx.engines === 'none' ? 'The client is' : 'The client and its engines are';
    return [{ rule, check, level: 'pass', message: `${what} ${how}.`, ...at(ctx, place.ins) }];
  }
  const fix = clientFix(ctx);
  const where = ctx.engines === 'none' ? 'generated client' : 'generated client (nor its engine files)';
  return [
    {
      rule,
      check,
      level: 'error',
      message: `The runtime stage has no ${where}: ${fix.why}. Add the line below after line ${fix.after.line}.`,
      fix: fix.line,
      ...at(ctx, fix.after),
    },
  ];
}

/** The CMD or ENTRYPOINT the container starts with, if it runs `prisma migrate deploy` (directly or by a script). */
function migrateAtStart(project: PrismaProject, file: Dockerfile, runtime: Stage): Instruction | undefined {
  const start = [...effectiveInstructions(file, runtime)]
    .reverse()
    .find((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
  return start && reachesAt(project, runtime, start, MIGRATE).length > 0 ? start : undefined;
}

/** Whether the built image runs migrations when it starts (it then needs them, and the schema engine). */
export const migratesAtStart = (project: PrismaProject): boolean =>
  migrateAtStart(project, project.dockerfile.parsed, runtimeStage(project.dockerfile.parsed, project.dockerfile.target)) !==
  undefined;

function migrationsInRuntime(ctx: Context): Finding[] {
  const check = 'Migrations present when they run at start';
  const all = effectiveInstructions(ctx.file, ctx.runtime);
  const start = migrateAtStart(ctx.project, ctx.file, ctx.runtime);
  const schema = ctx.project.schema;
  if (!start || !schema) return [];
  const migrations = `${schema.contextDir}/migrations`;
  const workdir = workdirAfter(all);
  const copies = all.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
  const found = copies.find((ins) =>
    copyPaths(ins).sources.some((src) => {
      if (ins.flags.from) {
        const from = stageNamed(ctx.file, ins.flags.from, ctx.runtime.index);
        if (!from) return false;
        const abs = normalize(src.startsWith('/') ? src : `${workdirAfter(effectiveInstructions(ctx.file, from))}/${src}`);
        const wanted = normalize(`${contextRoot(ctx.file, from)}/${migrations}`);
        return wanted === abs || wanted.startsWith(`${abs}/`);
      }
      const rel = normalize(src).slice(1);
      return rel === '' || migrations === rel || migrations.startsWith(`${rel}/`);
    }),
  );
  if (found)
    return [
      {
        rule: 'migrations-in-runtime',
        check,
        level: 'pass',
        message: `${migrations} reaches ${workdir} by line ${found.line}.`,
        ...at(ctx, found),
      },
    ];
  return [
    {
      rule: 'migrations-in-runtime',
      check,
      level: 'error',
      message: `The container runs \`prisma migrate deploy\` at start, but the runtime stage never copies ${migrations}.`,
      fix: `COPY ${schema.contextDir} ./${schema.contextDir}`,
      ...at(ctx, start),
    },
  ];
}

function nonRoot(ctx: Context): Finding[] {
  const check = 'Runs as a non-root user';
  const user = [...effectiveInstructions(ctx.file, ctx.runtime)].reverse().find((i) => i.keyword === 'USER');
  const base = baseImage(ctx.file, ctx.runtime);
  if (user && !/^(root|0)(:|$)/.test(user.args))
    return [{ rule: 'non-root', check, level: 'pass', message: `USER ${user.args}`, ...at(ctx, user) }];
  if (!user && /:nonroot\b|-nonroot\b/.test(base))
    return [{ rule: 'non-root', check, level: 'pass', message: `${base} runs as nonroot`, ...at(ctx, ctx.runtime.from) }];
  return [
    {
      rule: 'non-root',
      check,
      level: 'warning',
      message: user
        ? `The runtime stage switches to USER ${user.args}.`
        : 'The runtime stage never sets USER: the app runs as root.',
      fix: 'USER node',
      ...at(ctx, user ?? ctx.runtime.from),
    },
  ];
}

function schemaGenerator(ctx: Context): Finding[] {
  const schema = ctx.project.schema;
  if (!schema || ctx.generator) return [];
  const message = 'The schema has no prisma-client-js or prisma-client generator.';
  return [{ rule: 'schema-generator', check: 'Prisma client generator', level: 'warning', message, file: schema.file, line: 1 }];
}

/** The Prisma rules, in the order they are reported; each returns findings of its own ID only. */
export const PRISMA_RULES: readonly { readonly id: RuleId; readonly run: (ctx: Context) => Finding[] }[] = [
  { id: 'schema-generator', run: schemaGenerator },
  { id: 'openssl-at-generate', run: opensslAtGenerate },
  { id: 'binary-targets', run: binaryTargets },
  { id: 'runtime-openssl', run: runtimeOpenSsl },
  { id: 'client-in-runtime', run: clientInRuntime },
  { id: 'migrations-in-runtime', run: migrationsInRuntime },
  { id: 'non-root', run: nonRoot },
];

/** Runs the Prisma rules on a project with a schema. */
export function runPrismaRules(project: PrismaProject): Finding[] {
  const file = project.dockerfile.parsed;
  const runtime = runtimeStage(file, project.dockerfile.target);
  const ctx: Context = {
    project,
    file,
    runtime,
    runtimePlatform: stagePlatform(file, runtime),
    generator: project.schema && clientGenerator(project.schema.parsed),
    engines: engineMode(project).mode,
    sites: generateSites(project),
  };
  return PRISMA_RULES.flatMap((rule) => rule.run(ctx));
}

/** The rules on the build context and the Dockerfile that hold with or without Prisma. */
export function runContextRules(project: PrismaProject): Finding[] {
  const file = { name: project.dockerfile.file, parsed: project.dockerfile.parsed };
  const runtime = runtimeStage(file.parsed, project.dockerfile.target);
  return [
    ...contextSecretFindings(project.context),
    ...secretInRuntimeFindings(file, runtime, project.context),
    ...swallowedFailureFindings(file),
  ];
}
