/**
 * A small client for the Docker Registry HTTP API v2 of the local registry (127.0.0.1:5000): the
 * store behind the emulated Artifact Registry. Only what the emulator needs: catalog, tags,
 * manifests (read, put under a tag, delete by digest) and config blobs.
 */

/** Every manifest kind Artifact Registry stores, single-platform and multi-platform. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
] as const;

const ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');

export interface Descriptor {
  readonly mediaType?: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { architecture?: string; os?: string; variant?: string; 'os.version'?: string; 'os.features'?: string[] };
}

/** The fields of an image manifest or an index that the emulator reads. */
export interface ManifestBody {
  readonly mediaType?: string;
  readonly config?: Descriptor;
  readonly layers?: Descriptor[];
  readonly manifests?: Descriptor[];
}

export interface Manifest {
  readonly digest: string;
  readonly mediaType: string;
  /** The exact bytes: re-putting them under another tag keeps the digest. */
  readonly bytes: Buffer;
  readonly body: ManifestBody;
}

/** Reads an unused body to the end so the connection goes back to the pool. */
async function discard<T>(response: Response, value: T): Promise<T> {
  await response.arrayBuffer();
  return value;
}

export class RegistryUnavailable extends Error {}

export class RegistryHttp {
  private readonly base: string;
  private readonly catalogPageSize: number;

  constructor(address: string, options: { catalogPageSize?: number } = {}) {
    this.base = `http://${address}/v2`;
    this.catalogPageSize = options.catalogPageSize ?? 1000;
  }

  /** All repository paths, following the registry's Link pagination. */
  async catalog(): Promise<string[]> {
    const names: string[] = [];
    let path: string | undefined = `/_catalog?n=${this.catalogPageSize}`;
    while (path) {
      const response = await this.request('GET', path);
      await this.expect(response, [200], 'list the catalog');
      const { repositories } = (await response.json()) as { repositories: string[] | null };
      names.push(...(repositories ?? []));
      path = /<\/v2([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    }
    return names;
  }

  /** The tags of a repository path; none when the path is unknown or all its manifests were deleted. */
  async tags(name: string): Promise<string[]> {
    const response = await this.request('GET', `/${name}/tags/list`);
    if (response.status === 404) return discard(response, []);
    await this.expect(response, [200], `list the tags of ${name}`);
    return ((await response.json()) as { tags: string[] | null }).tags ?? [];
  }

  /** The digest a tag (or digest) resolves to, or undefined when there is no such manifest. */
  async resolve(name: string, reference: string): Promise<string | undefined> {
    const response = await this.request('HEAD', `/${name}/manifests/${reference}`, { accept: ACCEPT });
    if (response.status === 404) return undefined;
    await this.expect(response, [200], `resolve ${name}:${reference}`);
    return response.headers.get('docker-content-digest') ?? undefined;
  }

  async manifest(name: string, reference: string): Promise<Manifest | undefined> {
    const response = await this.request('GET', `/${name}/manifests/${reference}`, { accept: ACCEPT });
    if (response.status === 404) return discard(response, undefined);
    await this.expect(response, [200], `read the manifest ${name}@${reference}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const body = JSON.parse(bytes.toString('utf8')) as ManifestBody;
    return {
      digest: response.headers.get('docker-content-digest') ?? '',
      mediaType: response.headers.get('content-type') ?? body.mediaType ?? '',
      bytes,
      body,
    };
  }

  /** A JSON blob, e.g. an image config (for its `created` time). */
  async blobJson(name: string, digest: string): Promise<unknown> {
    const response = await this.request('GET', `/${name}/blobs/${digest}`);
    if (response.status === 404) return discard(response, undefined);
    await this.expect(response, [200], `read the blob ${name}@${digest}`);
    return response.json();
  }

  /** Stores the manifest under a tag (creates or moves the tag); returns the digest the registry computed. */
  async putManifest(name: string, tag: string, manifest: Manifest): Promise<string> {
    const response = await this.request(
      'PUT',
      `/${name}/manifests/${tag}`,
      { 'content-type': manifest.mediaType },
      manifest.bytes,
    );
    await this.expect(response, [201], `tag ${name}:${tag}`);
    await response.arrayBuffer();
    return response.headers.get('docker-content-digest') ?? manifest.digest;
  }

  /** Deletes a manifest by digest; the Registry API removes every tag that points at it. */
  async deleteManifest(name: string, digest: string): Promise<void> {
    const response = await this.request('DELETE', `/${name}/manifests/${digest}`);
    await this.expect(response, [202, 404], `delete ${name}@${digest}`);
    await response.arrayBuffer();
  }

  private async request(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}`, { method, headers, body: body ? new Uint8Array(body) : undefined });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new RegistryUnavailable(
        `The local registry at ${this.base} is not reachable${cause} (start it with: bash scripts/stack.sh up)`,
      );
    }
  }

  private async expect(response: Response, statuses: number[], what: string): Promise<void> {
    if (statuses.includes(response.status)) return;
    const text = await response.text().catch(() => '');
    throw new Error(`The local registry could not ${what}: HTTP ${response.status} ${text.trim().slice(0, 300)}`);
  }
}
