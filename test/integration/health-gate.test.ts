/**
 * The health-gate bundle run the way the runner runs it, against real HTTP servers on 127.0.0.1
 * started here. Every scenario is bounded in requests (samples) and time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GateReport } from '../../src/health';
import { WARM_UP_ROUNDS } from '../../src/health/gate';
import { runBundle, type ActionRun } from '../helpers/run-action';

interface TestServer {
  url: string;
  /** Requests received so far. */
  count(): number;
  close(): Promise<void>;
}

type Handler = (n: number, req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

const servers: TestServer[] = [];

async function serve(handler: Handler): Promise<TestServer> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    n++;
    void handler(n, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const s: TestServer = {
    url: `http://127.0.0.1:${port}`,
    count: () => n,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(s);
  return s;
}

function json(res: ServerResponse, status: number, body: unknown, delayMs = 0): void {
  setTimeout(() => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }, delayMs);
}

const healthy = { status: 'ok', database: 'connected', redis: 'connected' };

/** Cloud Run's own page when no instance takes a request (src/health/check.ts cites it). */
const CLOUD_RUN_503 =
  '<html><head>\n<meta http-equiv="content-type" content="text/html;charset=utf-8">\n<title>503 Server Error</title>\n</head>\n' +
  '<body text=#000000 bgcolor=#ffffff>\n<h1>Error: Server Error</h1>\n' +
  '<h2>The service you requested is not available yet.<p>Please try again in 30 seconds.</h2>\n<h2></h2>\n</body></html>\n';

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function gate(inputs: Record<string, string>): Promise<ActionRun & { report?: GateReport }> {
  const run = await runBundle('dist/health-gate/index.js', { inputs: { interval: '20ms', ...inputs }, timeoutMs: 60_000 });
  return { ...run, report: run.outputs.report ? (JSON.parse(run.outputs.report) as GateReport) : undefined };
}

it('passes a healthy revision, with outputs, a summary table, a latency chart and progress lines', async () => {
  const server = await serve((_n, _req, res) => json(res, 200, healthy));
  const run = await gate({
    url: server.url,
    paths: '/health, /ready',
    samples: '30',
    assert: '$.database == "connected"\n$.redis exists',
  });
  expect(run.code).toBe(0);
  expect(run.outputs.verdict).toBe('pass');
  // 10 % of 30 allows 3 failures: after 27 successes per path nothing but a pass is possible, so probing stops.
  expect(run.report!.stoppedEarly).toBe(true);
  expect(run.report!.paths.map((p) => [p.path, p.candidate.errors])).toEqual([
    ['/health', 0],
    ['/ready', 0],
  ]);
  const counts = run.report!.paths.map((p) => p.candidate.samples);
  for (const n of counts) expect(n).toBeGreaterThanOrEqual(27);
  expect(run.report!.paths[0].candidate.p95).toEqual(expect.any(Number));
  expect(server.count()).toBeLessThanOrEqual(61); // one startup probe + at most 30 per path
  expect(run.summary).toContain('### ✅ Health gate: pass');
  expect(run.summary).toContain(`| \`/health\` | candidate | ${counts[0]} | 0 | 0 % |`);
  expect(run.summary).toContain('```mermaid\nxychart-beta');
  expect(run.stdout).toMatch(/Probed \d+\/60 requests; errors: candidate 0/);
  expect(run.errors).toEqual([]);
}, 30_000);

it('fails a 200 whose body says the database is down, naming path, expected and actual, and stops early', async () => {
  const server = await serve((_n, _req, res) => json(res, 200, { status: 'ok', database: 'error' }));
  const run = await gate({ url: server.url, assert: '$.database == "connected"' });
  expect(run.code).toBe(1);
  expect(run.outputs.verdict).toBe('fail');
  expect(run.errors.join('\n')).toContain('$.database: expected == "connected", got "error"');
  const failures = run.report!.paths[0].candidate.failures;
  expect(failures[0]).toMatchObject({ kind: 'assertion', path: '$.database', expected: '== "connected"', actual: '"error"' });
  // max-error-rate 10 % of 100 allows 10: the 11th failure makes the outcome certain.
  expect(run.report!.stoppedEarly).toBe(true);
  expect(run.report!.paths[0].candidate.errors).toBe(11);
  expect(server.count()).toBeLessThanOrEqual(1 + 11 + 4);
  expect(run.summary).toMatch(/\| `\/` \| candidate \| 11 \| `\$\.database` \| == "connected" \| "error" \|/);
}, 30_000);

it("fails fast on the app's own 503: an answer with a body ends the startup wait at once", async () => {
  const server = await serve((_n, _req, res) => json(res, 503, { status: 'unavailable', database: 'error' }));
  const run = await gate({ url: server.url }); // default startup-timeout 20 s
  expect(run.code).toBe(1);
  expect(run.outputs.verdict).toBe('fail');
  expect(run.errors[0]).toMatch(
    /^\/: 11 of 11 requests failed; max-error-rate 10 % allows 10 of 100\. 11× status 503 \(expected 200-299\)$/,
  );
  expect(run.report!.startup).toMatchObject({ ready: true, attempts: 1 });
  expect(server.count()).toBeLessThanOrEqual(1 + 11 + 4);
}, 30_000);

it("waits out the platform's own 503 page until startup-timeout, then fails naming it", async () => {
  const server = await serve((_n, _req, res) => {
    res.writeHead(503, { 'content-type': 'text/html; charset=UTF-8' });
    res.end(CLOUD_RUN_503);
  });
  const run = await gate({ url: server.url, 'startup-timeout': '1s' });
  expect(run.code).toBe(1);
  expect(run.outputs.verdict).toBe('fail');
  expect(run.errors[0]).toMatch(
    /^\/: no successful response within startup-timeout 1 s \(\d+ attempts; last: status 503, the platform's own page: no instance took the request \(expected 200-299\)\)$/,
  );
  expect(run.report!.startup.ready).toBe(false);
  expect(server.count()).toBeGreaterThan(1);
  expect(server.count()).toBeLessThan(40);
}, 30_000);

it('fails an always-500 revision fast: the app answered, so the startup wait ends at once', async () => {
  const server = await serve((_n, _req, res) => json(res, 500, { error: 'boom' }));
  const run = await gate({ url: server.url });
  expect(run.outputs.verdict).toBe('fail');
  expect(run.errors[0]).toMatch(
    /11 of 11 requests failed; max-error-rate 10 % allows 10 of 100\. 11× status 500 \(expected 200-299\)/,
  );
  expect(server.count()).toBeLessThanOrEqual(1 + 11 + 4);
}, 30_000);

it("passes with 5 % of the app's own errors at the default max-error-rate", async () => {
  const server = await serve((n, _req, res) => json(res, n % 20 === 0 ? 503 : 200, healthy));
  const run = await gate({ url: server.url, assert: '$.database == "connected"' });
  expect(run.outputs.verdict).toBe('pass');
  expect(run.code).toBe(0);
  // Every 20th request fails; probing may stop a little early once an 11th failure is out of reach.
  const { samples, errors, errorRate } = run.report!.paths[0].candidate;
  expect(samples).toBeGreaterThanOrEqual(90);
  expect([4, 5]).toContain(errors);
  expect(errorRate).toBeLessThanOrEqual(0.056);
  expect(run.summary).toContain(`| \`/\` | candidate | ${samples} | ${errors} |`);
}, 30_000);

it("asks again after the platform's own page in the measured phase, and counts only the second answer", async () => {
  const server = await serve((n, _req, res) => {
    if (n % 5 !== 0) return json(res, 200, healthy);
    res.writeHead(503, { 'content-type': 'text/html; charset=UTF-8' });
    res.end(CLOUD_RUN_503);
  });
  // One request at a time, so a second attempt is never itself a 5th request.
  const run = await gate({ url: server.url, samples: '30', concurrency: '1', assert: '$.database == "connected"' });
  expect(run.outputs.verdict).toBe('pass');
  const { samples, errors, retried } = run.report!.paths[0].candidate;
  expect(errors).toBe(0);
  expect(retried).toBeGreaterThanOrEqual(3);
  expect(server.count()).toBe(1 + samples + retried);
  expect(run.outputs.report).toContain('"retried":');
}, 30_000);

it('passes a healthy revision at default settings once 10 % errors are ruled out with 99 % confidence', async () => {
  const server = await serve((_n, _req, res) => json(res, 200, healthy));
  const run = await gate({ url: server.url, assert: '$.database == "connected"' });
  expect(run.outputs.verdict).toBe('pass');
  expect(run.report!.stoppedEarly).toBe(true);
  // 0.9^44 < 1 %: the 44th clean request decides; requests in flight then are dropped.
  expect(run.report!.paths[0].candidate.samples).toBe(44);
  expect(server.count()).toBeLessThanOrEqual(1 + 44 + 4);
}, 30_000);

it('fails a slow p95 and reports the percentile', async () => {
  // Every 10th request takes 300 ms: 10 % slow, more than the 5 % a p95 limit allows.
  const server = await serve((n, _req, res) => json(res, 200, healthy, n % 10 === 0 ? 300 : 0));
  const run = await gate({ url: server.url, 'max-p95-ms': '150', samples: '60' });
  expect(run.outputs.verdict).toBe('fail');
  expect(run.errors[0]).toMatch(
    /^\/: p95 latency 3\d\d ms exceeds max-p95-ms 150: [4-6] of \d+ requests took longer, at most 3 of 60 may$/,
  );
  expect(run.report!.paths[0].candidate.p95).toBeGreaterThanOrEqual(300);
  expect(server.count()).toBeLessThanOrEqual(61);
}, 30_000);

it("waits for a slow cold start (the platform's page) without counting its failures, then passes", async () => {
  let first: number | undefined;
  const server = await serve((_n, _req, res) => {
    first ??= Date.now(); // from the first probe: the bundle's own start-up is not the revision's
    if (Date.now() - first >= 1500) return json(res, 200, healthy);
    res.writeHead(503, { 'content-type': 'text/html; charset=UTF-8' });
    res.end(CLOUD_RUN_503);
  });
  const run = await gate({
    url: server.url,
    samples: '20',
    interval: '200ms',
    'startup-timeout': '20s',
    assert: '$.database == "connected"',
  });
  expect(run.outputs.verdict).toBe('pass');
  expect(run.report!.startup.ready).toBe(true);
  expect(run.report!.startup.attempts).toBeGreaterThan(1);
  expect(run.report!.startup.ms).toBeGreaterThanOrEqual(1000);
  expect(run.report!.paths[0].candidate.errors).toBe(0);
  expect(run.report!.paths[0].candidate.samples).toBeGreaterThanOrEqual(18); // 10 % of 20 allows 2 failures
  expect(run.stdout).toMatch(/Waiting for the first success of .*: attempt 1, .*last: status 503, the platform's own page/);
  expect(run.summary).toMatch(/first success after \d+\.\d s \(\d+ attempt\(s\)\)/);
}, 30_000);

it('fails on connection refused, naming it', async () => {
  const closed = await serve(() => undefined);
  await closed.close();
  servers.pop();
  const run = await gate({ url: closed.url, 'startup-timeout': '1s' });
  expect(run.code).toBe(1);
  expect(run.outputs.verdict).toBe('fail');
  expect(run.errors[0]).toMatch(/no successful response within startup-timeout 1 s .*last: connection refused/);
}, 30_000);

it('fails a candidate clearly slower than the stable revision, inside every absolute limit', async () => {
  const stable = await serve((_n, _req, res) => json(res, 200, healthy));
  const candidate = await serve((_n, _req, res) => json(res, 200, healthy, 40));
  const run = await gate({ url: candidate.url, 'baseline-url': stable.url, samples: '30', 'max-p95-ms': '1000' });
  expect(run.outputs.verdict).toBe('fail');
  expect(run.errors.join('\n')).toMatch(
    /^\/: candidate is slower than stable by \+\d+ ms .* \(one-sided Mann-Whitney U p = [\d.e+-]+\)$/m,
  );
  const path = run.report!.paths[0];
  expect(path.baseline!.samples).toBe(30);
  expect(path.comparison!.latency!.shiftMs).toBeGreaterThan(30);
  expect(path.comparison!.latency!.pValue).toBeLessThan(0.001);
  // Each target gets the warm-up rounds first (not judged); the baseline gets no startup probe. A
  // failure for latency alone is measured again: a second batch of 30 per side confirmed it.
  expect(run.report!.warmUp.requests).toBe(WARM_UP_ROUNDS);
  expect(run.report!.firstBatch!.paths[0].candidate.samples).toBe(30);
  expect(run.errors.join('\n')).toMatch(/A first batch of requests found: .*; a second batch confirmed it\./);
  expect(stable.count()).toBe(WARM_UP_ROUNDS + 2 * 30);
  expect(candidate.count()).toBe(1 + WARM_UP_ROUNDS + 2 * 30);
  expect(run.summary).toContain('#### Candidate against stable');
  expect(run.summary).toMatch(/bar \[.*\]\n {2}line \[/);
}, 30_000);

it('passes a candidate that is as good as the stable revision', async () => {
  const stable = await serve((_n, _req, res) => json(res, 200, healthy));
  const candidate = await serve((_n, _req, res) => json(res, 200, healthy));
  const run = await gate({ url: candidate.url, 'baseline-url': stable.url, samples: '30' });
  expect(run.outputs.verdict).toBe('pass');
  expect(run.report!.paths[0].comparison!.errors).toEqual({ candidate: 0, baseline: 0, pValue: 1, test: 'boschloo' });
}, 30_000);

it('rejects bad inputs, naming each, before sending any request', async () => {
  const server = await serve((_n, _req, res) => json(res, 200, healthy));
  const run = await gate({
    url: server.url.replace('http://', ''),
    'expected-status': '200-299, 700',
    assert: '$.database = "connected"',
    samples: '0',
    'max-error-rate': '150%',
    headers: 'Authorization: Bearer abc',
  });
  expect(run.code).not.toBe(0);
  const errors = run.errors.join('\n');
  for (const expected of [
    /Input "url": .* is not valid: expected an http:\/\/ or https:\/\/ URL/,
    /Input "expected-status": .*item "700": 700 is not an HTTP status/,
    /Input "assert": .*line "\$\.database = \\?"connected\\?"": expected an operator/,
    /Input "samples": "0" is not valid: expected a whole number from 1 to 1000/,
    /Input "max-error-rate": "150%" is not valid/,
    /Input "headers": .*pass the token as id-token/,
  ])
    expect(errors).toMatch(expected);
  expect(run.outputs).toEqual({});
  expect(server.count()).toBe(0);
}, 30_000);

it('sends the id-token as a bearer token and never prints it', async () => {
  const payload = Buffer.from(JSON.stringify({ aud: 'https://other-service.a.run.app' })).toString('base64url');
  const token = `eyJhbGciOiJSUzI1NiJ9.${payload}.c2lnbmF0dXJlLXNlY3JldA`;
  const server = await serve((_n, req, res) => json(res, req.headers.authorization === `Bearer ${token}` ? 200 : 401, healthy));
  const run = await gate({ url: server.url, samples: '10', 'id-token': token, audience: 'https://my-service.a.run.app' });
  expect(run.outputs.verdict).toBe('pass');
  expect(run.warnings.join('\n')).toContain(
    'id-token was minted for audience https://other-service.a.run.app, not https://my-service.a.run.app',
  );
  expect(run.stdout).toContain(`::add-mask::${token}`);
  for (const text of [run.stdout.replaceAll(`::add-mask::${token}`, ''), run.stderr, run.summary, run.outputs.report])
    expect(text).not.toContain(token);
}, 30_000);

it('fails requests that time out, naming the timeout', async () => {
  const server = await serve(() => undefined); // accepts and never answers
  const run = await gate({ url: server.url, 'startup-timeout': '0', 'request-timeout': '200ms', samples: '5', concurrency: '5' });
  expect(run.outputs.verdict).toBe('fail');
  expect(run.errors[0]).toMatch(
    /^\/: 1 of 1 requests failed; max-error-rate 10 % allows 0 of 5\. 1× no complete response within 0\.2 s$/,
  );
  expect(server.count()).toBeLessThanOrEqual(5);
}, 30_000);

it('an inconclusive verdict warns, and fails the step only with fail-on-inconclusive', async () => {
  const stable = await serve((_n, _req, res) => json(res, 200, healthy));
  const candidate = await serve((_n, _req, res) => json(res, 200, healthy));
  const inputs = { url: candidate.url, 'baseline-url': stable.url, samples: '3' };
  const lenient = await gate(inputs);
  expect(lenient.outputs.verdict).toBe('inconclusive');
  expect(lenient.code).toBe(0);
  expect(lenient.warnings.join('\n')).toMatch(/too few samples to compare with stable \(3 and 3; need 5 each\)/);
  const strict = await gate({ ...inputs, 'fail-on-inconclusive': 'true' });
  expect(strict.outputs.verdict).toBe('inconclusive');
  expect(strict.code).toBe(1);
  // Each reason, then the step's own failure line; the outputs are still written.
  expect(strict.errors).toEqual([
    '/: too few samples to compare with stable (3 and 3; need 5 each)',
    'Health gate: inconclusive',
  ]);
  expect(strict.summary).toContain('### ⚠️ Health gate: inconclusive');
}, 30_000);
