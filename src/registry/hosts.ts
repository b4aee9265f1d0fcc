/**
 * Which registry hosts Runway logs in to itself: Google's (Artifact Registry's `LOCATION-docker.pkg.dev`
 * and Container Registry's `gcr.io` family, now served by Artifact Registry), which take an OAuth
 * access token as the password of the user `oauth2accesstoken`
 * (https://cloud.google.com/artifact-registry/docs/docker/authentication#token).
 */
import { parseImageReference } from './reference';

const GOOGLE_REGISTRY = /^([a-z0-9-]+-docker\.pkg\.dev|([a-z]+\.)?gcr\.io)$/;

/** The user name Google's registries expect with an access token as password. */
export const TOKEN_USER = 'oauth2accesstoken';

/** The image's registry host when it is one of Google's, else undefined (the runner's own login applies). */
export function googleRegistryHost(image: string): string | undefined {
  const { registry } = parseImageReference(image);
  return GOOGLE_REGISTRY.test(registry) ? registry : undefined;
}
