import { InputError } from '../inputs';

/**
 * Inputs → `docker` arguments, for buildx and for the classic builder (machines without BuildKit). Pure,
 * like docker/build-push-action's context.ts: the tests pin every argument.
 */

/** A cache image of one Dockerfile stage (built with --target), or of the image itself (no stage). */
export interface CacheImage {
  readonly stage?: string;
  readonly ref: string;
}

/**
 * Where layers are cached between runs:
 * - `gha`: GitHub's cache service (buildx with an exporting builder, in a JavaScript action's process only).
 * - `registry`: a cache manifest at `ref`, written by buildx with an exporting builder (mode=max: every stage).
 * - `images`: plain images pushed beside the image, one per stage, for builders that cannot export a cache
 *   manifest: the classic builder (`--cache-from` names pulled images) and buildx's `docker` driver (inline
 *   cache only, docs.docker.com/build/builders/drivers/: "Cache export: Inline only").
 */
export type CacheSpec =
  | { readonly type: 'gha'; readonly scope: string }
  | { readonly type: 'registry'; readonly ref: string }
  | { readonly type: 'images'; readonly ref: string; readonly images: readonly CacheImage[] };

/** The default cache tag, beside the image in its own repository (Artifact Registry keeps both). */
export const DEFAULT_CACHE_TAG = 'buildcache';

export interface BuildPlan {
  readonly context: string;
  readonly dockerfile: string;
  /** Full references, `registry/path:tag`. */
  readonly tags: readonly string[];
  readonly buildArgs: readonly (readonly [string, string])[];
  /** Secret files (an env secret is written to a file by the caller first). */
  readonly secrets: readonly { readonly id: string; readonly src: string }[];
  readonly target?: string;
  readonly platform: string;
  readonly cache?: CacheSpec;
  readonly labels: Readonly<Record<string, string>>;
  readonly iidFile: string;
  readonly metadataFile: string;
  /** `docker build --network`; Docker's default when undefined. */
  readonly network?: string;
}

/** Where the classic builder finds secrets: inside the context, since it has no --secret. */
export const CLASSIC_SECRETS_DIR = '.runway/secrets';

function common(plan: BuildPlan): string[] {
  const args = [...(plan.network ? ['--network', plan.network] : []), '--file', plan.dockerfile];
  for (const t of plan.tags) args.push('--tag', t);
  for (const [k, v] of plan.buildArgs) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(plan.labels)) args.push('--label', `${k}=${v}`);
  if (plan.target) args.push('--target', plan.target);
  args.push('--iidfile', plan.iidFile);
  return args;
}

/**
 * `docker buildx build`: loads the image into the daemon (it is checked before anything is pushed) with
 * no attestations (the docker exporter cannot hold them); plain progress, so a failure can be explained.
 */
export function buildxArgs(plan: BuildPlan): string[] {
  const args = [
    'buildx',
    'build',
    ...common(plan),
    '--progress=plain',
    '--platform',
    plan.platform,
    '--metadata-file',
    plan.metadataFile,
  ];
  for (const s of plan.secrets) args.push('--secret', `id=${s.id},src=${s.src}`);
  args.push(...buildxCacheArgs(plan.cache));
  args.push('--provenance=false', '--sbom=false', '--load', plan.context);
  return args;
}

/**
 * buildx's cache flags. The registry cache is written as an OCI image manifest with OCI media types
 * (`image-manifest=true,oci-mediatypes=true`), the form docs.docker.com/build/cache/backends/ gives for
 * registries that refuse BuildKit's default cache index, Artifact Registry among those users report
 * (moby/buildkit#2251, #3724). Cache images get inline cache metadata, which `type=registry` imports.
 */
export function buildxCacheArgs(cache: CacheSpec | undefined): string[] {
  if (cache?.type === 'gha')
    return ['--cache-from', `type=gha,scope=${cache.scope}`, '--cache-to', `type=gha,mode=max,scope=${cache.scope}`];
  if (cache?.type === 'registry')
    return [
      '--cache-from',
      `type=registry,ref=${cache.ref}`,
      '--cache-to',
      `type=registry,ref=${cache.ref},mode=max,image-manifest=true,oci-mediatypes=true`,
    ];
  if (cache?.type === 'images')
    return [...cache.images.flatMap((c) => ['--cache-from', `type=registry,ref=${c.ref}`]), '--cache-to', 'type=inline'];
  return [];
}

/**
 * The push with a provenance attestation, as docker/build-push-action's `provenance` input: the same build
 * again (every layer from the cache of the checked build) pushed by buildx as an index of the image and
 * its attestation. The caller checks that the pushed image is the one it checked.
 */
export function buildxAttestedPushArgs(plan: BuildPlan, provenance: string): string[] {
  const load = buildxArgs(plan);
  const args = load.slice(0, load.indexOf('--provenance=false'));
  const mode = provenance === 'true' ? 'mode=min' : provenance;
  return [
    ...args.filter((a, i) => a !== '--iidfile' && args[i - 1] !== '--iidfile'),
    `--provenance=${mode}`,
    '--sbom=false',
    '--push',
    plan.context,
  ];
}

/**
 * Classic `docker build`: no --platform (it builds for the daemon's own platform, checked after the
 * build), no --secret (secret files are copied into the context); --cache-from names the cache images,
 * pulled first (the classic builder reads only images present in the daemon).
 */
export function classicBuildArgs(plan: BuildPlan): string[] {
  const args = ['build', ...common(plan)];
  if (plan.cache?.type === 'images') for (const c of plan.cache.images) args.push('--cache-from', c.ref);
  args.push(plan.context);
  return args;
}

