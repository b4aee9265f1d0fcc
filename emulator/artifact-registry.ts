/**
 * The emulated Artifact Registry API (google.devtools.artifactregistry.v1.ArtifactRegistry), a
 * Docker-only subset backed by the local registry: GetRepository, ListDockerImages, GetDockerImage,
 * ListTags, GetTag, CreateTag, UpdateTag, DeleteTag. Every other method answers UNIMPLEMENTED
 * (grpc-js's default handler). See emulator/ARTIFACT-REGISTRY.md.
 */
import * as grpc from '@grpc/grpc-js';
import { ApiError, notFound, invalidArgument, unary } from './api-error';
import { page } from './paging';
import {
  Image,
  ImageDigest,
  checkTag,
  imageName,
  imageUri,
  localPath,
  parseDockerImageName,
  parsePackageName,
  parseRepository,
  parseTagName,
  parseVersionName,
  registryUri,
  tagName,
  versionName,
} from './artifact-registry-names';
import { ArtifactStore, ImageNotFound, StoredImage } from './artifact-registry-store';
import { GrpcService, loadProtos, serviceDefinition } from './protos';
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

  const tag = (image: ImageDigest, id: string) => ({ name: tagName({ ...image, tag: id }), version: versionName(image) });

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
    GetRepository: handler(async (req: Request) => {
      const repository = parseRepository(req.name ?? '');
      if (!(await store.repositoryExists(repository))) throw notFound(NOT_FOUND_MESSAGE);
      return {
        name: req.name,
        format: 'DOCKER',
        mode: 'STANDARD_REPOSITORY',
        description: '',
        registryUri: registryUri(repository),
      };
    }),

    ListDockerImages: handler(async (req: Request) => {
      const repository = parseRepository(req.parent ?? '');
      const images = await store.images(repository);
      if (images.length === 0) throw notFound(NOT_FOUND_MESSAGE);
      const described = await Promise.all(images.map(dockerImage));
      const sorted = orderImages(described, req.orderBy ?? '');
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
  };

  return { definition: serviceDefinition(root, 'google.devtools.artifactregistry.v1.ArtifactRegistry'), implementation };
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

type Described = { name: string; uploadTime: Timestamp; updateTime: Timestamp; buildTime: Timestamp | null };
const ORDER_FIELDS = ['name', 'upload_time', 'update_time', 'build_time'] as const;

/** `order_by`: one of name, upload_time, update_time, build_time, optionally followed by `desc`. */
export function orderImages<T extends Described>(images: T[], orderBy: string): T[] {
  const m = /^\s*(\w*)\s*(asc|desc)?\s*$/i.exec(orderBy);
  const field = (m?.[1] || 'name') as (typeof ORDER_FIELDS)[number];
  if (!m || !ORDER_FIELDS.includes(field)) {
    throw invalidArgument(`Invalid order_by '${orderBy}': use one of ${ORDER_FIELDS.join(', ')}, optionally followed by desc`);
  }
  const time = { upload_time: 'uploadTime', update_time: 'updateTime', build_time: 'buildTime' } as const;
  const key = (image: T): string => {
    if (field === 'name') return image.name;
    const t = image[time[field]];
    return t ? `${t.seconds.padStart(15, '0')}.${String(t.nanos).padStart(9, '0')}` : '';
  };
  const sign = m[2]?.toLowerCase() === 'desc' ? -1 : 1;
  return [...images].sort((a, b) => sign * key(a).localeCompare(key(b)) || a.name.localeCompare(b.name));
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
