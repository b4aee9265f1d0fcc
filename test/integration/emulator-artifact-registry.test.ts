/**
 * The emulated Artifact Registry, spoken to only by the real @google-cloud/artifact-registry client,
 * over images really pushed to the local registry (127.0.0.1:5000) by Docker, served by the whole
 * emulator (startEmulator) as users run it.
 */
import * as grpc from '@grpc/grpc-js';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { RegistryHttp } from '../../emulator/runtime/registry-http';
import { Emulator, startEmulator } from '../../emulator/server';
import { GoogleClients, createClients } from '../../src/cloudrun/clients';

jest.setTimeout(180_000);

const REGISTRY = '127.0.0.1:5000';
const V2 = `http://${REGISTRY}/v2`;
const BASE = 'node:24-bookworm-slim';
// A project of its own per run: parallel workers and other helpers share the registry.
const PROJECT = `runway-test-${randomBytes(4).toString('hex')}`;
const LOCATION = 'us-central1';
const REPO = `projects/${PROJECT}/locations/${LOCATION}/repositories/apps`;
const AR_PATH = `${LOCATION}-docker.pkg.dev/${PROJECT}/apps`;
const NOT_FOUND = expect.objectContaining({ code: grpc.status.NOT_FOUND, details: 'Requested entity was not found.' });

const docker = (...args: string[]): string =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Builds a distinct tiny image (a label on the base, no new layer), pushes it, returns Docker's digest. */
function pushImage(image: string, tag: string, buildDir: string): string {
  const ref = `${REGISTRY}/${AR_PATH}/${image}:${tag}`;
  writeFileSync(join(buildDir, 'Dockerfile'), `FROM ${BASE}\nLABEL runway.test=${randomBytes(6).toString('hex')}\n`);
  docker('build', '--network', 'host', '-q', '-t', ref, buildDir);
  docker('push', '-q', ref);
  pushed.push(ref);
  // RepoDigests is `127.0.0.1:5000/...@sha256:...`
  return docker('inspect', '--format', '{{index .RepoDigests 0}}', ref).split('@')[1];
}

async function registryManifest(path: string, reference: string): Promise<{ digest: string; body: Record<string, unknown> }> {
  const response = await fetch(`${V2}/${path}/manifests/${reference}`, {
    headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json' },
  });
  if (response.status !== 200) throw new Error(`${path}:${reference} → HTTP ${response.status}`);
  return { digest: response.headers.get('docker-content-digest')!, body: (await response.json()) as Record<string, unknown> };
}

const registryTags = async (path: string): Promise<string[]> =>
  (((await (await fetch(`${V2}/${path}/tags/list`)).json()) as { tags: string[] | null }).tags ?? []).sort();

const pushed: string[] = [];
let emulator: Emulator;
let clients: GoogleClients;
let buildDir: string;
let web1: string;
let web2: string;
let api1: string;

beforeAll(async () => {
  buildDir = mkdtempSync(join(tmpdir(), 'runway-test-ar-'));
  web1 = pushImage('web', 'v1', buildDir);
  web2 = pushImage('web', 'v2', buildDir);
  api1 = pushImage('team/api', 'v1', buildDir);
  emulator = await startEmulator({ registry: REGISTRY });
  clients = createClients(emulator.env);
});

afterAll(async () => {
  await clients?.close();
  await emulator?.stop();
  // Remove what this run stored: every manifest under the run's project, then the local tags.
  for (const path of [`${AR_PATH}/web`, `${AR_PATH}/team/api`]) {
    for (const tag of await registryTags(path)) {
      const { digest } = await registryManifest(path, tag).catch(() => ({ digest: '' }));
      if (digest) await fetch(`${V2}/${path}/manifests/${digest}`, { method: 'DELETE' });
    }
  }
  for (const ref of pushed) execFileSync('docker', ['rmi', '-f', ref], { stdio: 'ignore' });
  rmSync(buildDir, { recursive: true, force: true });
});

