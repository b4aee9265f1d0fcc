/**
 * The emulated Artifact Registry API (google.devtools.artifactregistry.v1.ArtifactRegistry), a
 * Docker-only subset backed by the local registry: ListRepositories, GetRepository, ListDockerImages, GetDockerImage,
 * ListPackages, GetPackage, ListVersions, GetVersion, ListTags, GetTag, CreateTag, UpdateTag,
 * DeleteTag. Every other method answers UNIMPLEMENTED
 * (grpc-js's default handler). See emulator/ARTIFACT-REGISTRY.md.
 */
import * as grpc from '@grpc/grpc-js';
import { ApiError, notFound, invalidArgument, unary } from './api-error';
import { page } from './paging';
import {
  Image,
  ImageDigest,
  Repository,
  checkTag,
  imageName,
  imageUri,
  localPath,
  parseDockerImageName,
  packageName,
  parsePackageName,
  parseRepository,
  parseTagName,
  parseVersionName,
  registryUri,
  tagName,
  versionName,
} from './artifact-registry-names';
import { ArtifactStore, ImageNotFound, StoredImage, isHidden } from './artifact-registry-store';
import { GrpcService, loadProtos, serviceDefinition } from './protos';
import { parseParent } from './resource-names';
import { RegistryHttp, RegistryUnavailable } from './registry-http';

export interface ArtifactRegistryOptions {
  /** The local registry's address, e.g. `127.0.0.1:5000`. */
  readonly registry: string;
}

/** What the real API says for any missing resource. */
const NOT_FOUND_MESSAGE = 'Requested entity was not found.';
/** page_size 0 means the server's default; the API caps it at 1,000. */
const pageSize = (requested: number | undefined): number => Math.min(Number(requested) || 100, 1000);

type Timestamp = { seconds: string; nanos: number };
const timestamp = (date: Date): Timestamp => ({
  seconds: String(Math.floor(date.getTime() / 1000)),
  nanos: (date.getTime() % 1000) * 1e6,
});

interface Request {
  readonly name?: string;
  readonly parent?: string;
  readonly pageSize?: number;
  readonly pageToken?: string;
  readonly orderBy?: string;
  readonly filter?: string;
  readonly tagId?: string;
  readonly tag?: { name?: string; version?: string } | null;
  readonly updateMask?: { paths?: string[] } | null;
  readonly view?: string;
}

