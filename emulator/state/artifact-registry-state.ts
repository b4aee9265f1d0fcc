/**
 * Docker images and tags of emulated Artifact Registry repositories, read from and written to the
 * local registry through its HTTP API v2. The registry knows only tags and manifests, so:
 * - an image (a manifest digest) is listed when at least one tag points at it;
 * - an image whose last tag is deleted or moved through this API keeps a hidden tag
 *   (`runway-untagged-<hex>`), so it stays listed and pullable by digest, untagged, as in Artifact Registry;
 * - the registry records no upload time, so the emulator reports when it first saw a digest.
 */
import { Manifest, ManifestBody, RegistryHttp } from '../runtime/registry-http';
import { Image, ImageDigest, Repository, localPath, registryUri } from '../rules/artifact-registry-names';

const HIDDEN_TAG = 'runway-untagged-';
const hiddenTag = (digest: string): string => `${HIDDEN_TAG}${digest.replace(/^sha256:/, '')}`;
/** Tags the emulator keeps for untagged digests; never shown, and not for users to create. */
export const isHidden = (tag: string): boolean => tag.startsWith(HIDDEN_TAG);

export interface StoredImage extends ImageDigest {
  /** Visible tags, sorted. */
  readonly tags: string[];
}

export interface PlatformManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly architecture: string;
  readonly os: string;
  readonly variant: string;
  readonly osVersion: string;
  readonly osFeatures: string[];
}

export interface ImageDetails {
  readonly mediaType: string;
  /** Config plus layers; for an index, the sum over its platform manifests. */
  readonly sizeBytes: number;
  readonly buildTime?: Date;
  readonly manifests: PlatformManifest[];
}

export interface ImageTimes {
  readonly uploadTime: Date;
  readonly updateTime: Date;
}

export class ImageNotFound extends Error {}

