import { createClients } from '../cloudrun/clients';
import { parseImageReference } from './reference';
import { registryBaseUrl, resolveDigest } from './image-digest';

// Resolution against the real local registry and the emulated Artifact Registry is tested in
// test/integration/deploy-cloudrun.test.ts.
describe('registryBaseUrl', () => {
  it.each([
    ['127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['localhost:5000', 'http://localhost:5000'],
    ['ghcr.io', 'https://ghcr.io'],
    ['registry.example.com:443', 'https://registry.example.com:443'],
  ])('%s -> %s', (registry, url) => expect(registryBaseUrl(registry)).toBe(url));
});

it('names the registry it cannot reach', async () => {
  // Port 1 on loopback refuses connections.
  await expect(resolveDigest(createClients({}), parseImageReference('127.0.0.1:1/acme/web:v1'))).rejects.toThrow(
    /Could not reach the registry 127\.0\.0\.1:1 to resolve 127\.0\.0\.1:1\/acme\/web:v1/,
  );
});
