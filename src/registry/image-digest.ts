/**
 * Resolves the image to deploy to its digest before anything changes, so the revision runs exactly
 * the image that was built and a missing repository or image fails the deploy up front. Artifact
 * Registry paths are asked through its API (with the deployer's credentials); any other registry
 * through the Registry HTTP API v2 (`HEAD /v2/<path>/manifests/<ref>`, anonymously).
 */
import { status } from '@grpc/grpc-js';
import type { GoogleClients } from '../cloudrun/clients';
import { describeApiError, errorCode } from '../cloudrun/errors';
import { withRetry } from '../cloudrun/retry';
import { artifactRegistryImage, packageName, repositoryName, repositoryOf, type ImageReference } from './reference';

/** Manifest types a registry may hold for one image: single-platform and index, Docker and OCI. */
export const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

export class ImageNotFound extends Error {}

const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

/** The registry's base URL: plain HTTP only for a registry on this machine. */
export const registryBaseUrl = (registry: string): string => `${LOCAL.test(registry) ? 'http' : 'https'}://${registry}`;

async function digestFromRegistry(ref: ImageReference, fetchImpl: typeof fetch): Promise<string> {
  const reference = ref.digest ?? ref.tag ?? 'latest';
  const url = `${registryBaseUrl(ref.registry)}/v2/${ref.path}/manifests/${reference}`;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'HEAD',
      headers: { Accept: MANIFEST_ACCEPT },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new Error(
      `Could not reach the registry ${ref.registry} to resolve ${repositoryOf(ref)}:${reference}: ${(e as Error).message}`,
    );
  }
  if (response.status === 404) {
    throw new ImageNotFound(
      `The image ${repositoryOf(ref)}:${reference} does not exist in the registry ${ref.registry} (HTTP 404).`,
    );
  }
  if (response.status === 401 || response.status === 403) {
    // A pinned digest needs no look-up; Cloud Run checks it when it pulls.
    if (ref.digest) return ref.digest;
    throw new Error(
      `The registry ${ref.registry} refused an anonymous look-up of ${repositoryOf(ref)} (HTTP ${response.status}); pass the image by digest (IMAGE@sha256:...) or use Artifact Registry.`,
    );
  }
  if (!response.ok) throw new Error(`The registry ${ref.registry} answered HTTP ${response.status} for ${url}.`);
  const digest = response.headers.get('docker-content-digest') ?? ref.digest;
  if (!digest)
    throw new Error(`The registry ${ref.registry} gave no Docker-Content-Digest for ${repositoryOf(ref)}:${reference}.`);
  return digest;
}

async function digestFromArtifactRegistry(clients: GoogleClients, ref: ImageReference): Promise<string> {
  const image = artifactRegistryImage(ref)!;
  const ar = clients.artifactRegistry;
  const call = async <T>(what: string, fn: () => Promise<T>, missing: string): Promise<T> => {
    try {
      return await withRetry(fn);
    } catch (e) {
      if (errorCode(e) === status.NOT_FOUND) throw new ImageNotFound(missing);
      throw new Error(`Could not read ${what} from Artifact Registry: ${describeApiError(e, { project: image.project })}`);
    }
  };
  await call(
    'the repository',
    () => ar.getRepository({ name: repositoryName(image) }),
    `The Artifact Registry repository ${image.repository} does not exist in project ${image.project}, location ${image.location}. Create it: gcloud artifacts repositories create ${image.repository} --repository-format=docker --location=${image.location} --project=${image.project}`,
  );
  if (ref.digest) {
    await call(
      'the image',
      () => ar.getVersion({ name: `${packageName(image)}/versions/${ref.digest}` }),
      `The image ${repositoryOf(ref)}@${ref.digest} does not exist in the repository ${image.repository}.`,
    );
    return ref.digest;
  }
  const tag = ref.tag ?? 'latest';
  const [found] = await call(
    'the image tag',
    () => ar.getTag({ name: `${packageName(image)}/tags/${tag}` }),
    `The image ${repositoryOf(ref)}:${tag} does not exist in the repository ${image.repository} (no such tag).`,
  );
  const digest = /(sha256:[a-f0-9]{64})$/.exec(found.version ?? '')?.[1];
  if (!digest)
    throw new Error(`Artifact Registry returned the tag ${tag} without a digest version (${found.version ?? 'none'}).`);
  return digest;
}

/** The digest the deploy pins; throws ImageNotFound when the repository or image does not exist. */
export async function resolveDigest(
  clients: GoogleClients,
  ref: ImageReference,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  return artifactRegistryImage(ref) ? digestFromArtifactRegistry(clients, ref) : digestFromRegistry(ref, fetchImpl);
}