describe('repositories', () => {
  it('GetRepository finds a repository that holds images', async () => {
    const [repository] = await clients.artifactRegistry.getRepository({ name: REPO });
    expect(repository).toMatchObject({ name: REPO, format: 'DOCKER', mode: 'STANDARD_REPOSITORY', registryUri: AR_PATH });
  });

  it('ListRepositories lists the repositories of a project and location that hold images', async () => {
    const [repositories] = await clients.artifactRegistry.listRepositories({
      parent: `projects/${PROJECT}/locations/${LOCATION}`,
    });
    expect(repositories.map((r) => [r.name, r.registryUri])).toEqual([[REPO, AR_PATH]]);
    const [elsewhere] = await clients.artifactRegistry.listRepositories({ parent: `projects/${PROJECT}/locations/europe-west1` });
    expect(elsewhere).toEqual([]);
  });

  it('GetRepository of a repository without images is NOT_FOUND like the real API', async () => {
    await expect(clients.artifactRegistry.getRepository({ name: `${REPO}-missing` })).rejects.toEqual(NOT_FOUND);
  });

  it('a malformed name is INVALID_ARGUMENT naming the expected form', async () => {
    await expect(clients.artifactRegistry.getRepository({ name: `projects/${PROJECT}/repositories/apps` })).rejects.toEqual(
      expect.objectContaining({
        code: grpc.status.INVALID_ARGUMENT,
        details: expect.stringContaining('projects/PROJECT/locations/LOCATION/repositories/ID'),
      }),
    );
  });
});

