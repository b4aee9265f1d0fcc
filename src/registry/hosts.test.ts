import { googleRegistryHost } from './hosts';

describe('googleRegistryHost', () => {
  it.each([
    ['us-central1-docker.pkg.dev/acme/apps/web', 'us-central1-docker.pkg.dev'],
    ['europe-west1-docker.pkg.dev/acme/apps/team/web', 'europe-west1-docker.pkg.dev'],
    ['gcr.io/acme/web', 'gcr.io'],
    ['eu.gcr.io/acme/web', 'eu.gcr.io'],
    ['ghcr.io/acme/web', undefined],
    ['127.0.0.1:5000/us-central1-docker.pkg.dev/acme/apps/web', undefined],
    ['docker.pkg.dev.evil.example/acme/web', undefined],
    ['gcr.io.evil.example/acme/web', undefined],
  ])('%s → %s', (image, host) => expect(googleRegistryHost(image)).toBe(host));
});
