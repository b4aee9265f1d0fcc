/**
 * build-image, in phases: prepare (inputs, project) → static checks → base images → build (buildx, or
 * classic docker build) → checks of the built image → push → the registry's digest. An image that fails
 * a strict check is never pushed; a failed check still writes the `prisma-report` output and the summary.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, type InputProblem, type InputsOf, type OutputsOf } from '../inputs';
import { md, StepFailure, type Reporter, type RunProgram, type StepContext } from '../report';
import { explainBuildFailure } from './build-failure';
import { openRegistry, type RegistrySession } from '../registry/login';
import {
  amd64Manifest,
  buildxArgs,
  buildxAttestedPushArgs,
  cacheSpec,
  classicBuildArgs,
  classicCacheHits,
  CLASSIC_SECRETS_DIR,
  configDigest,
  DEFAULT_CACHE_TAG,
  imageTags,
  manifestProblem,
  ociLabels,
  pushedDigest,
  type BuildPlan,
  type Builder,
  type CacheImage,
} from './build-command';
import { baseImage, runtimeStage, stageNamed } from './dockerfile';
import {
  baseImageProblem,
  detectBuilder,
  docker,
  dockerOk,
  imageConfig,
  inspectImage,
  loadTest,
  rawManifest,
  remoteManifest,
  type ImageConfig,
} from './docker';
import { applyIgnore, type Finding } from './findings';
import { checkPullRequestMigrations } from '../migrations/pr-check';
import { checkImage, neededEngines } from './image-facts';
import { PLATFORM, type buildImageAction } from './inputs';
import { engineTarget, platformOfFacts } from './platforms';
import { loadProject, type LoadedProject } from './project';
import { engineMode, migratesAtStart, runContextRules, runPrismaRules } from './prisma-rules';
import { clientGenerator, settingText } from './prisma-schema';
import { readinessMarkdown, verdictOf, type Phase, type PrismaReport } from './readiness-report';

type Inputs = InputsOf<typeof buildImageAction>;
type Phased = Finding & { readonly phase: Phase };

/** A failed check: the step fails, and `prisma-report` is still an output. */
export class ReadinessError extends StepFailure {}

/** Test-only: lets this project's fixture images, whose Prisma engines are placeholders, pass the image check. */
export const PLACEHOLDER_ENGINES_ENV = 'RUNWAY_TEST_PLACEHOLDER_ENGINES';

/** A build secret as a file (an env secret is written to the step's temporary folder, removed at the end). */
interface Secret {
  readonly id: string;
  readonly src: string;
}

/** What every phase after the first works with. */
interface Step {
  readonly inputs: Inputs;
  readonly env: NodeJS.ProcessEnv;
  readonly reporter: Reporter;
  readonly run: RunProgram;
  readonly root: string;
  readonly tmp: string;
  readonly loaded: LoadedProject;
  readonly secrets: Secret[];
  readonly buildArgs: [string, string][];
  /** Prisma rules run (a schema was found and prisma-check is not off). */
  readonly prisma: boolean;
}

function secretFile(line: string, env: NodeJS.ProcessEnv, root: string, tmp: string, reporter: Reporter): Secret | InputProblem {
  const id = line.slice(0, line.indexOf('='));
  const value = line.slice(line.indexOf('=') + 1);
  if (!value.startsWith('env:')) {
    const src = resolve(root, value);
    return existsSync(src) ? { id, src } : { input: 'build-secrets', message: `${id}: the file ${value} does not exist` };
  }
  const content = env[value.slice(4)];
  if (content === undefined)
    return { input: 'build-secrets', message: `${id}: the environment variable ${value.slice(4)} is not set` };
  reporter.mask(content);
  const src = join(tmp, `secret-${id}`);
  writeFileSync(src, content, { mode: 0o600 });
  return { id, src };
}

/** Phase 1: everything about the inputs that can be wrong is found here, before docker runs. */
function prepare(inputs: Inputs, { env, reporter, run }: StepContext, root: string, tmp: string): Step {
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
    const s = secretFile(line, env, root, tmp, reporter);
    if ('src' in s) secrets.push(s);
    else problems.push(s);
  }
  if (inputs.provenance !== 'false' && !inputs.push)
    problems.push({ input: 'provenance', message: 'needs push: true (the attestation is pushed with the image)' });
  if (problems.length > 0) throw new InputError(problems);
  const loaded = loadProject({
    root,
    context: inputs.context,
    dockerfile: inputs.dockerfile,
    target: inputs.target,
    buildArgs: Object.fromEntries(buildArgs),
    prismaSchema: inputs['prisma-schema'],
    workspace: inputs.workspace,
  });
  const prisma = inputs['prisma-check'] !== 'off' && loaded.project.schema !== undefined;
  return { inputs, env, reporter, run, root, tmp, loaded, secrets, buildArgs, prisma };
}

