import { localImageRef } from './emulator-mirror';

const D = `sha256:${'b'.repeat(64)}`;

it.each([
  ['us-central1-docker.pkg.dev/acme/apps/web:v1', '127.0.0.1:5000/us-central1-docker.pkg.dev/acme/apps/web:v1'],
  [`europe-west1-docker.pkg.dev/acme/apps/web@${D}`, `127.0.0.1:5000/europe-west1-docker.pkg.dev/acme/apps/web@${D}`],
  [`127.0.0.1:5000/demo/web@${D}`, `127.0.0.1:5000/demo/web@${D}`],
])('%s is pulled as %s', (ref, local) => {
  expect(localImageRef(ref)).toBe(local);
});