/**
 * A cache image holds the layers of one stage only (an image is its last stage; inline cache is
 * mode=min), so each named stage before the runtime one gets its own cache image `<ref>-<stage>`, built
 * with --target, then the image itself is `<ref>`. Unnamed stages cannot be targeted and stay uncached.
 */
export function cacheImages(ref: string, stages: readonly string[]): CacheImage[] {
  return [...stages.map((stage) => ({ stage, ref: `${ref}-${stage}` })), { ref }];
}

/** The tags to push: the commit SHA first (what deploys pin), then the extra ones, without repeats. */
export function imageTags(repository: string, tags: readonly string[] | undefined, sha: string | undefined): string[] {
  return [...new Set([...(sha ? [sha] : []), ...(tags ?? [])])].map((t) => `${repository}:${t}`);
}

/** How images get built here: buildx with its driver, or the classic builder. */
export type Builder = { readonly kind: 'classic' } | { readonly kind: 'buildx'; readonly driver: string };

/** `docker buildx inspect` output → the builder; undefined output means no buildx. */
export function builderOf(inspect: string | undefined): Builder {
  if (inspect === undefined) return { kind: 'classic' };
  return { kind: 'buildx', driver: /^Driver:\s+(\S+)/m.exec(inspect)?.[1] ?? 'docker' };
}

/**
 * The cache to use. `gha` needs buildx with a driver other than `docker` (docker/setup-buildx-action
 * makes a docker-container one) and the runtime token GitHub gives only to JavaScript and container
 * actions' processes, never to a composite action's `run:` steps (actions/runner#3046; docs.docker.com/
 * build/cache/backends/gha/ reads $ACTIONS_RUNTIME_TOKEN). A registry reference, or by default `IMAGE:buildcache`
 * when the image is pushed, works with every builder: a cache manifest where buildx can export one, cache
 * images where it cannot (classic builder, buildx `docker` driver). Without either: the local layer cache.
 * `stages` (the build stages that get cache images) is asked only when cache images are used.
 */
export function cacheSpec(
  input: string | undefined,
  builder: Builder,
  defaults: { readonly scope: string; readonly ref?: string; readonly stages: () => readonly string[] },
): CacheSpec | undefined {
  const exports = builder.kind === 'buildx' && builder.driver !== 'docker';
  if (input === 'gha') {
    if (!exports)
      throw new InputError([
        {
          input: 'cache',
          message:
            builder.kind === 'classic'
              ? 'gha needs docker buildx, which this machine does not have; use a registry reference or leave it empty'
              : 'gha needs a buildx builder that can export a cache (the "docker" driver cannot): run docker/setup-buildx-action first, or leave it empty for the registry cache',
        },
      ]);
    return { type: 'gha', scope: defaults.scope };
  }
  const ref = input ?? defaults.ref;
  if (ref === undefined) return undefined;
  return exports ? { type: 'registry', ref } : { type: 'images', ref, images: cacheImages(ref, defaults.stages()) };
}

/** OCI labels that tie the image to its commit, like docker/metadata-action's defaults. */
export function ociLabels(env: NodeJS.ProcessEnv): Record<string, string> {
  const labels: Record<string, string> = {};
  if (env.GITHUB_SHA) labels['org.opencontainers.image.revision'] = env.GITHUB_SHA;
  if (env.GITHUB_REPOSITORY)
    labels['org.opencontainers.image.source'] = `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}`;
  return labels;
}

/** `digest: sha256:… size: 1234` from `docker push` output (the last one is the manifest just pushed). */
export function pushedDigest(output: string): string | undefined {
  return [...output.matchAll(/digest: (sha256:[a-f0-9]{64}) size: \d+/g)].at(-1)?.[1];
}

/** Lines `Step N/M : …` followed by ` ---> Using cache`, from the classic builder's output. */
export function classicCacheHits(output: string): { steps: number; cached: number } {
  const steps = [...output.matchAll(/^Step \d+\/\d+ : /gm)].length;
  const cached = [...output.matchAll(/^ ---> Using cache$/gm)].length;
  return { steps, cached };
}

/**
 * What is wrong with the manifest a tag points at after the push, if anything. Cloud Run takes an image
 * index when it includes linux/amd64 (cloud.google.com/run/docs/container-contract: "If deploying a
 * multi-architecture image, the manifest list must include linux/amd64"; an attestation is an entry
 * for unknown/unknown), so only an index without linux/amd64 is refused; the registry must serve the
 * digest docker pushed.
 */
export function manifestProblem(
  ref: string,
  remote: { readonly isIndex: boolean; readonly digest: string; readonly platforms: readonly string[] },
  pushed: string | undefined,
): string | undefined {
  if (remote.isIndex && !remote.platforms.includes('linux/amd64'))
    return `${ref} is an index of ${remote.platforms.join(', ')} without linux/amd64, the only platform Cloud Run runs.`;
  if (remote.isIndex) return undefined;
  if (remote.platforms.length > 0 && !remote.platforms.includes('linux/amd64'))
    return `${ref} is for ${remote.platforms.join(', ')}; Cloud Run runs only linux/amd64.`;
  if (pushed && pushed !== remote.digest)
    return `docker push reported ${pushed} but the registry serves ${remote.digest} for ${ref}`;
  return undefined;
}

/**
 * The linux/amd64 image manifest an OCI index or manifest list points at (attestation manifests are
 * `unknown/unknown` entries, docs.docker.com/build/metadata/attestations/attestation-storage/).
 */
export function amd64Manifest(rawIndex: string): string | undefined {
  const index = JSON.parse(rawIndex) as { manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[] };
  return index.manifests?.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64')?.digest;
}

/** The config digest of an image manifest: equal to the image ID docker gave the image that was checked. */
export const configDigest = (rawManifest: string): string | undefined =>
  (JSON.parse(rawManifest) as { config?: { digest?: string } }).config?.digest;
