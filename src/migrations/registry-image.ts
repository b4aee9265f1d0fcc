/**
 * Reads files out of an image in its registry, through the Registry HTTP API v2 (manifest, config,
 * layer blobs), never through Docker on the runner: deploy-cloudrun compares the candidate image with
 * the serving revision's, and a runner need not have pulled either. Layers are applied in order with
 * OCI whiteouts (`.wh.NAME` removes NAME, `.wh..wh..opq` empties its folder), so a file deleted by a
 * later layer is gone, as in the running container.
 * https://distribution.github.io/distribution/spec/api/ ·
 * https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { localImageRef } from '../registry/emulator-mirror';
import { MANIFEST_ACCEPT, registryBaseUrl } from '../registry/image-digest';
import { artifactRegistryImage, parseImageReference, repositoryOf, type ImageReference } from '../registry/reference';
import { TOKEN_USER } from '../registry/hosts';
import type { TokenSource } from '../registry/login';

/** What a caller needs from an image: its working directory and the files it asked for. */
export interface ImageFiles {
  readonly workdir: string;
  /** Absolute path in the image (`/app/prisma/migrations/…/migration.sql`) → content. */
  readonly files: ReadonlyMap<string, string>;
}

/** The largest file kept (a migration.sql beyond it is not a schema migration a person reviews). */
const MAX_FILE = 8 * 1024 * 1024;

interface Manifest {
  mediaType?: string;
  config?: { digest: string };
  layers?: { digest: string; mediaType: string }[];
  manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
}

interface Access {
  readonly base: string;
  readonly path: string;
  headers: Record<string, string>;
}

/** A Bearer token from the registry's own token service, as its 401 challenge names it (anonymous). */
async function challengeToken(challenge: string): Promise<string | undefined> {
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  if (!/^Bearer /i.test(challenge) || !params.realm) return undefined;
  const url = new URL(params.realm);
  for (const key of ['service', 'scope']) if (params[key]) url.searchParams.set(key, params[key]);
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) return undefined;
  const body = (await response.json()) as { token?: string; access_token?: string };
  return body.token ?? body.access_token;
}

async function get(access: Access, what: string, accept?: string): Promise<Response> {
  const url = `${access.base}/v2/${access.path}/${what}`;
  const send = () =>
    fetch(url, { headers: { ...access.headers, ...(accept ? { Accept: accept } : {}) }, signal: AbortSignal.timeout(120_000) });
  let response = await send();
  const challenge = response.headers.get('www-authenticate');
  if (response.status === 401 && challenge && !access.headers.Authorization) {
    const token = await challengeToken(challenge);
    if (token) {
      access.headers = { ...access.headers, Authorization: `Bearer ${token}` };
      response = await send();
    }
  }
  if (!response.ok) throw new Error(`the registry answered HTTP ${response.status} for ${url}`);
  return response;
}

/** The single-platform manifest: an index's linux/amd64 entry (what Cloud Run runs). */
async function imageManifest(access: Access, reference: string): Promise<Manifest> {
  const manifest = (await (await get(access, `manifests/${reference}`, MANIFEST_ACCEPT)).json()) as Manifest;
  if (!manifest.manifests) return manifest;
  const entry = manifest.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64');
  if (!entry) throw new Error(`the image index ${reference} has no linux/amd64 image (the one Cloud Run runs)`);
  return imageManifest(access, entry.digest);
}

/** Applies one layer's entries to `files`: whiteouts first remove, then wanted files are kept. */
async function applyLayer(
  body: ReadableStream<Uint8Array>,
  files: Map<string, string>,
  wanted: (path: string) => boolean,
): Promise<void> {
  const found = new Map<string, string>();
  const removed: string[] = [];
  const opaque: string[] = [];
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const path = '/' + entry.path.replace(/^\.?\//, '');
      const slash = path.lastIndexOf('/');
      const base = path.slice(slash + 1);
      if (base === '.wh..wh..opq') opaque.push(path.slice(0, slash + 1));
      else if (base.startsWith('.wh.')) removed.push(path.slice(0, slash + 1) + base.slice(4));
      else if (entry.type === 'File' && wanted(path) && entry.size <= MAX_FILE) {
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => found.set(path, Buffer.concat(chunks).toString('utf8')));
        return;
      }
      entry.resume();
    },
  });
  // tar's Parser detects and gunzips a gzip layer itself.
  await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream), parser);
  for (const path of [...files.keys()]) {
    if (removed.some((r) => path === r || path.startsWith(`${r}/`)) || opaque.some((dir) => path.startsWith(dir)))
      files.delete(path);
  }
  for (const [path, content] of found) files.set(path, content);
}

/** How to reach the image: under the emulator, Artifact Registry images are read from its local mirror. */
async function accessFor(
  image: string,
  env: NodeJS.ProcessEnv,
  tokens?: () => TokenSource,
): Promise<{ access: Access; ref: ImageReference }> {
  const emulated = Boolean(env.CLOUD_RUN_EMULATOR_HOST);
  const ref = parseImageReference(emulated ? localImageRef(image) : image);
  const headers: Record<string, string> = {};
  if (!emulated && artifactRegistryImage(ref) && tokens) {
    const token = await tokens().getAccessToken();
    if (token) headers.Authorization = `Basic ${Buffer.from(`${TOKEN_USER}:${token}`).toString('base64')}`;
  }
  return { access: { base: registryBaseUrl(ref.registry), path: ref.path, headers }, ref };
}

/** The image's working directory and every file `wanted` accepts, as the container would see them. */
export async function readImageFiles(
  image: string,
  wanted: (path: string) => boolean,
  env: NodeJS.ProcessEnv,
  /** Made only for an Artifact Registry image (a token as the password of oauth2accesstoken). */
  tokens?: () => TokenSource,
): Promise<ImageFiles> {
  const { access, ref } = await accessFor(image, env, tokens);
  try {
    const manifest = await imageManifest(access, ref.digest ?? ref.tag ?? 'latest');
    const config = manifest.config
      ? ((await (await get(access, `blobs/${manifest.config.digest}`)).json()) as { config?: { WorkingDir?: string } })
      : {};
    const files = new Map<string, string>();
    for (const layer of manifest.layers ?? []) {
      const response = await get(access, `blobs/${layer.digest}`);
      if (response.body) await applyLayer(response.body, files, wanted);
    }
    return { workdir: config.config?.WorkingDir || '/', files };
  } catch (e) {
    throw new Error(`Could not read ${repositoryOf(ref)} from its registry: ${(e as Error).message}`);
  }
}
