import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probe, probeUrl, type ProbeRequest } from './probe';

it.each([
  ['https://tag---svc-abc-ew.a.run.app', '/health', 'https://tag---svc-abc-ew.a.run.app/health'],
  ['https://tag---svc-abc-ew.a.run.app/', '/health', 'https://tag---svc-abc-ew.a.run.app/health'],
  ['https://example.com/api//', '/health?full=1', 'https://example.com/api/health?full=1'],
  ['http://127.0.0.1:8080', '/', 'http://127.0.0.1:8080/'],
])('probeUrl(%s, %s) keeps a base path prefix: %s', (base, path, url) => {
  expect(probeUrl(base, path)).toBe(url);
});

describe('probe', () => {
  const checks: ProbeRequest = { expectedStatus: [{ from: 200, to: 299 }], assertions: [], headers: {} };
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/redirect') return void res.writeHead(302, { location: '/' }).end();
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000).unref();
      if (req.url === '/drop') return req.socket.destroy();
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': '100' }).write('part');
        return void setTimeout(() => req.socket.destroy(), 20);
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ua: req.headers['user-agent'], x: req.headers['x-a'], é: 'ü' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r).closeAllConnections()));

  it('sends its user agent and the headers, and reads status and body as UTF-8', async () => {
    const bodyRegex = /^\{"ua":"runway-health-gate","x":"b","é":"ü"\}$/;
    expect(await probe(`${base}/`, { ...checks, bodyRegex, headers: { 'x-a': 'b' } }, 1000)).toMatchObject({
      status: 200,
      failures: [],
    });
  });

  it.each([
    ['/redirect', { status: 302 }],
    ['/slow', { unanswered: 'timeout', failures: [{ kind: 'timeout' }] }],
    ['/drop', { unanswered: 'network', failures: [{ kind: 'network', message: 'network error ECONNRESET' }] }],
    ['/cut', { unanswered: 'network', failures: [{ kind: 'network' }] }],
  ])('%s: %j', async (path, expected) => {
    expect(await probe(`${base}${path}`, checks, 300)).toMatchObject(expected);
  });

  it('names a refused connection, and gives null once cancelled', async () => {
    expect(await probe('http://127.0.0.1:1/', checks, 1000)).toMatchObject({ failures: [{ message: 'connection refused' }] });
    const cancel = new AbortController();
    const pending = probe(`${base}/slow`, checks, 5000, cancel.signal);
    cancel.abort();
    expect(await pending).toBeNull();
  });
});
