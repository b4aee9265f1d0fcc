/**
 * Container image references: parsing, and how an Artifact Registry path maps to its repository.
 * Shared by build-image (what to push), deploy-cloudrun (what to pin) and the emulator.
 */

export interface ImageReference {
  /** Registry host with optional port, e.g. `europe-west1-docker.pkg.dev` or `127.0.0.1:5000`. */
  readonly registry: string;
  /** Repository path inside the registry, e.g. `acme/apps/web`. */
  readonly path: string;
  readonly tag?: string;
  /** `sha256:<64 hex>` */
  readonly digest?: string;
}

export interface ArtifactRegistryImage {
  readonly location: string;
  readonly project: string;
  readonly repository: string;
  /** Image name inside the repository (may contain slashes). */
  readonly image: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const AR_HOST = /^([a-z0-9-]+)-docker\.pkg\.dev$/;

export class InvalidImageReference extends Error {}

/**
 * Parses `registry/path[:tag][@digest]`. A registry is required: Runway never guesses Docker Hub,
 * which Cloud Run cannot pull from without configuration anyway.
 */
export function parseImageReference(ref: string): ImageReference {
  const text = ref.trim();
  const fail = (why: string): never => {
    throw new InvalidImageReference(`"${ref}" is not an image reference: ${why}`);
  };
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail('the digest must be sha256: followed by 64 lowercase hex characters');
  }
  const slash = rest.indexOf('/');
  if (slash === -1) fail('expected REGISTRY/PATH, e.g. us-central1-docker.pkg.dev/PROJECT/REPO/IMAGE');
  const registry = rest.slice(0, slash);
  if (!/[.:]/.test(registry) && registry !== 'localhost')
    fail(`"${registry}" is not a registry host (expected a name with a dot or a port)`);
  let path = rest.slice(slash + 1);
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon !== -1) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) fail(`the tag "${tag}" may hold letters, digits, _ . - (up to 128, not starting with . or -)`);
  }
  if (path === '' || !path.split('/').every((c) => PATH_COMPONENT.test(c))) {
    fail(`the path "${path}" must be lowercase components separated by /`);
  }
  return { registry, path, tag, digest };
}

export function formatImageReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.path}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The reference without tag or digest: `registry/path`. */
export const repositoryOf = (ref: ImageReference): string => `${ref.registry}/${ref.path}`;

/** The same image pinned to a digest (the tag is dropped: a digest is what Cloud Run runs). */
export const pinned = (ref: ImageReference, digest: string): string => `${repositoryOf(ref)}@${digest}`;

/** `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE` → its parts; undefined for other registries. */
export function artifactRegistryImage(ref: ImageReference): ArtifactRegistryImage | undefined {
  const host = AR_HOST.exec(ref.registry);
  if (!host) return undefined;
  const [project, repository, ...image] = ref.path.split('/');
  if (!project || !repository || image.length === 0) return undefined;
  return { location: host[1], project, repository, image: image.join('/') };
}

export const repositoryName = (i: ArtifactRegistryImage): string =>
  `projects/${i.project}/locations/${i.location}/repositories/${i.repository}`;

/** Artifact Registry resource names escape `/` in image names as %2F. */
export const dockerImageName = (i: ArtifactRegistryImage, digest: string): string =>
  `${repositoryName(i)}/dockerImages/${encodeURIComponent(i.image)}@${digest}`;

export const packageName = (i: ArtifactRegistryImage): string => `${repositoryName(i)}/packages/${encodeURIComponent(i.image)}`;