/** One annotation per finding, its rule ID in the text and the title. */
function annotate(reporter: Reporter, findings: readonly Finding[], fallback?: { file: string; line: number }): void {
  for (const f of findings) {
    const text = `[${f.rule}] ${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}`;
    const title = `${f.check} (${f.rule})`;
    const at = f.file ? { file: f.file, line: f.line, title } : fallback && { ...fallback, title };
    if (f.level === 'error') reporter.error(text, at);
    else if (f.level === 'warning') reporter.warning(text, at);
    else if (f.level === 'notice') reporter.notice(text, at);
  }
}

function report(step: Step, findings: readonly Phased[], image?: PrismaReport['image']): PrismaReport {
  const { project } = step.loaded;
  const runtime = runtimeStage(project.dockerfile.parsed, project.dockerfile.target);
  const engines = engineMode(project);
  return {
    mode: step.inputs['prisma-check'],
    verdict: verdictOf(findings, step.inputs['prisma-check']),
    prisma: project.schema
      ? { version: project.prisma?.version, lockfile: project.prisma?.lockfile, engines: engines.mode, why: engines.why }
      : undefined,
    schema: project.schema ? { file: project.schema.file, note: step.loaded.schemaNote } : undefined,
    dockerfile: {
      file: project.dockerfile.file,
      runtimeStage: runtime.name ?? `stage ${runtime.index}`,
      runtimeBase: baseImage(project.dockerfile.parsed, runtime),
    },
    image,
    findings,
  };
}

/** Annotates, and fails a strict check with the summary written and `prisma-report` still an output. */
function enforce(step: Step, findings: readonly Phased[], phase: string, image?: PrismaReport['image']): PrismaReport {
  const r = report(step, findings, image);
  if (step.inputs['prisma-check'] !== 'strict' || r.verdict !== 'fail') return r;
  step.reporter.summary(readinessMarkdown(r));
  const errors = r.findings.filter((f) => f.level === 'error').length;
  throw new ReadinessError(
    `Readiness check: ${errors} error(s) ${phase}; nothing was pushed. Fix them, list their rule IDs in \`ignore\`, or set prisma-check: warn to report only.`,
    { 'prisma-report': JSON.stringify(r) },
  );
}

/** Phase 2: the rules on the Dockerfile, schema and build context, before anything is built. */
function staticChecks(step: Step): { findings: Phased[]; report: PrismaReport } {
  const { project, schemaNote } = step.loaded;
  if (step.inputs['prisma-check'] !== 'off' && !project.schema) step.reporter.notice(`Prisma: ${schemaNote}`);
  const all =
    step.inputs['prisma-check'] === 'off'
      ? []
      : [...(step.prisma ? runPrismaRules(project) : []), ...runContextRules(project), ...step.loaded.nextPublic];
  const findings = applyIgnore(all, step.inputs.ignore ?? []).map((f) => ({ ...f, phase: 'static' as const }));
  annotate(step.reporter, findings);
  return { findings, report: enforce(step, findings, 'in the Dockerfile, schema and build context') };
}

/** Phase 3: every external base image can be had (pulled or present) before a build is started. */
async function baseImages(step: Step, earlier: readonly Phased[]): Promise<Phased[]> {
  const { parsed, file } = step.loaded.project.dockerfile;
  const external = parsed.stages.filter((s) => !stageNamed(parsed, s.base, s.index) && s.base !== 'scratch');
  const findings: Phased[] = [];
  for (const stage of external) {
    const problem = await baseImageProblem(step.run, stage.base);
    if (!problem) continue;
    const message = `The base image ${stage.base} cannot be had: ${problem}.`;
    const fix = 'Check its name and tag; for a private registry, log in before this step.';
    findings.push({
      rule: 'base-image',
      check: 'Base images can be pulled',
      level: 'error',
      message,
      fix,
      file,
      line: stage.from.line,
      phase: 'static',
    });
  }
  const kept = applyIgnore(findings, step.inputs.ignore ?? []);
  annotate(step.reporter, kept);
  const r = report(step, [...earlier, ...kept]);
  if (kept.some((f) => f.level === 'error')) {
    step.reporter.summary(readinessMarkdown(r));
    throw new ReadinessError('A base image cannot be pulled; nothing was built.', { 'prisma-report': JSON.stringify(r) });
  }
  return kept;
}

