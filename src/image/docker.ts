/**
 * The docker CLI edge: run a command (streaming its lines), look at images and at what a registry holds.
 * The containers that inspect a built image run with `--network none`: the checks never need a network.
 */
import type { ProgramOptions, RunProgram, RunResult } from '../report';
import { builderOf, type Builder } from './build-command';
import {
  inspectionFromListing,
  parseInspection,
  LOAD_SCRIPT,
  INSPECT_SCRIPT,
  type ImageFacts,
  type LoadResult,
} from './image-facts';

export class DockerError extends Error {}

/** Runs `docker ...` through the step's `run` (@actions/exec on a runner); `onLine` sees lines as they come. */
export async function docker(run: RunProgram, args: readonly string[], options: ProgramOptions = {}): Promise<RunResult> {
  try {
    return await run('docker', args, options);
  } catch (e) {
    throw new DockerError(`cannot run docker: ${(e as Error).message}`);
  }
}

/** Like `docker` but fails with the command and its last output lines. */
export async function dockerOk(run: RunProgram, args: readonly string[], options: ProgramOptions = {}): Promise<RunResult> {
  const r = await docker(run, args, options);
  if (r.code !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-8).join('\n');
    throw new DockerError(`docker ${args.slice(0, 2).join(' ')} failed (exit ${r.code}):\n${tail}`);
  }
  return r;
}

/** buildx and its current builder's driver, or the classic builder when there is no buildx. */
export async function detectBuilder(run: RunProgram): Promise<Builder> {
  const r = await docker(run, ['buildx', 'inspect']).catch(() => undefined);
  return builderOf(r && r.code === 0 ? r.stdout : undefined);
}

export interface ImageConfig {
  readonly id: string;
  readonly os: string;
  readonly architecture: string;
  readonly size: number;
  readonly user: string;
  readonly workingDir: string;
}

export async function imageConfig(run: RunProgram, image: string): Promise<ImageConfig> {
  const r = await dockerOk(run, ['image', 'inspect', image]);
  const [i] = JSON.parse(r.stdout) as {
    Id: string;
    Os: string;
    Architecture: string;
    Size: number;
    Config: { User?: string; WorkingDir?: string };
  }[];
  return {
    id: i.Id,
    os: i.Os,
    architecture: i.Architecture,
    size: i.Size,
    user: i.Config.User ?? '',
    workingDir: i.Config.WorkingDir ?? '',
  };
}

/** `docker <args> | tar <flags>` (tar reading an exported filesystem), through `sh`: one program for `run`. */
async function dockerToTar(run: RunProgram, args: readonly string[], tarFlags: '-t' | '-xO'): Promise<string> {
  const r = await run('sh', ['-c', `docker "$@" | tar ${tarFlags}`, 'sh', ...args]);
  if (r.code !== 0) throw new DockerError(`docker ${args[0]} | tar ${tarFlags} failed (exit ${r.code})`);
  return r.stdout;
}

/**
 * What the image holds. With a shell inside, a script lists it (as root); without one (distroless),
 * the filesystem of a created, never started container is exported and listed from outside.
 */
export async function inspectImage(run: RunProgram, image: string): Promise<{ facts: ImageFacts; how: 'shell' | 'export' }> {
  const r = await docker(run, [
    'run',
    '--rm',
    '--network',
    'none',
    '--user',
    '0',
    '--entrypoint',
    'sh',
    image,
    '-c',
    INSPECT_SCRIPT,
  ]);
  if (r.code === 0) return { facts: parseInspection(r.stdout), how: 'shell' };
  if (!/executable file not found|no such file or directory/i.test(r.stderr)) {
    throw new DockerError(`inspecting ${image} failed (exit ${r.code}): ${r.stderr.trim().split('\n').at(-1)}`);
  }
  const id = (await dockerOk(run, ['create', '--network', 'none', image])).stdout.trim();
  try {
    const paths = (await dockerToTar(run, ['export', id], '-t')).split('\n').filter(Boolean);
    const osRelease = await dockerToTar(run, ['cp', '-L', `${id}:/etc/os-release`, '-'], '-xO').catch(() => '');
    return { facts: parseInspection(inspectionFromListing(paths, osRelease)), how: 'export' };
  } finally {
    await docker(run, ['rm', id]);
  }
}

/** Loads the client and dlopens the engines as the image's own user, in its own workdir. */
export async function loadTest(run: RunProgram, image: string, engines: readonly string[]): Promise<LoadResult> {
  const r = await docker(run, [
    'run',
    '--rm',
    '--network',
    'none',
    '--entrypoint',
    'node',
    image,
    '-e',
    LOAD_SCRIPT,
    JSON.stringify(engines),
  ]);
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as LoadResult;
  } catch {
    return { ok: false, error: `node exited ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`, engines: {} };
  }
}

export interface RemoteManifest {
  readonly digest: string;
  readonly mediaType: string;
  /** A manifest list / OCI index (several platforms or attestations), which Runway refuses. */
  readonly isIndex: boolean;
  readonly platforms: string[];
}

/** What the registry serves for a reference, through the docker CLI (it has the registry credentials). */
export async function remoteManifest(run: RunProgram, ref: string): Promise<RemoteManifest> {
  const host = ref.split('/')[0];
  const insecure = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host) ? ['--insecure'] : [];
  const r = await dockerOk(run, ['manifest', 'inspect', '--verbose', ...insecure, ref]);
  type Entry = { Descriptor: { mediaType: string; digest: string; platform?: { os: string; architecture: string } } };
  const parsed = JSON.parse(r.stdout) as Entry | Entry[];
  if (Array.isArray(parsed)) {
    // The CLI shows an index as its entries; the index digest itself is what the tag points at.
    return {
      digest: '',
      mediaType: 'index',
      isIndex: true,
      platforms: parsed.map((e) => `${e.Descriptor.platform?.os}/${e.Descriptor.platform?.architecture}`),
    };
  }
  const p = parsed.Descriptor.platform;
  return {
    digest: parsed.Descriptor.digest,
    mediaType: parsed.Descriptor.mediaType,
    isIndex: false,
    platforms: p ? [`${p.os}/${p.architecture}`] : [],
  };
}

/**
 * Why a base image cannot be had, or undefined when it can: present in the daemon, or its manifest
 * readable from its registry (the same credentials the build uses).
 */
export async function baseImageProblem(run: RunProgram, image: string): Promise<string | undefined> {
  if ((await docker(run, ['image', 'inspect', image])).code === 0) return undefined;
  const host = image.split('/')[0];
  const insecure = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host) ? ['--insecure'] : [];
  const r = await docker(run, ['manifest', 'inspect', ...insecure, image]);
  if (r.code === 0) return undefined;
  return (r.stderr || r.stdout).trim().split('\n').at(-1) || `docker manifest inspect exited ${r.code}`;
}

/** The raw manifest or index a reference points at, as the registry serves it (buildx's imagetools). */
export async function rawManifest(run: RunProgram, ref: string): Promise<string> {
  return (await dockerOk(run, ['buildx', 'imagetools', 'inspect', '--raw', ref])).stdout;
}