describe('docker images', () => {
  it('ListDockerImages lists every pushed digest with its tags, URI, size and media type', async () => {
    const [images] = await clients.artifactRegistry.listDockerImages({ parent: REPO });
    expect(images.map((i) => [i.name, i.uri, i.tags])).toEqual([
      [`${REPO}/dockerImages/team%2Fapi@${api1}`, `${AR_PATH}/team/api@${api1}`, ['v1']],
      ...[
        [`${REPO}/dockerImages/web@${web1}`, `${AR_PATH}/web@${web1}`, ['v1']],
        [`${REPO}/dockerImages/web@${web2}`, `${AR_PATH}/web@${web2}`, ['v2']],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ]);
    const { body } = await registryManifest(`${AR_PATH}/web`, web1);
    const layers = body.layers as { size: number }[];
    const config = body.config as { size: number };
    const web1Image = images.find((i) => i.name?.endsWith(web1))!;
    expect(Number(web1Image.imageSizeBytes)).toBe(config.size + layers.reduce((sum, l) => sum + l.size, 0));
    expect(web1Image.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    const built = new Date(docker('inspect', '--format', '{{.Created}}', `${REGISTRY}/${AR_PATH}/web:v1`)).getTime();
    expect(Number(web1Image.buildTime?.seconds)).toBe(Math.floor(built / 1000));
    expect(Number(web1Image.uploadTime?.seconds)).toBeGreaterThan(0);
  });

  it('auto-pagination with page_size 1 returns the same images; a manual page carries a next_page_token', async () => {
    const [all] = await clients.artifactRegistry.listDockerImages({ parent: REPO });
    const [paged] = await clients.artifactRegistry.listDockerImages({ parent: REPO, pageSize: 1 });
    expect(paged.map((i) => i.name)).toEqual(all.map((i) => i.name));
    const [first, next, response] = await clients.artifactRegistry.listDockerImages(
      { parent: REPO, pageSize: 2 },
      { autoPaginate: false },
    );
    expect(first).toHaveLength(2);
    expect(next?.pageToken).toBeTruthy();
    expect(response?.nextPageToken).toBe(next?.pageToken);
    const streamed: string[] = [];
    for await (const image of clients.artifactRegistry.listDockerImagesAsync({ parent: REPO, pageSize: 1 }))
      streamed.push(image.name!);
    expect(streamed).toEqual(all.map((i) => i.name));
  });

  it('order_by sorts (name desc here) and rejects fields the API does not sort by', async () => {
    const [images] = await clients.artifactRegistry.listDockerImages({ parent: REPO, orderBy: 'name desc' });
    expect(images.map((i) => i.name)).toEqual([...images.map((i) => i.name!)].sort().reverse());
    await expect(clients.artifactRegistry.listDockerImages({ parent: REPO, orderBy: 'size' })).rejects.toEqual(
      expect.objectContaining({ code: grpc.status.INVALID_ARGUMENT }),
    );
  });

  it('GetDockerImage by digest, and NOT_FOUND for a digest the registry does not hold', async () => {
    const [image] = await clients.artifactRegistry.getDockerImage({ name: `${REPO}/dockerImages/team%2Fapi@${api1}` });
    expect(image).toMatchObject({ uri: `${AR_PATH}/team/api@${api1}`, tags: ['v1'] });
    await expect(
      clients.artifactRegistry.getDockerImage({ name: `${REPO}/dockerImages/web@sha256:${'0'.repeat(64)}` }),
    ).rejects.toEqual(NOT_FOUND);
  });

  it('a multi-platform index is one image listing its platform manifests, sized as their sum', async () => {
    const [a, b] = await Promise.all([registryManifest(`${AR_PATH}/web`, web1), registryManifest(`${AR_PATH}/web`, web2)]);
    const entry = (digest: string, size: number, architecture: string) => ({
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      digest,
      size,
      platform: { architecture, os: 'linux' },
    });
    // Children must be referenced with their exact manifest sizes; fetch them raw to measure.
    const raw = async (digest: string) =>
      Buffer.from(
        await (
          await fetch(`${V2}/${AR_PATH}/web/manifests/${digest}`, {
            headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
          })
        ).arrayBuffer(),
      ).length;
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [entry(web1, await raw(web1), 'amd64'), entry(web2, await raw(web2), 'arm64')],
    };
    const put = await fetch(`${V2}/${AR_PATH}/web/manifests/multi`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
      body: JSON.stringify(index),
    });
    expect(put.status).toBe(201);
    const indexDigest = put.headers.get('docker-content-digest')!;
    const [image] = await clients.artifactRegistry.getDockerImage({ name: `${REPO}/dockerImages/web@${indexDigest}` });
    expect(image.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(image.tags).toEqual(['multi']);
    expect(image.imageManifests?.map((m) => [m.digest, m.architecture, m.os])).toEqual([
      [web1, 'amd64', 'linux'],
      [web2, 'arm64', 'linux'],
    ]);
    const imageBytes = (body: Record<string, unknown>) =>
      (body.config as { size: number }).size + (body.layers as { size: number }[]).reduce((s, l) => s + l.size, 0);
    expect(Number(image.imageSizeBytes)).toBe(imageBytes(a.body) + imageBytes(b.body));
  });

  it('methods outside the subset answer UNIMPLEMENTED naming the method', async () => {
    await expect(clients.artifactRegistry.listMavenArtifacts({ parent: REPO })).rejects.toEqual(
      expect.objectContaining({ code: grpc.status.UNIMPLEMENTED, details: expect.stringContaining('ListMavenArtifacts') }),
    );
  });
});

describe('packages and versions', () => {
  const PKG = `${REPO}/packages/web`;

  it('ListPackages lists each image path (slashes escaped); GetPackage finds one, NOT_FOUND otherwise', async () => {
    const [packages] = await clients.artifactRegistry.listPackages({ parent: REPO });
    expect(packages.map((p) => [p.name, p.displayName])).toEqual([
      [`${REPO}/packages/team%2Fapi`, 'team/api'],
      [PKG, 'web'],
    ]);
    const [web] = await clients.artifactRegistry.getPackage({ name: PKG });
    expect(web.name).toBe(PKG);
    await expect(clients.artifactRegistry.getPackage({ name: `${REPO}/packages/nope` })).rejects.toEqual(NOT_FOUND);
  });

  it('GetVersion (how deploy checks a pinned digest) carries the image metadata; FULL view adds its tags', async () => {
    const [basic] = await clients.artifactRegistry.getVersion({ name: `${PKG}/versions/${web1}` });
    expect(basic.name).toBe(`${PKG}/versions/${web1}`);
    expect(basic.relatedTags).toEqual([]);
    expect(basic.metadata?.fields?.mediaType?.stringValue).toBe('application/vnd.docker.distribution.manifest.v2+json');
    const [image] = await clients.artifactRegistry.getDockerImage({ name: `${REPO}/dockerImages/web@${web1}` });
    expect(basic.metadata?.fields?.imageSizeBytes?.stringValue).toBe(String(image.imageSizeBytes));
    expect(Buffer.from(basic.fingerprints![0].value as Uint8Array).toString('hex')).toBe(web1.slice('sha256:'.length));
    const [full] = await clients.artifactRegistry.getVersion({ name: `${PKG}/versions/${web1}`, view: 'FULL' });
    expect(full.relatedTags?.map((t) => t.name)).toEqual([`${PKG}/tags/v1`]);
    await expect(clients.artifactRegistry.getVersion({ name: `${PKG}/versions/sha256:${'2'.repeat(64)}` })).rejects.toEqual(
      NOT_FOUND,
    );
  });

  it('ListVersions lists every digest of the package', async () => {
    const [versions] = await clients.artifactRegistry.listVersions({ parent: PKG, view: 'FULL' });
    const names = versions.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining([`${PKG}/versions/${web1}`, `${PKG}/versions/${web2}`]));
    expect(versions.find((v) => v.name?.endsWith(web2))?.relatedTags?.map((t) => t.name)).toEqual([`${PKG}/tags/v2`]);
    await expect(clients.artifactRegistry.listVersions({ parent: PKG, filter: 'name="x"' })).rejects.toEqual(
      expect.objectContaining({
        code: grpc.status.UNIMPLEMENTED,
        details: 'The emulator does not support filter on ListVersions',
      }),
    );
  });
});

