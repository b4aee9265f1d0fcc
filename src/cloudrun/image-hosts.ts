/**
 * The registries Cloud Run pulls from: Artifact Registry (`[region-]docker.pkg.dev`), Container
 * Registry (`[region.]gcr.io`) and Docker Hub (`docker.io`, or no host at all). Any other host is
 * refused when the service is created or updated, with this message (quoted from the API in
 * datawranglerai/self-host-n8n-on-gcr#31 and ko-build/terraform-provider-ko#205; docs:
 * https://cloud.google.com/run/docs/deploying, "Supported container registries and images").
 * Pure; deploy-cloudrun and the emulator share it.
 */

const CLOUD_RUN_HOST = /^(?:(?:[a-z]+\.)?gcr\.io|(?:[a-z0-9-]+-)?docker\.pkg\.dev|docker\.io)$/;

/**
 * The registry host of an image reference, or undefined for a Docker Hub short name (`nginx`,
 * `library/nginx`): as Docker reads it, the first path component is a host when it holds a dot or a
 * port, or is `localhost`.
 */
export function imageHost(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash === -1) return undefined;
  const first = image.slice(0, slash);
  return /[.:]/.test(first) || first === 'localhost' ? first : undefined;
}

export const REMOTE_REPOSITORY_HELP =
  'To deploy container images from other public or private registries, set up an Artifact Registry remote repository. See https://cloud.google.com/artifact-registry/docs/repositories/remote-repo.';

/**
 * Cloud Run's refusal of `image`, or undefined when it pulls from that host. `alsoAllowed` says which
 * other hosts pass (the emulator's local registry).
 */
export function imageHostProblem(image: string, alsoAllowed: (host: string) => boolean = () => false): string | undefined {
  const host = imageHost(image);
  if (host === undefined || CLOUD_RUN_HOST.test(host) || alsoAllowed(host)) return undefined;
  return `Expected an image path like [host/]repo-path[:tag and/or @digest], where host is one of [region.]gcr.io, [region-]docker.pkg.dev or docker.io but obtained ${image}. ${REMOTE_REPOSITORY_HELP}`;
}

/** A loopback registry host (`127.0.0.1:5000`, `localhost:5000`, `[::1]:5000`): the emulator's own registry. */
export const isLoopbackHost = (host: string): boolean => /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d+)?$/.test(host);
