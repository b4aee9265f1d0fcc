/**
 * The docker CLI edge: run a command (streaming its lines), look at images and at what a registry holds.
 * The containers that inspect a built image run with `--network none`: the checks never need a network.
 */
import { spawn } from 'node:child_process';
import { builderOf, type Builder } from './build-command';
import {
  inspectionFromListing,
  parseInspection,
  LOAD_SCRIPT,
  INSPECT_SCRIPT,
  type ImageFacts,
  type LoadResult,
} from './image-facts';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class DockerError extends Error {}

/** Runs `docker ...`; `onLine` sees stdout and stderr lines as they come (build logs). */
export function docker(
  args: readonly string[],
  options: { onLine?: (line: string) => void; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const feed = (chunk: string) => {
      if (!options.onLine) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) options.onLine(l);
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      feed(d.toString());
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      feed(d.toString());
    });
    child.on('error', (e) => reject(new DockerError(`cannot run docker: ${e.message}`)));
    child.on('close', (code) => {
      if (pending && options.onLine) options.onLine(pending);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** Like `docker` but fails with the command and its last output lines. */
export async function dockerOk(args: readonly string[], options: Parameters<typeof docker>[1] = {}): Promise<CommandResult> {
  const r = await docker(args, options);
  if (r.code !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-8).join('\n');
    throw new DockerError(`docker ${args.slice(0, 2).join(' ')} failed (exit ${r.code}):\n${tail}`);
  }
  return r;
}

/** buildx and its current builder's driver, or the classic builder when there is no buildx. */
export async function detectBuilder(): Promise<Builder> {
  const r = await docker(['buildx', 'inspect']).catch(() => undefined);
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

export async function imageConfig(image: string): Promise<ImageConfig> {
  const r = await dockerOk(['image', 'inspect', image]);
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

/** Runs `docker <args> | <command>` and returns the command's output (tar reading an exported filesystem). */
function piped(args: readonly string[], command: string, commandArgs: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const source = spawn('docker', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const sink = spawn(command, commandArgs, { stdio: ['pipe', 'pipe', 'ignore'] });
    source.stdout.pipe(sink.stdin);
    let out = '';
    sink.stdout.on('data', (d: Buffer) => (out += d.toString()));
    sink.on('error', reject);
    sink.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new DockerError(`docker ${args[0]} | ${command} failed (exit ${code})`)),
    );
  });
}

/**
 * What the image holds. With a shell inside, a script lists it (as root); without one (distroless),
 * the filesystem of a created, never started container is exported and listed from outside.
 */
export async function inspectImage(image: string): Promise<{ facts: ImageFacts; how: 'shell' | 'export' }> {
  const r = await docker(['run', '--rm', '--network', 'none', '--user', '0', '--entrypoint', 'sh', image, '-c', INSPECT_SCRIPT]);
  if (r.code === 0) return { facts: parseInspection(r.stdout), how: 'shell' };
  if (!/executable file not found|no such file or directory/i.test(r.stderr)) {
    throw new DockerError(`inspecting ${image} failed (exit ${r.code}): ${r.stderr.trim().split('\n').at(-1)}`);
  }
  const id = (await dockerOk(['create', '--network', 'none', image])).stdout.trim();
  try {
    const paths = (await piped(['export', id], 'tar', ['-t'])).split('\n').filter(Boolean);
    const osRelease = await piped(['cp', '-L', `${id}:/etc/os-release`, '-'], 'tar', ['-xO']).catch(() => '');
    return { facts: parseInspection(inspectionFromListing(paths, osRelease)), how: 'export' };
  } finally {
    await docker(['rm', id]);
  }
}

/** Loads the client and dlopens the engines as the image's own user, in its own workdir. */
export async function loadTest(image: string, engines: readonly string[]): Promise<LoadResult> {
  const r = await docker([
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
export async function remoteManifest(ref: string): Promise<RemoteManifest> {
  const host = ref.split('/')[0];
  const insecure = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host) ? ['--insecure'] : [];
  const r = await dockerOk(['manifest', 'inspect', '--verbose', ...insecure, ref]);
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
export async function baseImageProblem(image: string): Promise<string | undefined> {
  if ((await docker(['image', 'inspect', image])).code === 0) return undefined;
  const host = image.split('/')[0];
  const insecure = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host) ? ['--insecure'] : [];
  const r = await docker(['manifest', 'inspect', ...insecure, image]);
  if (r.code === 0) return undefined;
  return (r.stderr || r.stdout).trim().split('\n').at(-1) || `docker manifest inspect exited ${r.code}`;
}
