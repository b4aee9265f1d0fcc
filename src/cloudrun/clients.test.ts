import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientOptions, createClients, parseEmulatorHost } from './clients';

describe('parseEmulatorHost', () => {
  it.each([
    ['127.0.0.1:8090', { host: '127.0.0.1', port: 8090 }],
    ['localhost:1', { host: 'localhost', port: 1 }],
    ['[::1]:9000', { host: '::1', port: 9000 }],
  ])('%s', (value, expected) => expect(parseEmulatorHost(value)).toEqual(expected));

  it.each(['127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', ':80', 'host:port'])('rejects %s', (value) => {
    expect(() => parseEmulatorHost(value)).toThrow(/CLOUD_RUN_EMULATOR_HOST=.*host:port/);
  });
});

describe('createClients', () => {
  it('uses default Google endpoints and credentials without the emulator variable', () => {
    expect(clientOptions({})).toEqual({});
  });

  it('talks to the emulator without asking the metadata server for credentials', async () => {
    let metadataHits = 0;
    const metadata = http.createServer((_req, res) => {
      metadataHits++;
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
    const saved = process.env.GCE_METADATA_HOST;
    process.env.GCE_METADATA_HOST = `127.0.0.1:${(metadata.address() as AddressInfo).port}`;
    // Port 1 on loopback refuses connections: the call fails with UNAVAILABLE, not a credentials error.
    const clients = createClients({ CLOUD_RUN_EMULATOR_HOST: '127.0.0.1:1' });
    try {
      await expect(
        clients.services.getService({ name: 'projects/p/locations/l/services/s' }, { timeout: 3000, retry: null } as never),
      ).rejects.toMatchObject({ code: 14 });
      await expect(
        clients.artifactRegistry.getRepository({ name: 'projects/p/locations/l/repositories/r' }, {
          timeout: 3000,
          retry: null,
        } as never),
      ).rejects.toMatchObject({ code: 14 });
      expect(metadataHits).toBe(0);
    } finally {
      await clients.close();
      metadata.close();
      if (saved === undefined) delete process.env.GCE_METADATA_HOST;
      else process.env.GCE_METADATA_HOST = saved;
    }
  });
});