describe('tags', () => {
  const PKG = `${REPO}/packages/web`;
  const version = (digest: string) => `${PKG}/versions/${digest}`;
  const tagsOf = async () =>
    (await clients.artifactRegistry.listTags({ parent: PKG }))[0].map((t) => [t.name!.slice(PKG.length + 6), t.version]);

  it('ListTags names each tag with the version (digest) it points at, and filters by name', async () => {
    const tags = await tagsOf();
    expect(tags).toEqual(
      expect.arrayContaining([
        ['v1', version(web1)],
        ['v2', version(web2)],
      ]),
    );
    const [filtered] = await clients.artifactRegistry.listTags({ parent: PKG, filter: `name="${PKG}/tags/v2"` });
    expect(filtered.map((t) => t.version)).toEqual([version(web2)]);
  });

  it('CreateTag adds a tag in the registry; creating it again is ALREADY_EXISTS', async () => {
    const [tag] = await clients.artifactRegistry.createTag({ parent: PKG, tagId: 'stable', tag: { version: version(web1) } });
    expect(tag).toMatchObject({ name: `${PKG}/tags/stable`, version: version(web1) });
    expect((await registryManifest(`${AR_PATH}/web`, 'stable')).digest).toBe(web1);
    await expect(
      clients.artifactRegistry.createTag({ parent: PKG, tagId: 'stable', tag: { version: version(web2) } }),
    ).rejects.toEqual(expect.objectContaining({ code: grpc.status.ALREADY_EXISTS }));
    await expect(
      clients.artifactRegistry.createTag({ parent: PKG, tagId: 'ghost', tag: { version: version(`sha256:${'1'.repeat(64)}`) } }),
    ).rejects.toEqual(NOT_FOUND);
    expect(await registryTags(`${AR_PATH}/web`)).not.toContain('ghost');
    await expect(
      clients.artifactRegistry.createTag({ parent: PKG, tagId: 'runway-untagged-x', tag: { version: version(web1) } }),
    ).rejects.toEqual(
      expect.objectContaining({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining('reserved') }),
    );
  });

  it('UpdateTag moves a tag to another digest; the old digest stays listed untagged', async () => {
    await clients.artifactRegistry.createTag({ parent: PKG, tagId: 'canary', tag: { version: version(web1) } });
    await clients.artifactRegistry.deleteTag({ name: `${PKG}/tags/stable` });
    const [moved] = await clients.artifactRegistry.updateTag({
      tag: { name: `${PKG}/tags/v1`, version: version(web2) },
      updateMask: { paths: ['version'] },
    });
    expect(moved.version).toBe(version(web2));
    expect((await registryManifest(`${AR_PATH}/web`, 'v1')).digest).toBe(web2);
    const [w1] = await clients.artifactRegistry.getDockerImage({ name: `${REPO}/dockerImages/web@${web1}` });
    expect(w1.tags).toEqual(['canary']);
    await expect(
      clients.artifactRegistry.updateTag({ tag: { name: `${PKG}/tags/nope`, version: version(web2) } }),
    ).rejects.toEqual(NOT_FOUND);
  });

  it('DeleteTag removes only that tag: other tags of the digest stay, the last one leaves the digest pullable', async () => {
    await clients.artifactRegistry.createTag({ parent: PKG, tagId: 'keep', tag: { version: version(web2) } });
    await clients.artifactRegistry.deleteTag({ name: `${PKG}/tags/v2` });
    const [w2] = await clients.artifactRegistry.getDockerImage({ name: `${REPO}/dockerImages/web@${web2}` });
    expect(w2.tags).toEqual(['keep', 'v1']);
    expect(await registryTags(`${AR_PATH}/web`)).toEqual(expect.arrayContaining(['keep', 'v1']));
    expect(await registryTags(`${AR_PATH}/web`)).not.toContain('v2');

    await clients.artifactRegistry.deleteTag({ name: `${PKG}/tags/canary` });
    const [w1] = await clients.artifactRegistry.getDockerImage({ name: `${REPO}/dockerImages/web@${web1}` });
    expect(w1.tags).toEqual([]);
    expect((await registryManifest(`${AR_PATH}/web`, web1)).digest).toBe(web1);
    await expect(clients.artifactRegistry.deleteTag({ name: `${PKG}/tags/canary` })).rejects.toEqual(NOT_FOUND);
  });
});