/** Runs docker for the build; a failure names the stage, the step, its first error line and what to do. */
async function dockerBuild(step: Step, args: string[], buildx: boolean): Promise<string> {
  step.reporter.info(`docker ${args.join(' ')}`);
  const r = await docker(step.run, args, {
    onLine: (l) => step.reporter.info(l),
    env: { ...process.env, ...(buildx ? {} : { DOCKER_BUILDKIT: '0' }) },
  });
  const output = r.stdout + r.stderr;
  if (r.code === 0) return output;
  const { parsed, file } = step.loaded.project.dockerfile;
  const f = explainBuildFailure(output, parsed.all);
  const where = [f.stage && `stage ${f.stage}`, f.step && `step \`${f.step}\``].filter(Boolean).join(', ');
  const message = `docker build failed${where ? ` in ${where}` : ''}: ${f.firstError}. ${f.hint}`;
  step.reporter.error(message, f.line ? { file, line: f.line, title: 'docker build failed' } : undefined);
  throw new Error(message);
}

interface Built {
  readonly plan: BuildPlan;
  readonly builder: Builder;
  readonly imageId: string;
  readonly config: ImageConfig;
  readonly ms: number;
  readonly hits?: { steps: number; cached: number };
}

/** The cache images to push after the checks: those of the plan's cache, when it is one of images. */
const cacheImagesOf = (plan: BuildPlan): readonly CacheImage[] => (plan.cache?.type === 'images' ? plan.cache.images : []);

/**
 * Named stages before the runtime one, which get their own cache images. Not with the classic builder's
 * build secrets: those files sit in a build stage's layer, which a pushed cache image would publish.
 */
function cachedStages(step: Step, builder: Builder): string[] {
  const { parsed } = step.loaded.project.dockerfile;
  const runtime = runtimeStage(parsed, step.inputs.target);
  const stages = parsed.stages.filter((st) => st.index < runtime.index && st.name).map((st) => st.name!);
  if (builder.kind === 'classic' && step.secrets.length > 0 && stages.length > 0) {
    step.reporter.notice(
      `Build stages (${stages.join(', ')}) get no cache images: with the classic builder, build-secrets are files in a build stage's layers, and a pushed cache image would publish them.`,
    );
    return [];
  }
  return stages;
}

/** `repository` is where the image is pushed: the default cache sits beside it, when it is pushed. */
function buildPlan(step: Step, builder: Builder, tags: string[], repository: string): BuildPlan {
  const defaultRef = step.inputs.push ? `${repository}:${DEFAULT_CACHE_TAG}` : undefined;
  return {
    context: resolve(step.root, step.inputs.context),
    dockerfile: resolve(step.root, step.inputs.dockerfile),
    tags,
    buildArgs: step.buildArgs,
    secrets: step.secrets,
    target: step.inputs.target,
    platform: step.inputs.platform,
    cache: cacheSpec(step.inputs.cache, builder, {
      scope: step.inputs.image!,
      ref: defaultRef,
      stages: () => cachedStages(step, builder),
    }),
    labels: ociLabels(step.env),
    iidFile: join(step.tmp, 'iid'),
    metadataFile: join(step.tmp, 'metadata.json'),
    network: step.inputs.network,
  };
}

/** The classic builder has no --secret: each file sits in the context for this build only. */
function placeClassicSecrets(plan: BuildPlan): string[] {
  if (plan.secrets.length === 0) return [];
  mkdirSync(join(plan.context, CLASSIC_SECRETS_DIR), { recursive: true });
  return plan.secrets.map((s) => {
    const dest = join(plan.context, CLASSIC_SECRETS_DIR, s.id);
    copyFileSync(s.src, dest);
    return dest;
  });
}

