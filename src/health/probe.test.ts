import { probeUrl } from './probe';

it.each([
  ['https://tag---svc-abc-ew.a.run.app', '/health', 'https://tag---svc-abc-ew.a.run.app/health'],
  ['https://tag---svc-abc-ew.a.run.app/', '/health', 'https://tag---svc-abc-ew.a.run.app/health'],
  ['https://example.com/api//', '/health?full=1', 'https://example.com/api/health?full=1'],
  ['http://127.0.0.1:8080', '/', 'http://127.0.0.1:8080/'],
])('probeUrl(%s, %s) keeps a base path prefix: %s', (base, path, url) => {
  expect(probeUrl(base, path)).toBe(url);
});