describe('the local registry behind it', () => {
  it('the catalog follows the registry Link pagination to the end', async () => {
    const whole = await new RegistryHttp(REGISTRY).catalog();
    expect(whole).toEqual(expect.arrayContaining([`${AR_PATH}/web`, `${AR_PATH}/team/api`]));
    // Pages of 2 take many Link hops (the catalog holds at least this run's two paths plus others').
    // Other workers may push meanwhile; the registry never drops a path, so `whole` must all be there, once.
    const paged = await new RegistryHttp(REGISTRY, { catalogPageSize: 2 }).catalog();
    expect(paged).toEqual(expect.arrayContaining(whole));
    expect(new Set(paged).size).toBe(paged.length);
  });

  it('a stopped registry is UNAVAILABLE naming its address and how to start it', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const down = await startEmulator({ registry: `127.0.0.1:${closed}` });
    const downClients = createClients(down.env);
    try {
      await expect(downClients.artifactRegistry.getDockerImage({ name: `${REPO}/dockerImages/web@${web1}` })).rejects.toEqual(
        expect.objectContaining({
          code: grpc.status.UNAVAILABLE,
          details: expect.stringMatching(new RegExp(`registry at http://127.0.0.1:${closed}/v2 is not reachable.*stack.sh up`)),
        }),
      );
    } finally {
      await downClients.close();
      await down.stop();
    }
  });
});
