import {
  artifactRegistryImage,
  dockerImageName,
  formatImageReference,
  parseImageReference,
  pinned,
  repositoryName,
} from './reference';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it.each([
    ['127.0.0.1:5000/demo/web', { registry: '127.0.0.1:5000', path: 'demo/web', tag: undefined, digest: undefined }],
    ['127.0.0.1:5000/demo/web:v1.2', { registry: '127.0.0.1:5000', path: 'demo/web', tag: 'v1.2', digest: undefined }],
    [`localhost/web@${D}`, { registry: 'localhost', path: 'web', tag: undefined, digest: D }],
    [
      `europe-west1-docker.pkg.dev/acme/apps/web:abc@${D}`,
      { registry: 'europe-west1-docker.pkg.dev', path: 'acme/apps/web', tag: 'abc', digest: D },
    ],
  ])('%s', (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected);
    expect(formatImageReference(parseImageReference(text))).toBe(text);
  });

  it.each([
    ['web', /REGISTRY\/PATH/],
    ['library/web:1', /not a registry host/],
    ['127.0.0.1:5000/Web', /lowercase components/],
    ['127.0.0.1:5000/web@sha256:abc', /64 lowercase hex/],
    ['127.0.0.1:5000/web:-bad', /tag "-bad"/],
  ])('rejects %s', (text, message) => {
    expect(() => parseImageReference(text)).toThrow(message);
  });
});

describe('Artifact Registry paths', () => {
  it('maps LOCATION-docker.pkg.dev/PROJECT/REPO/IMAGE to resource names', () => {
    const ar = artifactRegistryImage(parseImageReference('us-central1-docker.pkg.dev/acme/apps/team/web:v1'));
    expect(ar).toEqual({ location: 'us-central1', project: 'acme', repository: 'apps', image: 'team/web' });
    expect(repositoryName(ar!)).toBe('projects/acme/locations/us-central1/repositories/apps');
    expect(dockerImageName(ar!, D)).toBe(`projects/acme/locations/us-central1/repositories/apps/dockerImages/team%2Fweb@${D}`);
  });

  it.each(['127.0.0.1:5000/acme/apps/web', 'us-central1-docker.pkg.dev/acme/apps'])('%s is not an AR image', (text) => {
    expect(artifactRegistryImage(parseImageReference(text))).toBeUndefined();
  });

  it('pins to a digest, dropping the tag', () => {
    expect(pinned(parseImageReference('127.0.0.1:5000/demo/web:v1'), D)).toBe(`127.0.0.1:5000/demo/web@${D}`);
  });
});
