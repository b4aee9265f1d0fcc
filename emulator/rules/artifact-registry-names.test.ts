import * as grpc from '@grpc/grpc-js';
import {
  imageName,
  imageUri,
  localPath,
  parseDockerImageName,
  parsePackageName,
  parseRepository,
  parseTagName,
  parseVersionName,
  tagName,
  versionName,
} from './artifact-registry-names';

const D = `sha256:${'a'.repeat(64)}`;
const REPO = 'projects/acme/locations/us-central1/repositories/apps';

describe('parsing', () => {
  it.each([
    [`${REPO}/dockerImages/web@${D}`, { image: 'web', digest: D }],
    [`${REPO}/dockerImages/team%2Fweb@${D}`, { image: 'team/web', digest: D }],
    [`${REPO}/dockerImages/team%2fapi%2Fv2@${D}`, { image: 'team/api/v2', digest: D }],
  ])('docker image %s', (name, want) => {
    expect(parseDockerImageName(name)).toEqual({ project: 'acme', location: 'us-central1', repository: 'apps', ...want });
  });

  it.each([
    [`${REPO}/packages/web/tags/v1.2`, { image: 'web', tag: 'v1.2' }],
    [`${REPO}/packages/team%2Fweb/tags/latest`, { image: 'team/web', tag: 'latest' }],
  ])('tag %s', (name, want) => {
    expect(parseTagName(name)).toMatchObject(want);
  });

  it('package and version', () => {
    expect(parsePackageName(`${REPO}/packages/team%2Fweb`).image).toBe('team/web');
    expect(parseVersionName(`${REPO}/packages/web/versions/${D}`)).toMatchObject({ image: 'web', digest: D });
    expect(parseRepository(REPO)).toEqual({ project: 'acme', location: 'us-central1', repository: 'apps' });
  });

  it.each([
    ['projects/acme/locations/us-central1', /expected projects\/PROJECT\/locations\/LOCATION\/repositories\/ID/],
    [`${REPO}/dockerImages/web:latest`, /expected .*dockerImages\/IMAGE@sha256:DIGEST/],
    [`${REPO}/dockerImages/web@sha256:abc`, /expected .*dockerImages\/IMAGE@sha256:DIGEST/],
    [`${REPO}/dockerImages/Web@${D}`, /lowercase/],
    [`${REPO}/dockerImages/team%2F%2Fweb@${D}`, /lowercase components/],
    [`${REPO}/dockerImages/%E0%A4%A@${D}`, /not a valid URL-escaped image name/],
    [`projects/acme/locations/us-central1/repositories/Apps/packages/web`, /lowercase/],
    [`${REPO}/packages/web/tags/-bad`, /Invalid tag '-bad'/],
    [`${REPO}/packages/web/versions/v1`, /versions\/sha256:DIGEST/],
  ])('%s is rejected', (name, message) => {
    const parse = name.includes('/dockerImages/')
      ? parseDockerImageName
      : name.includes('/tags/')
        ? parseTagName
        : name.includes('/versions/')
          ? parseVersionName
          : name.includes('/packages/')
            ? parsePackageName
            : parseRepository;
    expect(() => parse(name)).toThrow(
      expect.objectContaining({ code: grpc.status.INVALID_ARGUMENT, message: expect.stringMatching(message) }),
    );
  });
});

it('formats names, URIs and the local registry path (slashes in image names escaped as %2F)', () => {
  const image = { project: 'acme', location: 'europe-west1', repository: 'apps', image: 'team/web', digest: D };
  expect(imageName(image)).toBe(`projects/acme/locations/europe-west1/repositories/apps/dockerImages/team%2Fweb@${D}`);
  expect(imageUri(image)).toBe(`europe-west1-docker.pkg.dev/acme/apps/team/web@${D}`);
  expect(localPath(image)).toBe('europe-west1-docker.pkg.dev/acme/apps/team/web');
  expect(tagName({ ...image, tag: 'v1' })).toBe(
    'projects/acme/locations/europe-west1/repositories/apps/packages/team%2Fweb/tags/v1',
  );
  expect(versionName(image)).toBe(`projects/acme/locations/europe-west1/repositories/apps/packages/team%2Fweb/versions/${D}`);
  expect(parseDockerImageName(imageName(image))).toEqual(image);
});