/** Phase 4: the build, after each stage's cache image (built with --target from the same cache). */
async function build(step: Step, builder: Builder, tags: string[], repository: string): Promise<Built> {
  const plan = buildPlan(step, builder, tags, repository);
  const buildx = builder.kind === 'buildx';
  const args = (p: BuildPlan) => (buildx ? buildxArgs(p) : classicBuildArgs(p));
  const copied = buildx ? [] : placeClassicSecrets(plan);
  const started = Date.now();
  let output: string;
  try {
    // buildx reads cache images from the registry itself; the classic builder only from the daemon.
    if (!buildx)
      for (const c of cacheImagesOf(plan)) {
        const pulled = await docker(step.run, ['pull', c.ref]);
        step.reporter.info(pulled.code === 0 ? `Cache image ${c.ref} pulled` : `No cache image ${c.ref} yet`);
      }
    for (const c of cacheImagesOf(plan))
      if (c.stage) await dockerBuild(step, args({ ...plan, tags: [c.ref], target: c.stage, labels: {} }), buildx);
    output = await dockerBuild(step, args(plan), buildx);
  } finally {
    for (const f of copied) rmSync(f, { force: true });
  }
  const ms = Date.now() - started;
  const imageId = readFileSync(plan.iidFile, 'utf8').trim();
  const config = await imageConfig(step.run, imageId);
  if (`${config.os}/${config.architecture}` !== PLATFORM)
    throw new Error(
      `The image was built for ${config.os}/${config.architecture}; Cloud Run runs only ${PLATFORM}. Nothing was pushed.`,
    );
  return { plan, builder, imageId, config, ms, hits: buildx ? undefined : classicCacheHits(output) };
}

/** Phase 5: what the built image holds, and whether its client and engines load. */
async function imageChecks(step: Step, built: Built, earlier: readonly Phased[]): Promise<PrismaReport> {
  const { project } = step.loaded;
  const { facts, how } = await inspectImage(step.run, built.imageId);
  if (how === 'export') step.reporter.info('The image has no shell: inspected its exported filesystem instead');
  const mode = engineMode(project).mode;
  const load = facts.node
    ? await loadTest(
        step.run,
        built.imageId,
        neededEngines(facts, mode).map((e) => e.path),
      )
    : undefined;
  const generator = project.schema && clientGenerator(project.schema.parsed);
  const expectations = {
    engines: mode,
    compiledClient: settingText(generator?.provider) === 'prisma-client',
    migrateAtStart: migratesAtStart(project),
    migrationCommand: step.inputs['migration-command'],
    placeholderEngines: step.env[PLACEHOLDER_ENGINES_ENV] === '1',
  };
  const findings = applyIgnore(checkImage(facts, expectations, load), step.inputs.ignore ?? []).map((f) => ({
    ...f,
    phase: 'image' as const,
  }));
  const runtime = runtimeStage(project.dockerfile.parsed, project.dockerfile.target);
  annotate(step.reporter, findings, { file: project.dockerfile.file, line: runtime.from.line });
  const platform = platformOfFacts(facts);
  return enforce(step, [...earlier, ...findings], 'in the built image', { ...facts, target: platform && engineTarget(platform) });
}

/** The attested push rebuilt the image from the cache: its linux/amd64 entry must be the image that was checked. */
async function samePushedImage(run: RunProgram, ref: string, imageId: string): Promise<void> {
  const entry = amd64Manifest(await rawManifest(run, ref));
  const config = entry && configDigest(await rawManifest(run, `${ref.replace(/:[^:/]+$/, '')}@${entry}`));
  if (config !== imageId)
    throw new Error(
      `${ref}: the pushed linux/amd64 image (config ${config ?? 'missing'}) is not the image that was checked (${imageId}).`,
    );
}

/** Phase 6: push (with a provenance attestation through buildx when asked), then read back what the registry serves. */
async function push(step: Step, built: Built): Promise<string> {
  const tags = built.plan.tags;
  let digest: string | undefined;
  await step.reporter.group(`Push ${tags.length} tag(s)`, async () => {
    if (step.inputs.provenance !== 'false') {
      await dockerBuild(step, buildxAttestedPushArgs(built.plan, step.inputs.provenance), true);
      digest = (JSON.parse(readFileSync(built.plan.metadataFile, 'utf8')) as Record<string, string>)['containerimage.digest'];
      await samePushedImage(step.run, tags[0], built.imageId);
      return;
    }
    for (const t of tags) {
      const r = await dockerOk(step.run, ['push', t], { onLine: (l) => step.reporter.info(l) });
      digest ??= pushedDigest(r.stdout);
    }
    // The cache images go after the checks, with the image: a failed check leaves the cache as it was.
    for (const c of cacheImagesOf(built.plan)) {
      if (!c.stage) await dockerOk(step.run, ['tag', built.imageId, c.ref]);
      await dockerOk(step.run, ['push', c.ref]);
    }
  });
  const remote = await remoteManifest(step.run, tags[0]);
  const problem = manifestProblem(tags[0], remote, remote.isIndex ? undefined : digest);
  if (problem) throw new Error(problem);
  return remote.isIndex ? digest! : remote.digest;
}

