/**
 * The emulated Artifact Registry API (google.devtools.artifactregistry.v1.ArtifactRegistry), a
 * Docker-only subset backed by the local registry: ListRepositories, GetRepository, ListDockerImages, GetDockerImage,
 * ListPackages, GetPackage, ListVersions, GetVersion, ListTags, GetTag, CreateTag, UpdateTag,
 * DeleteTag, TestIamPermissions (on a repository). Every other method answers UNIMPLEMENTED
 * (grpc-js's default handler). See emulator/ARTIFACT-REGISTRY.md.
 */
import * as grpc from '@grpc/grpc-js';
import type { Permissions } from '../admin/permissions';
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
} from '../rules/artifact-registry-names';
import { ArtifactStore, ImageNotFound, StoredImage, isHidden } from '../state/artifact-registry-state';
import { GrpcService, loadProtos, serviceDefinition } from './protos';
import { IMAGE_ORDER, RESOURCE_ORDER, ordered, tagFilter } from '../rules/artifact-registry-queries';
import { parseParent } from '../rules/resource-names';
import { RegistryHttp, RegistryUnavailable } from '../runtime/registry-http';

export interface ArtifactRegistryOptions {
  /** The local registry's address, e.g. `127.0.0.1:5000`. */
  readonly registry: string;
  /** Who may do what: TestIamPermissions answers from it. */
  readonly permissions: Permissions;
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
  readonly resource?: string;
  readonly permissions?: string[];
}

/** A method's work: the request in, the response message out (errors as ApiError or the store's). */
type Handler = (store: ArtifactStore, req: Request) => Promise<unknown>;

async function dockerImage(store: ArtifactStore, image: StoredImage) {
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
}

const repositoryOf = (r: Repository) => ({
  name: `projects/${r.project}/locations/${r.location}/repositories/${r.repository}`,
  format: 'DOCKER',
  mode: 'STANDARD_REPOSITORY',
  description: '',
  registryUri: registryUri(r),
});

const tagOf = (image: ImageDigest, id: string) => ({ name: tagName({ ...image, tag: id }), version: versionName(image) });

/** A Docker version: the digest, with the DockerImage fields as `metadata` like the real API. */
async function versionOf(store: ArtifactStore, image: StoredImage, view: string | undefined) {
  const details = await store.describe(image);
  const times = store.timesOf(image);
  const metadata: Record<string, string> = { imageSizeBytes: String(details.sizeBytes), mediaType: details.mediaType };
  if (details.buildTime) metadata.buildTime = details.buildTime.toISOString();
  return {
    name: versionName(image),
    createTime: timestamp(times.uploadTime),
    updateTime: timestamp(times.updateTime),
    relatedTags: view === 'FULL' ? image.tags.map((t) => tagOf(image, t)) : [],
    metadata: { fields: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, { stringValue: v }])) },
    fingerprints: [{ type: 'SHA256', value: Buffer.from(image.digest.replace(/^sha256:/, ''), 'hex') }],
  };
}

/** A package is an image path; its times span its versions'. */
function packageOf(store: ArtifactStore, images: StoredImage[]) {
  const times = images.map((i) => store.timesOf(i));
  const min = (dates: Date[]) => new Date(Math.min(...dates.map((d) => d.getTime())));
  const max = (dates: Date[]) => new Date(Math.max(...dates.map((d) => d.getTime())));
  return {
    name: packageName(images[0]),
    displayName: images[0].image,
    createTime: timestamp(min(times.map((t) => t.uploadTime))),
    updateTime: timestamp(max(times.map((t) => t.updateTime))),
  };
}

/** The version a Tag names, which must be in the tag's own package. */
function tagTarget(version: string | undefined, pkg: Image): ImageDigest {
  if (!version)
    throw invalidArgument('tag.version is required: projects/P/locations/L/repositories/R/packages/PKG/versions/sha256:DIGEST');
  const target = parseVersionName(version);
  if (localPath(target) !== localPath(pkg)) {
    throw invalidArgument(`tag.version '${version}' is not a version of the package of the tag`);
  }
  return target;
}

/** One page of `items` under the response field `field`. */
function paged<T>(field: string, items: readonly T[], req: Request) {
  const { items: pageItems, nextPageToken } = page(items, pageSize(req.pageSize), req.pageToken ?? '');
  return { [field]: pageItems, nextPageToken };
}

const listRepositories: Handler = async (store, req) => {
  const { project, location } = parseParent(req.parent ?? '');
  unfiltered(req.filter, 'ListRepositories');
  const repositories = (await store.repositories(project, location)).map(repositoryOf);
  return paged('repositories', ordered(repositories, req.orderBy ?? '', { name: (r) => r.name }), req);
};

const getRepository: Handler = async (store, req) => {
  const repository = parseRepository(req.name ?? '');
  if (!(await store.repositoryExists(repository))) throw notFound(NOT_FOUND_MESSAGE);
  return repositoryOf(repository);
};

const listDockerImages: Handler = async (store, req) => {
  const images = await store.images(parseRepository(req.parent ?? ''));
  if (images.length === 0) throw notFound(NOT_FOUND_MESSAGE);
  const described = await Promise.all(images.map((i) => dockerImage(store, i)));
  return paged('dockerImages', ordered(described, req.orderBy ?? '', IMAGE_ORDER), req);
};