export class ArtifactStore {
  private readonly details = new Map<string, Promise<ImageDetails>>();
  private readonly times = new Map<string, { uploadTime: Date; updateTime: Date }>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly registry: RegistryHttp) {}

  /** Registry paths of the images stored under a repository. */
  async imagePaths(repository: Repository): Promise<string[]> {
    const prefix = `${registryUri(repository)}/`;
    return (await this.registry.catalog()).filter((path) => path.startsWith(prefix)).sort();
  }

  /** The repositories of a project and location that hold at least one image, sorted. */
  async repositories(project: string, location: string): Promise<Repository[]> {
    const prefix = `${location}-docker.pkg.dev/${project}/`;
    const ids = new Set<string>();
    for (const path of await this.registry.catalog()) {
      if (path.startsWith(prefix) && path.length > prefix.length) ids.add(path.slice(prefix.length).split('/')[0]);
    }
    const candidates = [...ids].sort().map((repository) => ({ project, location, repository }));
    const exists = await Promise.all(candidates.map((r) => this.repositoryExists(r)));
    return candidates.filter((_, i) => exists[i]);
  }

  /** A repository exists while at least one image is stored under it. */
  async repositoryExists(repository: Repository): Promise<boolean> {
    for (const path of await this.imagePaths(repository)) {
      if ((await this.registry.tags(path)).length > 0) return true;
    }
    return false;
  }

  /** Every image (digest) of a repository with its visible tags, sorted by image then digest. */
  async images(repository: Repository): Promise<StoredImage[]> {
    const paths = await this.imagePaths(repository);
    const images = paths.map((path) => ({ ...repository, image: path.slice(registryUri(repository).length + 1) }));
    return (await Promise.all(images.map((image) => this.versions(image)))).flat();
  }

  /** The digests of one image path with their visible tags, sorted by digest. */
  async versions(image: Image): Promise<StoredImage[]> {
    const byDigest = await this.digestTags(image);
    return [...byDigest.entries()]
      .map(([digest, tags]) => ({ ...image, digest, tags }))
      .sort((a, b) => a.digest.localeCompare(b.digest));
  }

  /** One image by digest, or ImageNotFound. */
  async image(wanted: ImageDigest): Promise<StoredImage> {
    const digest = await this.registry.resolve(localPath(wanted), wanted.digest);
    if (!digest) throw new ImageNotFound(`${localPath(wanted)}@${wanted.digest}`);
    return { ...wanted, tags: (await this.digestTags(wanted)).get(wanted.digest) ?? [] };
  }

  /** Visible tags of an image path and the digests they point at, sorted by tag. */
  async tags(image: Image): Promise<{ tag: string; digest: string }[]> {
    const pairs: { tag: string; digest: string }[] = [];
    for (const [digest, tags] of await this.digestTags(image)) for (const tag of tags) pairs.push({ tag, digest });
    return pairs.sort((a, b) => a.tag.localeCompare(b.tag));
  }

  /** The digest a visible tag points at, or undefined. */
  async tagDigest(image: Image, tag: string): Promise<string | undefined> {
    return isHidden(tag) ? undefined : this.registry.resolve(localPath(image), tag);
  }

  /** Points `tag` at `target.digest` (creates or moves it); an image left without tags stays listed. */
  async setTag(target: ImageDigest, tag: string): Promise<void> {
    const path = localPath(target);
    await this.serialized(path, async () => {
      const manifest = await this.manifest(target);
      const previous = await this.registry.resolve(path, tag);
      await this.registry.putManifest(path, tag, manifest);
      this.touch(path, target.digest);
      if (previous && previous !== target.digest) await this.keepListed(target, previous);
    });
  }

  /**
   * Removes one tag. The Registry API can only delete a manifest by digest, which drops every tag
   * on it, so the manifest is deleted and put back under its other tags (a hidden one if none):
   * the digest stays pullable. Other tags of that digest are missing for the few milliseconds between.
   */
  async deleteTag(image: Image, tag: string): Promise<void> {
    const path = localPath(image);
    await this.serialized(path, async () => {
      const digest = await this.registry.resolve(path, tag);
      if (!digest) throw new ImageNotFound(`${path}:${tag}`);
      const target = { ...image, digest };
      const manifest = await this.manifest(target);
      const others = (await this.allTags(path)).filter((t) => t.digest === digest && t.tag !== tag).map((t) => t.tag);
      await this.registry.deleteManifest(path, digest);
      for (const other of others.length > 0 ? others : [hiddenTag(digest)])
        await this.registry.putManifest(path, other, manifest);
      this.touch(path, digest);
    });
  }

  /** Media type, size, build time and platforms of an image; cached, as a digest's content never changes. */
  describe(image: ImageDigest): Promise<ImageDetails> {
    const key = `${localPath(image)}@${image.digest}`;
    let details = this.details.get(key);
    if (!details) {
      details = this.readDetails(image);
      this.details.set(key, details);
      details.catch(() => this.details.delete(key));
    }
    return details;
  }

  /** When the emulator first saw the digest, and when a tag of it last changed through this API. */
  timesOf(image: ImageDigest): ImageTimes {
    const key = `${localPath(image)}@${image.digest}`;
    let times = this.times.get(key);
    if (!times) {
      const now = new Date();
      times = { uploadTime: now, updateTime: now };
      this.times.set(key, times);
    }
    return times;
  }

  private touch(path: string, digest: string): void {
    const key = `${path}@${digest}`;
    const now = new Date();
    this.times.set(key, { uploadTime: this.times.get(key)?.uploadTime ?? now, updateTime: now });
  }

  private async keepListed(image: Image, digest: string): Promise<void> {
    const path = localPath(image);
    if ((await this.allTags(path)).some((t) => t.digest === digest)) return;
    const manifest = await this.registry.manifest(path, digest);
    if (manifest) await this.registry.putManifest(path, hiddenTag(digest), manifest);
  }

  private async manifest(image: ImageDigest): Promise<Manifest> {
    const manifest = await this.registry.manifest(localPath(image), image.digest);
    if (!manifest) throw new ImageNotFound(`${localPath(image)}@${image.digest}`);
    return manifest;
  }

  /** All tags of a path, hidden ones included, with their digests. */
  private async allTags(path: string): Promise<{ tag: string; digest: string }[]> {
    const tags = await this.registry.tags(path);
    const digests = await Promise.all(tags.map((tag) => this.registry.resolve(path, tag)));
    return tags.flatMap((tag, i) => (digests[i] ? [{ tag, digest: digests[i] }] : []));
  }

  /** Digest → visible tags (sorted) for every digest a tag, visible or hidden, points at. */
  private async digestTags(image: Image): Promise<Map<string, string[]>> {
    const byDigest = new Map<string, string[]>();
    for (const { tag, digest } of await this.allTags(localPath(image))) {
      const tags = byDigest.get(digest) ?? [];
      if (!isHidden(tag)) tags.push(tag);
      byDigest.set(digest, tags);
    }
    for (const tags of byDigest.values()) tags.sort();
    return byDigest;
  }

  private async readDetails(image: ImageDigest): Promise<ImageDetails> {
    const path = localPath(image);
    const manifest = await this.manifest(image);
    const children = manifest.body.manifests ?? [];
    if (children.length === 0) {
      const config = manifest.body.config;
      const created = config
        ? ((await this.registry.blobJson(path, config.digest)) as { created?: string } | undefined)?.created
        : undefined;
      return {
        mediaType: manifest.mediaType,
        sizeBytes: imageSize(manifest.body),
        buildTime: created ? new Date(created) : undefined,
        manifests: [],
      };
    }
    const sizes = await Promise.all(
      children.map(async (child) => imageSize((await this.registry.manifest(path, child.digest))?.body ?? {})),
    );
    return {
      mediaType: manifest.mediaType,
      sizeBytes: sizes.reduce((a, b) => a + b, 0),
      manifests: children.map((child) => ({
        digest: child.digest,
        mediaType: child.mediaType ?? '',
        architecture: child.platform?.architecture ?? '',
        os: child.platform?.os ?? '',
        variant: child.platform?.variant ?? '',
        osVersion: child.platform?.['os.version'] ?? '',
        osFeatures: child.platform?.['os.features'] ?? [],
      })),
    };
  }

  /** Runs mutations of one image path one at a time (delete + re-put must not interleave). */
  private async serialized<T>(path: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(path) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    this.locks.set(path, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(path) === run) this.locks.delete(path);
    }
  }
}

/** Bytes an image manifest references: its config and its layers. */
const imageSize = (body: ManifestBody): number =>
  (body.config?.size ?? 0) + (body.layers ?? []).reduce((sum, layer) => sum + (layer.size ?? 0), 0);
