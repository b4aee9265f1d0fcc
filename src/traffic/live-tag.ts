/**
 * Marks the image a promotion made live with the Artifact Registry tag `live-SERVICE`, so the image
 * in production can be found (and kept by cleanup policies) from the registry alone.
 */
import { status } from '@grpc/grpc-js';
import type { GoogleClients } from '../cloudrun/clients';
import { errorCode } from '../cloudrun/errors';
import { sendOnce } from '../cloudrun/retry';
import { artifactRegistryImage, packageName, parseImageReference } from '../registry/reference';

export const liveTag = (service: string): string => `live-${service}`;

/** What happened, as one sentence for the log and the summary. */
export async function tagLiveImage(clients: GoogleClients, image: string | undefined, service: string): Promise<string> {
  const tag = liveTag(service);
  if (!image) return `No image found on the revision; tag ${tag} not set.`;
  let ref;
  try {
    ref = parseImageReference(image);
  } catch (e) {
    return `Image ${image} is not a parseable reference (${(e as Error).message}); tag ${tag} not set.`;
  }
  const ar = artifactRegistryImage(ref);
  if (!ar) return `Image ${image} is not in Artifact Registry; tag ${tag} not set.`;
  if (!ref.digest) return `Image ${image} is not pinned to a digest; tag ${tag} not set.`;
  const parent = packageName(ar);
  const wanted = { name: `${parent}/tags/${tag}`, version: `${parent}/versions/${ref.digest}` };
  // A CreateTag or UpdateTag that met a transient error is sent again only if the tag does not
  // point at the digest yet (a re-read), never blindly.
  const applied = async () => {
    try {
      const [now] = await clients.artifactRegistry.getTag({ name: wanted.name });
      return now.version === wanted.version ? now : undefined;
    } catch (e) {
      if (errorCode(e) === status.NOT_FOUND) return undefined;
      throw e;
    }
  };
  try {
    await sendOnce(() => clients.artifactRegistry.createTag({ parent, tagId: tag, tag: wanted }), applied);
  } catch (e) {
    if (errorCode(e) !== status.ALREADY_EXISTS) throw e;
    await sendOnce(() => clients.artifactRegistry.updateTag({ tag: wanted, updateMask: { paths: ['version'] } }), applied);
  }
  return `Tagged ${ref.digest} as ${tag} in Artifact Registry.`;
}