export function artifactRegistryService(options: ArtifactRegistryOptions): GrpcService {
  const store = new ArtifactStore(new RegistryHttp(options.registry));
  const root = loadProtos(['google/devtools/artifactregistry/v1/service.proto']);

  const dockerImage = async (image: StoredImage) => {
    const details = await store.describe(image);
    const times = store.timesOf(image);
    return {
      name: imageName(image),
      uri: imageUri(image),
      tags: image.tags,
      imageSizeBytes: String(details.sizeBytes),
      mediaType: details.mediaType,
      uploadTime: timestamp(times.uploadTime),
      updateTime: timestamp(times.updateTime),
      buildTime: details.buildTime ? timestamp(details.buildTime) : null,
      imageManifests: details.manifests,
    };
  };

  const repositoryOf = (r: Repository) => ({
    name: `projects/${r.project}/locations/${r.location}/repositories/${r.repository}`,
    format: 'DOCKER',
    mode: 'STANDARD_REPOSITORY',
    description: '',
    registryUri: registryUri(r),
  });

  const tag = (image: ImageDigest, id: string) => ({ name: tagName({ ...image, tag: id }), version: versionName(image) });

  /** A Docker version: the digest, with the DockerImage fields as `metadata` like the real API. */
  const version = async (image: StoredImage, view: string | undefined) => {
    const details = await store.describe(image);
    const times = store.timesOf(image);
    const metadata: Record<string, string> = { imageSizeBytes: String(details.sizeBytes), mediaType: details.mediaType };
    if (details.buildTime) metadata.buildTime = details.buildTime.toISOString();
    return {
      name: versionName(image),
      createTime: timestamp(times.uploadTime),
      updateTime: timestamp(times.updateTime),
      relatedTags: view === 'FULL' ? image.tags.map((t) => tag(image, t)) : [],
      metadata: { fields: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, { stringValue: v }])) },
      fingerprints: [{ type: 'SHA256', value: Buffer.from(image.digest.replace(/^sha256:/, ''), 'hex') }],
    };
  };

  /** A package is an image path; its times span its versions'. */
  const packageOf = (images: StoredImage[]) => {
    const times = images.map((i) => store.timesOf(i));
    const min = (dates: Date[]) => new Date(Math.min(...dates.map((d) => d.getTime())));
    const max = (dates: Date[]) => new Date(Math.max(...dates.map((d) => d.getTime())));
    return {
      name: packageName(images[0]),
      displayName: images[0].image,
      createTime: timestamp(min(times.map((t) => t.uploadTime))),
      updateTime: timestamp(max(times.map((t) => t.updateTime))),
    };
  };

  /** The version a Tag names, which must be in the tag's own package. */
  const versionOf = (version: string | undefined, pkg: Image): ImageDigest => {
    if (!version)
      throw invalidArgument('tag.version is required: projects/P/locations/L/repositories/R/packages/PKG/versions/sha256:DIGEST');
    const target = parseVersionName(version);
    if (localPath(target) !== localPath(pkg)) {
      throw invalidArgument(`tag.version '${version}' is not a version of the package of the tag`);
    }
    return target;
  };

  const implementation: grpc.UntypedServiceImplementation = {
    ListRepositories: handler(async (req: Request) => {
      const { project, location } = parseParent(req.parent ?? '');
      unfiltered(req.filter, 'ListRepositories');
      const repositories = ordered((await store.repositories(project, location)).map(repositoryOf), req.orderBy ?? '', {
        name: (r) => r.name,
      });
      const { items, nextPageToken } = page(repositories, pageSize(req.pageSize), req.pageToken ?? '');
      return { repositories: items, nextPageToken };
    }),

    GetRepository: handler(async (req: Request) => {
      const repository = parseRepository(req.name ?? '');
      if (!(await store.repositoryExists(repository))) throw notFound(NOT_FOUND_MESSAGE);
      return repositoryOf(repository);
    }),

    ListDockerImages: handler(async (req: Request) => {
      const repository = parseRepository(req.parent ?? '');
      const images = await store.images(repository);
      if (images.length === 0) throw notFound(NOT_FOUND_MESSAGE);
      const described = await Promise.all(images.map(dockerImage));
      const sorted = ordered(described, req.orderBy ?? '', IMAGE_ORDER);
      const { items, nextPageToken } = page(sorted, pageSize(req.pageSize), req.pageToken ?? '');
      return { dockerImages: items, nextPageToken };
    }),

    GetDockerImage: handler(async (req: Request) => dockerImage(await store.image(parseDockerImageName(req.name ?? '')))),

    ListTags: handler(async (req: Request) => {
      const pkg = parsePackageName(req.parent ?? '');
      const match = tagFilter(req.filter ?? '');
      const tags = (await store.tags(pkg)).map((t) => tag({ ...pkg, digest: t.digest }, t.tag)).filter(match);
      const { items, nextPageToken } = page(tags, pageSize(req.pageSize), req.pageToken ?? '');
      return { tags: items, nextPageToken };
    }),

    GetTag: handler(async (req: Request) => {
      const wanted = parseTagName(req.name ?? '');
      const digest = await store.tagDigest(wanted, wanted.tag);
      if (!digest) throw notFound(NOT_FOUND_MESSAGE);
      return tag({ ...wanted, digest }, wanted.tag);
    }),

    CreateTag: handler(async (req: Request) => {
      const pkg = parsePackageName(req.parent ?? '');
      const id = req.tagId || (req.tag?.name ? parseTagName(req.tag.name).tag : '');
      if (!id) throw invalidArgument('tag_id is required');
      checkTag(id, pkg);
      if (isHidden(id))
        throw invalidArgument(`Invalid tag '${id}': tags starting with runway-untagged- are reserved by the emulator`);
      const target = versionOf(req.tag?.version, pkg);
      if (await store.tagDigest(pkg, id))
        throw new ApiError(grpc.status.ALREADY_EXISTS, `Tag ${tagName({ ...pkg, tag: id })} already exists.`);
      await store.image(target);
      await store.setTag(target, id);
      return tag(target, id);
    }),

    UpdateTag: handler(async (req: Request) => {
      const wanted = parseTagName(req.tag?.name ?? '');
      const paths = req.updateMask?.paths ?? [];
      const unknown = paths.filter((p) => p !== 'version');
      if (unknown.length > 0) throw invalidArgument(`update_mask may only contain "version", got: ${unknown.join(', ')}`);
      const target = versionOf(req.tag?.version, wanted);
      if (!(await store.tagDigest(wanted, wanted.tag))) throw notFound(NOT_FOUND_MESSAGE);
      await store.image(target);
      await store.setTag(target, wanted.tag);
      return tag(target, wanted.tag);
    }),

    DeleteTag: handler(async (req: Request) => {
      const wanted = parseTagName(req.name ?? '');
      if (!(await store.tagDigest(wanted, wanted.tag))) throw notFound(NOT_FOUND_MESSAGE);
      await store.deleteTag(wanted, wanted.tag);
      return {};
    }),

    ListPackages: handler(async (req: Request) => {
      const repository = parseRepository(req.parent ?? '');
      unfiltered(req.filter, 'ListPackages');
      const byImage = new Map<string, StoredImage[]>();
      for (const image of await store.images(repository)) byImage.set(image.image, [...(byImage.get(image.image) ?? []), image]);
      const packages = ordered([...byImage.values()].map(packageOf), req.orderBy ?? '', RESOURCE_ORDER);
      const { items, nextPageToken } = page(packages, pageSize(req.pageSize), req.pageToken ?? '');
      return { packages: items, nextPageToken };
    }),

    GetPackage: handler(async (req: Request) => {
      const versions = await store.versions(parsePackageName(req.name ?? ''));
      if (versions.length === 0) throw notFound(NOT_FOUND_MESSAGE);
      return packageOf(versions);
    }),

    ListVersions: handler(async (req: Request) => {
      const pkg = parsePackageName(req.parent ?? '');
      unfiltered(req.filter, 'ListVersions');
      const versions = await Promise.all((await store.versions(pkg)).map((v) => version(v, req.view)));
      const { items, nextPageToken } = page(
        ordered(versions, req.orderBy ?? '', RESOURCE_ORDER),
        pageSize(req.pageSize),
        req.pageToken ?? '',
      );
      return { versions: items, nextPageToken };
    }),

    GetVersion: handler(async (req: Request) => version(await store.image(parseVersionName(req.name ?? '')), req.view)),
  };

  return { definition: serviceDefinition(root, 'google.devtools.artifactregistry.v1.ArtifactRegistry'), implementation };
}

