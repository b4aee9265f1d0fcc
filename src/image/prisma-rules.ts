/**
 * Static Prisma readiness rules: each a pure function over the parsed project (Dockerfile, schema,
 * lockfile, package scripts) that returns findings pointing at a file and line.
 */
import {
  ancestry,
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
import { majorOf } from './lockfile';
import { engineTarget, installsOpenSsl, platformOfImage, type Platform } from './platforms';
import { clientGenerator, settingText, type Generator, type PrismaSchema } from './prisma-schema';

export type Level = 'error' | 'warning' | 'notice' | 'pass';

export interface Finding {
  /** Stable rule id, e.g. `binary-targets`. */
  readonly rule: string;
  /** What was checked, for the summary table. */
  readonly check: string;
  readonly level: Level;
  readonly message: string;
  readonly fix?: string;
  readonly file?: string;
  readonly line?: number;
}

export interface PrismaProject {
  readonly dockerfile: { readonly file: string; readonly parsed: Dockerfile; readonly target?: string };
  /** contextDir: the schema's folder relative to the build context, e.g. `packages/db/prisma`. */
  readonly schema?: { readonly file: string; readonly parsed: PrismaSchema; readonly contextDir: string };
  readonly prisma?: { readonly version: string; readonly lockfile: string };
  /** Scripts of every package.json in the repository, by script name (a monorepo has several). */
  readonly scripts: Readonly<Record<string, readonly string[]>>;
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
const RUN_SCRIPT = /\b(?:npm\s+run(?:-script)?|pnpm(?:\s+run)?|yarn(?:\s+run)?|bun\s+run|turbo(?:\s+run)?)\s+([\w:.-]+)/g;
const INSTALL = /\b(?:npm\s+(?:ci|install|i)|pnpm\s+(?:install|i)|yarn(?:\s+install)?)(?:\s|$)/;

/** Whether a command runs `what` directly or through a package script (one level of `npm run X`, or an install's postinstall). */
export function runsCommand(command: string, what: RegExp, scripts: PrismaProject['scripts']): boolean {
  if (what.test(command)) return true;
  const named = [...command.matchAll(RUN_SCRIPT)].map((m) => m[1]);
  if (INSTALL.test(command)) named.push('postinstall', 'prepare');
  if (/\bnpm\s+start\b/.test(command)) named.push('start');
  return named.some((name) => (scripts[name] ?? []).some((s) => what.test(s)));
}

interface Site {
  readonly stage: Stage;
  readonly ins: Instruction;
}

function generateSites(project: PrismaProject): Site[] {
  return project.dockerfile.parsed.stages.flatMap((stage) =>
    stage.instructions
      .filter((ins) => ins.keyword === 'RUN' && runsCommand(commandText(ins), GENERATE, project.scripts))
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

/**
 * Whether copying `source` (an absolute path in the generating stage) carries the generated client:
 * the whole app folder, node_modules (default output), the custom output folder, a Next.js standalone
 * folder (it traces the client), or for `prisma-client` a compiled build folder (the client is compiled in).
 */
function clientCovered(ctx: Context, source: string, site: Site): boolean {
  const workdir = workdirAfter(effectiveInstructions(ctx.file, site.stage), site.ins.line);
  const within = (path: string) => path === source || path.startsWith(source === '/' ? '/' : `${source}/`);
  if (/\.next\/standalone/.test(source) || within(workdir)) return true;
  if (settingText(ctx.generator?.provider) === 'prisma-client' && /(^|\/)(dist|build|\.next)(\/|$)/.test(source)) return true;
  const output = settingText(ctx.generator?.output);
  if (output && ctx.project.schema) return within(normalize(`${workdir}/${ctx.project.schema.contextDir}/${output}`));
  return /\/node_modules(\/\.prisma(\/client)?)?$/.test(source);
}

/** A stage has the client when it (or a stage it builds on) generated it, or copied it from one that has it. */
function clientSource(
  ctx: Context,
  stage: Stage,
  seen = new Set<number>(),
): { ins: Instruction; generated: boolean } | undefined {
  if (seen.has(stage.index)) return undefined;
  seen.add(stage.index);
  const chain = new Set(ancestry(ctx.file, stage).map((s) => s.index));
  const site = ctx.sites.find((s) => chain.has(s.stage.index));
  if (site) return { ins: site.ins, generated: true };
  for (const ins of effectiveInstructions(ctx.file, stage)) {
    if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || !ins.flags.from) continue;
    const from = stageNamed(ctx.file, ins.flags.from, stage.index);
    if (!from || !clientSource(ctx, from, seen)) continue;
    const fromSite =
      ctx.sites.find((s) => new Set(ancestry(ctx.file, from).map((a) => a.index)).has(s.stage.index)) ?? ctx.sites[0];
    if (!fromSite) continue;
    const fromWorkdir = workdirAfter(effectiveInstructions(ctx.file, from));
    const covered = copyPaths(ins).sources.some((src) =>
      clientCovered(ctx, normalize(src.startsWith('/') ? src : `${fromWorkdir}/${src}`), fromSite),
    );
    if (covered) return { ins, generated: false };
  }
  return undefined;
}

function clientInRuntime(ctx: Context): Finding[] {
  const check = 'Generated client in the runtime stage';
  if (!ctx.generator) return [];
  if (ctx.sites.length === 0) {
    return [
      {
        rule: 'client-in-runtime',
        check,
        level: 'error',
        message:
          'No stage runs `prisma generate` (directly or through a package script): the image would have no generated client.',
        fix: 'RUN npx prisma generate after copying the schema and installing dependencies',
        ...at(ctx, ctx.runtime.from),
      },
    ];
  }
  const source = clientSource(ctx, ctx.runtime);
  if (source) {
    const how = source.generated
      ? 'generated in this stage lineage'
      : `copied by ${source.ins.keyword} --from=${source.ins.flags.from}`;
    return [
      {
        rule: 'client-in-runtime',
        check,
        level: 'pass',
        message: `${ctx.engines === 'none' ? 'The client is' : 'The client and its engines are'} ${how}.`,
        ...at(ctx, source.ins),
      },
    ];
  }
  const where =
    ctx.engines === 'none' ? 'the generated client' : 'the generated client and its engine files (node_modules/.prisma/client)';
  return [
    {
      rule: 'client-in-runtime',
      check,
      level: 'error',
      message: `The runtime stage copies nothing that holds ${where} from the stage that ran \`prisma generate\` (line ${ctx.sites[0].ins.line}).`,
      fix: `COPY --from=${ctx.sites[0].stage.name ?? ctx.sites[0].stage.index} ${workdirAfter(effectiveInstructions(ctx.file, ctx.sites[0].stage), ctx.sites[0].ins.line).replace(/\/$/, '')}/node_modules ./node_modules`,
      ...at(ctx, ctx.runtime.from),
    },
  ];
}

const MIGRATE = /\bprisma(?:@\S+)?\s+migrate\s+deploy\b/;

/** The CMD or ENTRYPOINT the container starts with, if it runs `prisma migrate deploy` (directly or by a script). */
function migrateAtStart(project: PrismaProject, file: Dockerfile, runtime: Stage): Instruction | undefined {
  const start = [...effectiveInstructions(file, runtime)]
    .reverse()
    .find((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
  return start && runsCommand(commandText(start), MIGRATE, project.scripts) ? start : undefined;
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
        const target = normalize(`${workdirAfter(effectiveInstructions(ctx.file, from))}/${migrations}`);
        return target === abs || target.startsWith(`${abs}/`);
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

export const RULES = [opensslAtGenerate, binaryTargets, runtimeOpenSsl, clientInRuntime, migrationsInRuntime, nonRoot];

/** Runs every rule. Without a schema only the rules that need none run. */
export function checkProject(project: PrismaProject): Finding[] {
  const file = project.dockerfile.parsed;
  const runtime = runtimeStage(file, project.dockerfile.target);
  const generator = project.schema && clientGenerator(project.schema.parsed);
  const ctx: Context = {
    project,
    file,
    runtime,
    runtimePlatform: stagePlatform(file, runtime),
    generator,
    engines: engineMode(project).mode,
    sites: generateSites(project),
  };
  const findings = RULES.flatMap((rule) => rule(ctx));
  if (project.schema && !generator) {
    findings.unshift({
      rule: 'schema',
      check: 'Prisma client generator',
      level: 'warning',
      message: 'The schema has no prisma-client-js or prisma-client generator.',
      file: project.schema.file,
      line: 1,
    });
  }
  return findings;
}
