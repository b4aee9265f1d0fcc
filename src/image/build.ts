/**
 * build-image: static Prisma checks → build (buildx, or classic docker build) → checks of the built
 * image → push → the registry's digest. An image that fails a strict check is never pushed.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, type InputProblem, type InputValues } from '../inputs';
import { md, type Reporter } from '../report';
import { openRegistry, type RegistrySession } from '../registry/login';
import { baseImage, runtimeStage } from './dockerfile';
import {
  buildxArgs,
  cacheSpec,
  classicBuildArgs,
  classicCacheImages,
  classicCacheHits,
  CLASSIC_SECRETS_DIR,
  imageTags,
  manifestProblem,
  ociLabels,
  pushedDigest,
  type BuildPlan,
} from './build-command';
import { detectBuilder, docker, dockerOk, imageConfig, inspectImage, loadTest, remoteManifest } from './docker';
import { checkImage, neededEngines } from './image-facts';
import { PLATFORM, type buildImage } from './inputs';
import { engineTarget, platformOfFacts } from './platforms';
import { loadProject, type LoadedProject } from './project';
import { checkProject, engineMode, migratesAtStart, type Finding } from './prisma-rules';
import { clientGenerator, settingText } from './prisma-schema';
import { readinessMarkdown, verdictOf, type Phase, type PrismaReport } from './readiness-report';

type Inputs = InputValues<(typeof buildImage)['inputs']>;
type Outputs = Partial<Record<'digest' | 'image-ref' | 'tags' | 'metadata' | 'prisma-report', string>>;

export class ReadinessError extends Error {}

/** A build secret as a file (an env secret is written to the step's temporary folder, removed at the end). */
interface Secret {
  readonly id: string;
  readonly src: string;
}

