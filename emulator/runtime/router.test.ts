import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { REVISION_HOST } from './ports';
import { Router, type RequestRecord } from './router';

const REVISION = 'projects/p/locations/us-central1/services/web/revisions/web-1';

/** A revision that sends its status line and headers at once, then never finishes its body. */
async function stalledRevision(): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('partial');
  });
  await new Promise<void>((resolve) => server.listen(0, REVISION_HOST, resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

it('records a request cut off at its timeout after its answer started as a 504', async () => {
  const revision = await stalledRevision();
  const records: RequestRecord[] = [];
  const router = new Router(() => revision.port, { record: (r) => records.push(r) }, {}, undefined, {
    admit: async () => undefined,
    timeoutMs: () => 200,
  });
  try {
    const url = await router.ensureService('projects/p/locations/us-central1/services/web');
    await router.setRoutes('projects/p/locations/us-central1/services/web', [{ revision: REVISION, percent: 100 }]);
    const cut = await new Promise<{ status?: number; aborted: boolean }>((resolve) => {
      http.get(url, (res) => {
        res.on('data', () => undefined);
        res.on('error', () => resolve({ status: res.statusCode, aborted: true }));
        res.on('end', () => resolve({ status: res.statusCode, aborted: res.readableAborted }));
      });
    });
    expect(cut).toEqual({ status: 200, aborted: true });
    expect(records).toEqual([expect.objectContaining({ service: 'web', revision: 'web-1', code: 504 })]);
  } finally {
    await router.close();
    revision.server.closeAllConnections();
    revision.server.close();
  }
});