function cacheText(cache: BuildPlan['cache']): string {
  if (cache === undefined) return 'local layers only';
  if (cache.type === 'gha') return `GitHub Actions cache (scope ${md.code(cache.scope)})`;
  return cache.type === 'registry'
    ? `${md.code(cache.ref)} (cache manifest)`
    : `${md.code(cache.ref)} and ${cache.images.length - 1} stage image(s)`;
}

function summary(step: Step, built: Built, prismaReport: PrismaReport, digest: string | undefined): string {
  const image = step.inputs.image!;
  const builder = `${built.builder.kind === 'buildx' ? 'buildx' : 'classic'}, ${(built.ms / 1000).toFixed(1)} s${built.hits ? `, ${built.hits.cached}/${built.hits.steps} steps from cache` : ''}`;
  return (
    md.heading('Image') +
    md.table(
      ['', ''],
      [
        ['Image', digest ? md.code(`${image}@${digest}`) : `${md.code(built.imageId)} (not pushed)`],
        ['Tags', built.plan.tags.map((t) => md.code(t.slice(image.length + 1))).join(' ')],
        ['Builder', builder],
        ['Cache', cacheText(built.plan.cache)],
        ['Size', `${(built.config.size / 1e6).toFixed(0)} MB`],
      ],
    ) +
    readinessMarkdown(prismaReport)
  );
}

export async function runBuildImage(inputs: Inputs, context: StepContext): Promise<OutputsOf<typeof buildImageAction>> {
  const { reporter, env } = context;
  const root = resolve(env.GITHUB_WORKSPACE ?? process.cwd());
  const tmp = mkdtempSync(join(env.RUNNER_TEMP ?? tmpdir(), 'runway-build-'));
  let registry: RegistrySession | undefined;
  try {
    const step = prepare(inputs, context, root, tmp);
    const checked = staticChecks(step);
    if (inputs['check-only']) {
      reporter.summary(readinessMarkdown(checked.report));
      const baseRef = inputs['base-ref'] ?? env.GITHUB_BASE_REF;
      if (baseRef) {
        const options = { policy: inputs['migration-policy'], allow: inputs['allow-migrations'] ?? [] };
        await reporter.group('Migrations', () => checkPullRequestMigrations(root, baseRef, options, context.run, reporter));
      }
      return { 'prisma-report': JSON.stringify(checked.report) };
    }
    // Repository check and Docker login before anything is built (src/registry, h-release).
    registry = inputs.push ? await openRegistry(inputs.image!, env, reporter) : undefined;
    const repository = registry?.pushRepository ?? inputs.image!;
    const tags = imageTags(repository, inputs.tags, env.GITHUB_SHA);
    const earlier = [...checked.findings, ...(await baseImages(step, checked.findings))];
    const builder = await detectBuilder(step.run);
    const built = await reporter.group(
      `Build ${tags[0]} (${builder.kind === 'buildx' ? 'buildx' : 'classic docker build'})`,
      () => build(step, builder, tags, repository),
    );
    const prismaReport = step.prisma ? await imageChecks(step, built, earlier) : report(step, earlier);
    const digest = inputs.push ? await push(step, built) : undefined;
    const metadata = {
      image: inputs.image,
      tags,
      digest,
      imageId: built.imageId,
      builder: built.builder.kind === 'buildx' ? 'buildx' : 'classic',
      platform: PLATFORM,
      size: built.config.size,
      buildMs: built.ms,
      cache: { spec: built.plan.cache ?? 'local', ...(built.hits ?? {}) },
      labels: built.plan.labels,
    };
    reporter.summary(summary(step, built, prismaReport, digest));
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
