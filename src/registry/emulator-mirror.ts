/**
 * Where the emulator keeps images that users name by their Artifact Registry path: the local
 * registry holds `LOCATION-docker.pkg.dev/PROJECT/REPO/IMAGE` under that same path, prefixed by the
 * registry's address, e.g. `127.0.0.1:5000/us-central1-docker.pkg.dev/acme/apps/web`. Any other
 * reference (such as `127.0.0.1:5000/demo/web@sha256:...`) is used as it is. Here, not in emulator/,
 * because build-image pushes there when pointed at the emulator and product code never imports emulator/.
 */
import { artifactRegistryImage, formatImageReference, parseImageReference } from './reference';

export const DEFAULT_REGISTRY = '127.0.0.1:5000';

export function localImageRef(ref: string, registry: string = DEFAULT_REGISTRY): string {
  const parsed = parseImageReference(ref);
  if (!artifactRegistryImage(parsed)) return ref;
  return formatImageReference({ ...parsed, registry, path: `${parsed.registry}/${parsed.path}` });
}