/** List filters beyond ListTags' are not emulated: say so rather than return unfiltered results. */
function unfiltered(filter: string | undefined, method: string): void {
  if (filter) throw new ApiError(grpc.status.UNIMPLEMENTED, `The emulator does not support filter on ${method}`);
}

/** unary() plus the store's errors: a missing image is NOT_FOUND, a stopped registry UNAVAILABLE. */
function handler<Res>(fn: (req: Request) => Promise<Res>): grpc.handleUnaryCall<Request, Res> {
  return unary(async (req: Request) => {
    try {
      return await fn(req);
    } catch (error) {
      if (error instanceof ImageNotFound) throw notFound(NOT_FOUND_MESSAGE);
      if (error instanceof RegistryUnavailable) throw new ApiError(grpc.status.UNAVAILABLE, error.message);
      throw error;
    }
  });
}

/** A sortable key of a Timestamp field (empty when unset, so unset sorts first). */
const timeKey = (t: Timestamp | null | undefined): string =>
  t ? `${t.seconds.padStart(15, '0')}.${String(t.nanos).padStart(9, '0')}` : '';

type Named = { name: string };
export type OrderKeys<T> = Readonly<Record<string, (item: T) => string>>;

export const IMAGE_ORDER: OrderKeys<Named & { uploadTime: Timestamp; updateTime: Timestamp; buildTime: Timestamp | null }> = {
  name: (i) => i.name,
  upload_time: (i) => timeKey(i.uploadTime),
  update_time: (i) => timeKey(i.updateTime),
  build_time: (i) => timeKey(i.buildTime),
};

export const RESOURCE_ORDER: OrderKeys<Named & { createTime: Timestamp; updateTime: Timestamp }> = {
  name: (v) => v.name,
  create_time: (v) => timeKey(v.createTime),
  update_time: (v) => timeKey(v.updateTime),
};

/** `order_by`: one field of `keys`, optionally followed by `desc`; by name when empty. Names break ties. */
export function ordered<T extends Named>(items: readonly T[], orderBy: string, keys: OrderKeys<T>): T[] {
  const m = /^\s*(\w*)\s*(asc|desc)?\s*$/i.exec(orderBy);
  const key = keys[m?.[1] || 'name'];
  if (!m || !key) {
    throw invalidArgument(
      `Invalid order_by '${orderBy}': use one of ${Object.keys(keys).join(', ')}, optionally followed by desc`,
    );
  }
  const sign = m[2]?.toLowerCase() === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => sign * key(a).localeCompare(key(b)) || a.name.localeCompare(b.name));
}

/**
 * ListTags `filter`: `name="..."` or `version="..."`, where `*` matches any characters (the forms the
 * API documents); an empty filter matches every tag.
 */
export function tagFilter(filter: string): (tag: { name: string; version: string }) => boolean {
  if (filter.trim() === '') return () => true;
  const m = /^\s*(name|version)\s*=\s*"([^"]*)"\s*$/.exec(filter);
  if (!m)
    throw invalidArgument(`Invalid filter '${filter}': expected name="TAG_NAME" or version="VERSION_NAME" (* is a wildcard)`);
  const field = m[1] as 'name' | 'version';
  const pattern = new RegExp(
    `^${m[2]
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return (tag) => pattern.test(tag[field]);
}