const getDockerImage: Handler = async (store, req) => dockerImage(store, await store.image(parseDockerImageName(req.name ?? '')));

const listTags: Handler = async (store, req) => {
  const pkg = parsePackageName(req.parent ?? '');
  const match = tagFilter(req.filter ?? '');
  const tags = (await store.tags(pkg)).map((t) => tagOf({ ...pkg, digest: t.digest }, t.tag)).filter(match);
  return paged('tags', tags, req);
};

const getTag: Handler = async (store, req) => {
  const wanted = parseTagName(req.name ?? '');
  const digest = await store.tagDigest(wanted, wanted.tag);
  if (!digest) throw notFound(NOT_FOUND_MESSAGE);
  return tagOf({ ...wanted, digest }, wanted.tag);
};

const createTag: Handler = async (store, req) => {
  const pkg = parsePackageName(req.parent ?? '');
  const id = req.tagId || (req.tag?.name ? parseTagName(req.tag.name).tag : '');
  if (!id) throw invalidArgument('tag_id is required');
  checkTag(id, pkg);
  if (isHidden(id))
    throw invalidArgument(`Invalid tag '${id}': tags starting with runway-untagged- are reserved by the emulator`);
  const target = tagTarget(req.tag?.version, pkg);
  if (await store.tagDigest(pkg, id))
    throw new ApiError(grpc.status.ALREADY_EXISTS, `Tag ${tagName({ ...pkg, tag: id })} already exists.`);
  await store.image(target);
  await store.setTag(target, id);
  return tagOf(target, id);
};

const updateTag: Handler = async (store, req) => {
  const wanted = parseTagName(req.tag?.name ?? '');
  const unknown = (req.updateMask?.paths ?? []).filter((p) => p !== 'version');
  if (unknown.length > 0) throw invalidArgument(`update_mask may only contain "version", got: ${unknown.join(', ')}`);
  const target = tagTarget(req.tag?.version, wanted);
  if (!(await store.tagDigest(wanted, wanted.tag))) throw notFound(NOT_FOUND_MESSAGE);
  await store.image(target);
  await store.setTag(target, wanted.tag);
  return tagOf(target, wanted.tag);
};

const deleteTag: Handler = async (store, req) => {
  const wanted = parseTagName(req.name ?? '');
  if (!(await store.tagDigest(wanted, wanted.tag))) throw notFound(NOT_FOUND_MESSAGE);
  await store.deleteTag(wanted, wanted.tag);
  return {};
};

const listPackages: Handler = async (store, req) => {
  const repository = parseRepository(req.parent ?? '');
  unfiltered(req.filter, 'ListPackages');
  const byImage = new Map<string, StoredImage[]>();
  for (const image of await store.images(repository)) byImage.set(image.image, [...(byImage.get(image.image) ?? []), image]);
  const packages = [...byImage.values()].map((images) => packageOf(store, images));
  return paged('packages', ordered(packages, req.orderBy ?? '', RESOURCE_ORDER), req);
};

const getPackage: Handler = async (store, req) => {
  const versions = await store.versions(parsePackageName(req.name ?? ''));
  if (versions.length === 0) throw notFound(NOT_FOUND_MESSAGE);
  return packageOf(store, versions);
};

const listVersions: Handler = async (store, req) => {
  const pkg = parsePackageName(req.parent ?? '');
  unfiltered(req.filter, 'ListVersions');
  const versions = await Promise.all((await store.versions(pkg)).map((v) => versionOf(store, v, req.view)));
  return paged('versions', ordered(versions, req.orderBy ?? '', RESOURCE_ORDER), req);
};

const getVersion: Handler = async (store, req) => versionOf(store, await store.image(parseVersionName(req.name ?? '')), req.view);

const HANDLERS: Readonly<Record<string, Handler>> = {
  ListRepositories: listRepositories,
  GetRepository: getRepository,
  ListDockerImages: listDockerImages,
  GetDockerImage: getDockerImage,
  ListTags: listTags,
  GetTag: getTag,
  CreateTag: createTag,
  UpdateTag: updateTag,
  DeleteTag: deleteTag,
  ListPackages: listPackages,
  GetPackage: getPackage,
  ListVersions: listVersions,
  GetVersion: getVersion,
};

export function artifactRegistryService(options: ArtifactRegistryOptions): GrpcService {
  const store = new ArtifactStore(new RegistryHttp(options.registry));
  const root = loadProtos(['google/devtools/artifactregistry/v1/service.proto']);
  const implementation: grpc.UntypedServiceImplementation = Object.fromEntries(
    Object.entries(HANDLERS).map(([method, fn]) => [method, handler((req) => fn(store, req))]),
  );
  // On a repository (the resource build-image asks about); a missing one is NOT_FOUND like GetRepository.
  implementation.TestIamPermissions = handler(async (req: Request) => {
    const repository = parseRepository(req.resource ?? '');
    if (!(await store.repositoryExists(repository))) throw notFound(NOT_FOUND_MESSAGE);
    return { permissions: options.permissions.held(req.permissions) };
  });
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