/** Everything about the inputs that can be wrong is found here, before docker runs. */
function validate(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  root: string,
  tmp: string,
  reporter: Reporter,
): { secrets: Secret[]; buildArgs: [string, string][] } {
  const problems: InputProblem[] = [];
  const context = resolve(root, inputs.context);
  if (!existsSync(context) || !statSync(context).isDirectory())
    problems.push({ input: 'context', message: `${inputs.context} is not a folder` });
  if (!existsSync(resolve(root, inputs.dockerfile)))
    problems.push({ input: 'dockerfile', message: `${inputs.dockerfile} does not exist` });
  const buildArgs = (inputs['build-args'] ?? []).map(
    (l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string],
  );
  const secrets: Secret[] = [];
  for (const line of inputs['build-secrets'] ?? []) {
    const id = line.slice(0, line.indexOf('='));
    const value = line.slice(line.indexOf('=') + 1);
    if (value.startsWith('env:')) {
      const content = env[value.slice(4)];
      if (content === undefined) {
        problems.push({ input: 'build-secrets', message: `${id}: the environment variable ${value.slice(4)} is not set` });
        continue;
      }
      reporter.mask(content);
      const src = join(tmp, `secret-${id}`);
      writeFileSync(src, content, { mode: 0o600 });
      secrets.push({ id, src });
    } else {
      const src = resolve(root, value);
      if (!existsSync(src)) problems.push({ input: 'build-secrets', message: `${id}: the file ${value} does not exist` });
      else secrets.push({ id, src });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return { secrets, buildArgs };
}

function annotate(reporter: Reporter, findings: readonly Finding[], fallback?: { file: string; line: number }): void {
  for (const f of findings) {
    const text = f.fix ? `${f.message} Fix: ${f.fix}` : f.message;
    const at = f.file
      ? { file: f.file, line: f.line, title: `Prisma: ${f.check}` }
      : fallback && { ...fallback, title: `Prisma: ${f.check}` };
    if (f.level === 'error') reporter.error(text, at);
    else if (f.level === 'warning') reporter.warning(text, at);
    else if (f.level === 'notice') reporter.notice(text, at);
  }
}

function report(
  inputs: Inputs,
  loaded: LoadedProject,
  findings: (Finding & { phase: Phase })[],
  image?: PrismaReport['image'],
): PrismaReport {
  const { project } = loaded;
  const runtime = runtimeStage(project.dockerfile.parsed, project.dockerfile.target);
  const engines = engineMode(project);
  return {
    mode: inputs['prisma-check'],
    verdict: verdictOf(findings, inputs['prisma-check']),
    prisma: project.schema
      ? { version: project.prisma?.version, lockfile: project.prisma?.lockfile, engines: engines.mode, why: engines.why }
      : undefined,
    schema: project.schema ? { file: project.schema.file, note: loaded.schemaNote } : undefined,
    dockerfile: {
      file: project.dockerfile.file,
      runtimeStage: runtime.name ?? `stage ${runtime.index}`,
      runtimeBase: baseImage(project.dockerfile.parsed, runtime),
    },
    image,
    findings,
  };
}

/** Fails a strict check: the summary already holds the table. */
function enforce(inputs: Inputs, r: PrismaReport, reporter: Reporter, phase: string): void {
  if (inputs['prisma-check'] !== 'strict' || r.verdict !== 'fail') return;
  reporter.summary(readinessMarkdown(r));
  const errors = r.findings.filter((f) => f.level === 'error').length;
  throw new ReadinessError(
    `Prisma readiness: ${errors} error(s) ${phase}; nothing was pushed. Fix them, or set prisma-check: warn to report only.`,
  );
}

async function build(
  plan: BuildPlan,
  buildx: boolean,
  stages: readonly string[],
  reporter: Reporter,
): Promise<{ output: string; ms: number; cacheImages: { stage?: string; ref: string }[] }> {
  const copied: string[] = [];
  const run = (args: string[]) => {
    reporter.info(`docker ${args.join(' ')}`);
    return dockerOk(args, {
      onLine: (l) => reporter.info(l),
      env: { ...process.env, ...(buildx ? {} : { DOCKER_BUILDKIT: '0' }) },
    });
  };
  try {
    if (!buildx && plan.secrets.length > 0) {
      // The classic builder has no --secret: the file sits in the context for this build only.
      mkdirSync(join(plan.context, CLASSIC_SECRETS_DIR), { recursive: true });
      for (const s of plan.secrets) {
        const dest = join(plan.context, CLASSIC_SECRETS_DIR, s.id);
        copyFileSync(s.src, dest);
        copied.push(dest);
      }
    }
    const started = Date.now();
    if (buildx) {
      const r = await run(buildxArgs(plan));
      return { output: r.stdout + r.stderr, ms: Date.now() - started, cacheImages: [] };
    }
    const cacheImages = plan.cache?.type === 'registry' ? classicCacheImages(plan.cache.ref, stages) : [];
    const cacheFrom = cacheImages.map((c) => c.ref);
    for (const c of cacheImages) {
      const pulled = await docker(['pull', c.ref]);
      reporter.info(pulled.code === 0 ? `Cache image ${c.ref} pulled` : `No cache image ${c.ref} yet`);
    }
    for (const c of cacheImages)
      if (c.stage) await run(classicBuildArgs({ ...plan, tags: [c.ref], target: c.stage, labels: {} }, cacheFrom));
    const r = await run(classicBuildArgs(plan, cacheFrom));
    return { output: r.stdout + r.stderr, ms: Date.now() - started, cacheImages };
  } finally {
    for (const f of copied) rmSync(f, { force: true });
  }
}

export async function runBuildImage(
  inputs: Inputs,
  { reporter, env }: { reporter: Reporter; env: NodeJS.ProcessEnv },
): Promise<Outputs> {
  const root = resolve(env.GITHUB_WORKSPACE ?? process.cwd());
  const tmp = mkdtempSync(join(env.RUNNER_TEMP ?? tmpdir(), 'runway-build-'));
  let registry: RegistrySession | undefined;
  try {
    const { secrets, buildArgs } = validate(inputs, env, root, tmp, reporter);
    // Repository check and Docker login before anything is built (src/registry, h-release).
    registry = inputs.push && !inputs['check-only'] ? await openRegistry(inputs.image, env, reporter) : undefined;
    const tags = imageTags(registry?.pushRepository ?? inputs.image, inputs.tags, env.GITHUB_SHA);
    const loaded = loadProject({
      root,
      context: inputs.context,
      dockerfile: inputs.dockerfile,
      target: inputs.target,
      buildArgs: Object.fromEntries(buildArgs),
      prismaSchema: inputs['prisma-schema'],
      workspace: inputs.workspace,
    });
    const { project } = loaded;
    const runtime = runtimeStage(project.dockerfile.parsed, inputs.target);
    const runtimeAt = { file: project.dockerfile.file, line: runtime.from.line };
    for (const n of loaded.nextPublic)
      reporter.warning(n.reason, { file: n.file, line: n.line, title: 'NEXT_PUBLIC_* at build time' });

    // 1. Static checks, before anything is built.
    const checking = inputs['prisma-check'] !== 'off' && project.schema !== undefined;
    if (inputs['prisma-check'] !== 'off' && !project.schema) reporter.notice(`Prisma: ${loaded.schemaNote}`);
    const staticFindings = checking ? checkProject(project).map((f) => ({ ...f, phase: 'static' as const })) : [];
    annotate(reporter, staticFindings);
    let prismaReport = report(inputs, loaded, staticFindings);
    enforce(inputs, prismaReport, reporter, 'in the Dockerfile and schema');
    if (inputs['check-only']) {
      reporter.summary(readinessMarkdown(prismaReport));
      return { 'prisma-report': JSON.stringify(prismaReport) };
    }

    // 2. Build.
    const builder = await detectBuilder();
    const buildx = builder.kind === 'buildx';
    const cache = cacheSpec(inputs.cache, builder, env, inputs.image);
    const plan: BuildPlan = {
      context: resolve(root, inputs.context),
      dockerfile: resolve(root, inputs.dockerfile),
      tags,
      buildArgs,
      secrets,
      target: inputs.target,
      platform: inputs.platform,
      cache,
      labels: ociLabels(env),
      iidFile: join(tmp, 'iid'),
      metadataFile: join(tmp, 'metadata.json'),
    };
    // Named stages before the runtime one: the classic builder's registry cache keeps one image each.
    const cachedStages = project.dockerfile.parsed.stages
      .filter((st) => st.index < runtime.index && st.name)
      .map((st) => st.name!);
    const built = await reporter.group(`Build ${tags[0]} (${buildx ? 'buildx' : 'classic docker build'})`, () =>
      build(plan, buildx, cachedStages, reporter),
    );
    const imageId = readFileSync(plan.iidFile, 'utf8').trim();
    const config = await imageConfig(imageId);
    if (`${config.os}/${config.architecture}` !== PLATFORM) {
      throw new Error(
        `The image was built for ${config.os}/${config.architecture}; Cloud Run runs only ${PLATFORM}. Nothing was pushed.`,
      );
    }
    const hits = buildx ? undefined : classicCacheHits(built.output);

    // 3. Checks of the built image.
    if (checking) {
      const { facts, how } = await inspectImage(imageId);
      if (how === 'export') reporter.info('The image has no shell: inspected its exported filesystem instead');
      const mode = engineMode(project).mode;
      const load = facts.node
        ? await loadTest(
            imageId,
            neededEngines(facts, mode).map((e) => e.path),
          )
        : undefined;
      const generator = project.schema && clientGenerator(project.schema.parsed);
      const imageFindings = checkImage(
        facts,
        {
          engines: mode,
          compiledClient: settingText(generator?.provider) === 'prisma-client',
          migrateAtStart: migratesAtStart(project),
        },
        load,
      ).map((f) => ({ ...f, phase: 'image' as const }));
      annotate(reporter, imageFindings, runtimeAt);
      const platform = platformOfFacts(facts);
      prismaReport = report(inputs, loaded, [...staticFindings, ...imageFindings], {
        ...facts,
        target: platform && engineTarget(platform),
      });
      enforce(inputs, prismaReport, reporter, 'in the built image');
    }

    // 4. Push, then read back what the registry serves.
    let digest: string | undefined;
    if (inputs.push) {
      await reporter.group(`Push ${tags.length} tag(s)`, async () => {
        for (const t of tags) {
          const r = await dockerOk(['push', t], { onLine: (l) => reporter.info(l) });
          digest ??= pushedDigest(r.stdout);
        }
        for (const c of built.cacheImages) {
          if (!c.stage) await dockerOk(['tag', imageId, c.ref]);
          await dockerOk(['push', c.ref]);
        }
      });
      const remote = await remoteManifest(tags[0]);
      const problem = manifestProblem(tags[0], remote, digest);
      if (problem) throw new Error(problem);
      digest = remote.digest;
    }

    const metadata = {
      image: inputs.image,
      tags,
      digest,
      imageId,
      builder: buildx ? 'buildx' : 'classic',
      platform: PLATFORM,
      size: config.size,
      buildMs: built.ms,
      cache: { spec: plan.cache ?? 'local', ...(hits ?? {}) },
      labels: plan.labels,
    };
    reporter.summary(
      md.heading('Image') +
        md.table(
          ['', ''],
          [
            ['Image', digest ? md.code(`${inputs.image}@${digest}`) : `${md.code(imageId)} (not pushed)`],
            ['Tags', tags.map((t) => md.code(t.slice(inputs.image.length + 1))).join(' ')],
            [
              'Builder',
              `${metadata.builder}, ${(built.ms / 1000).toFixed(1)} s${hits ? `, ${hits.cached}/${hits.steps} steps from cache` : ''}`,
            ],
            ['Size', `${(config.size / 1e6).toFixed(0)} MB`],
          ],
        ) +
        (checking ? readinessMarkdown(prismaReport) : ''),
    );
    return {
      digest,
      'image-ref': digest ? `${inputs.image}@${digest}` : undefined,
      tags: inputs.push ? tags.join('\n') : undefined,
      metadata: JSON.stringify(metadata),
      'prisma-report': JSON.stringify(prismaReport),
    };
  } finally {
    registry?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
