/**
 * Artifact Registry resource names for Docker repositories, parsed strictly, and where each image
 * lives in the local registry (see src/registry/emulator-mirror.ts): `LOCATION-docker.pkg.dev/PROJECT/REPO/IMAGE`
 * is stored at that same path inside 127.0.0.1:5000. Image names are URL-escaped in resource names
 * (`/` as %2F), like the real API.
 */
import {
  ArtifactRegistryImage,
  InvalidImageReference,
  artifactRegistryImage,
  dockerImageName,
  packageName,
  parseImageReference,
} from '../../src/registry/reference';
import { invalidArgument } from '../apis/api-error';
import { parseChild } from './resource-names';

export interface Repository {
  readonly project: string;
  readonly location: string;
  readonly repository: string;
}

export type Image = ArtifactRegistryImage;

export interface ImageDigest extends Image {
  readonly digest: string;
}

export interface ImageTag extends Image {
  readonly tag: string;
}

const DIGEST = 'sha256:[a-f0-9]{64}';
const REPOSITORY = /^projects\/[^/]+\/locations\/[^/]+\/repositories\/[^/]+/;

/** The registry path prefix of a repository: `LOCATION-docker.pkg.dev/PROJECT/REPO`. */
export const registryUri = (r: Repository): string => `${r.location}-docker.pkg.dev/${r.project}/${r.repository}`;

/** The path of an image inside the local registry (the same as its Artifact Registry URI path). */
export const localPath = (i: Image): string => `${registryUri(i)}/${i.image}`;

export const imageUri = (i: ImageDigest): string => `${localPath(i)}@${i.digest}`;
export const imageName = (i: ImageDigest): string => dockerImageName(i, i.digest);
export const tagName = (t: ImageTag): string => `${packageName(t)}/tags/${encodeURIComponent(t.tag)}`;
export const versionName = (i: ImageDigest): string => `${packageName(i)}/versions/${i.digest}`;
export { packageName };

/** `projects/P/locations/L/repositories/R` */
export function parseRepository(name: string): Repository {
  const { project, location, id } = parseChild(name, 'repositories');
  const repository: Repository = { project, location, repository: id };
  // A repository is valid when an image path under it is a valid registry reference.
  image(repository, 'x', name);
  return repository;
}

/** An image inside a repository, validated as a registry path. */
function image(repository: Repository, escaped: string, name: string): Image {
  let decoded: string;
  try {
    decoded = decodeURIComponent(escaped);
  } catch {
    throw invalidArgument(`Invalid resource name '${name}': '${escaped}' is not a valid URL-escaped image name`);
  }
  try {
    const parsed = artifactRegistryImage(parseImageReference(`${registryUri(repository)}/${decoded}`));
    if (parsed) return parsed;
  } catch (error) {
    if (!(error instanceof InvalidImageReference)) throw error;
    throw invalidArgument(`Invalid resource name '${name}': ${error.message}`);
  }
  throw invalidArgument(`Invalid resource name '${name}': it does not name a Docker image path`);
}

function splitUnder(name: string, pattern: RegExp, expected: string): { repository: Repository; parts: string[] } {
  const prefix = REPOSITORY.exec(name ?? '');
  const rest = prefix ? pattern.exec(name.slice(prefix[0].length)) : null;
  if (!prefix || !rest) throw invalidArgument(`Invalid resource name '${name}': expected ${expected}`);
  return { repository: parseRepository(prefix[0]), parts: rest.slice(1) };
}

const REPO_TEXT = 'projects/PROJECT/locations/LOCATION/repositories/REPOSITORY';

/** `.../dockerImages/IMAGE@sha256:...` */
export function parseDockerImageName(name: string): ImageDigest {
  const { repository, parts } = splitUnder(
    name,
    new RegExp(`^/dockerImages/([^/@]+)@(${DIGEST})$`),
    `${REPO_TEXT}/dockerImages/IMAGE@sha256:DIGEST`,
  );
  return { ...image(repository, parts[0], name), digest: parts[1] };
}

/** `.../packages/PACKAGE` */
export function parsePackageName(name: string): Image {
  const { repository, parts } = splitUnder(name, /^\/packages\/([^/]+)$/, `${REPO_TEXT}/packages/PACKAGE`);
  return image(repository, parts[0], name);
}

/** `.../packages/PACKAGE/tags/TAG` */
export function parseTagName(name: string): ImageTag {
  const { repository, parts } = splitUnder(
    name,
    /^\/packages\/([^/]+)\/tags\/([^/]+)$/,
    `${REPO_TEXT}/packages/PACKAGE/tags/TAG`,
  );
  const img = image(repository, parts[0], name);
  return { ...img, tag: checkTag(decodeURIComponent(parts[1]), img) };
}

/** `.../packages/PACKAGE/versions/sha256:...` (Docker versions are manifest digests). */
export function parseVersionName(name: string): ImageDigest {
  const { repository, parts } = splitUnder(
    name,
    new RegExp(`^/packages/([^/]+)/versions/(${DIGEST})$`),
    `${REPO_TEXT}/packages/PACKAGE/versions/sha256:DIGEST`,
  );
  return { ...image(repository, parts[0], name), digest: parts[1] };
}

/** A Docker tag, as the registry accepts it. */
export function checkTag(tag: string, img: Image): string {
  try {
    parseImageReference(`${localPath(img)}:${tag}`);
    return tag;
  } catch (error) {
    if (!(error instanceof InvalidImageReference)) throw error;
    throw invalidArgument(`Invalid tag '${tag}': a tag may hold letters, digits, _ . - (up to 128, not starting with . or -)`);
  }
}
