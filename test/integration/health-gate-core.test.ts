/** runGate in-process, as promote calls it: cancellation and masking through the Reporter. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gateConfig, healthGateAction, runGate } from '../../src/health';
import { readInputs } from '../../src/inputs';
import { RecordingReporter } from '../../src/report';

let server: Server;
let url: string;
let requests = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"database":"connected"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function config(inputs: Record<string, string>) {
  const values = readInputs(healthGateAction, (name) => ({ url, ...inputs })[name]);
  return gateConfig(values, { url: values.url, baselineUrl: values['baseline-url'] });
}

it('a gate stopped through its signal judges the samples so far: inconclusive, too few samples', async () => {
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 400);
  const before = requests;
  const result = await runGate(config({ samples: '100', interval: '100ms', concurrency: '1' }), new RecordingReporter(), {
    signal: stop.signal,
  });
  expect(result.verdict).toBe('inconclusive');
  expect(result.reasons[0]).toMatch(/^\/: too few samples to judge \(\d of 100 requests made\)$/);
  expect(requests - before).toBeLessThan(10);
});

it('masks the id-token through the reporter and keeps it out of the result', async () => {
  const reporter = new RecordingReporter();
  const result = await runGate(config({ samples: '5', interval: '0', 'id-token': 'token-value-123' }), reporter);
  expect(result.verdict).toBe('pass');
  expect(reporter.masked).toEqual(['token-value-123']);
  expect(JSON.stringify(result)).not.toContain('token-value-123');
  expect(reporter.lines.map((l) => l.message).join('\n')).not.toContain('token-value-123');
});

it('with a baseline, twice `concurrency` requests are in flight: each target sees about the load it would alone', async () => {
  let inFlight = 0;
  let most = 0;
  const slow = () =>
    createServer((_req, res) => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"database":"connected"}');
      }, 30);
    });
  const both = [slow(), slow()];
  for (const s of both) await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const [candidate, stable] = both.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
  try {
    const values = readInputs(
      healthGateAction,
      (name) => ({ url: candidate, samples: '20', interval: '0', concurrency: '2' })[name],
    );
    const result = await runGate(gateConfig(values, { url: candidate, baselineUrl: stable }), new RecordingReporter());
    expect(result.verdict).toBe('pass');
    expect(most).toBe(4);
    expect(result.report.paths[0].baseline!.samples).toBe(20);
  } finally {
    for (const s of both) {
      s.closeAllConnections();
      s.close();
    }
  }
});

describe('a failure for latency alone is measured again before it stands', () => {
  /** A loopback server answering 200 after delay(n) ms for its n-th request. */
  async function server(delay: (n: number) => number): Promise<{ url: string; close: () => void }> {
    let n = 0;
    const s = createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"database":"connected"}');
      }, delay(n++));
    });
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
      close: () => {
        s.closeAllConnections();
        s.close();
      },
    };
  }

  // 10 warm-up requests, then 20 measured: the candidate is 60 ms slower through them, then (or always) not.
  it.each([
    ['slow in the first batch only (a burst of noise): passes', 30, 'pass', /a second batch did not confirm it \(pass\)\.$/],
    ['slow throughout: fails, confirmed', Infinity, 'fail', /a second batch confirmed it\.$/],
  ] as const)('%s', async (_name, slowFor, verdict, note) => {
    const [candidate, stable] = await Promise.all([server((n) => (n < slowFor ? 70 : 5)), server(() => 5)]);
    try {
      const reporter = new RecordingReporter();
      const values = readInputs(
        healthGateAction,
        (name) => ({ url: candidate.url, samples: '20', interval: '0', concurrency: '1' })[name],
      );
      const result = await runGate(gateConfig(values, { url: candidate.url, baselineUrl: stable.url }), reporter);
      expect(result.verdict).toBe(verdict);
      expect(result.reasons.at(-1)).toMatch(/^A first batch of requests found: \/: candidate is slower than stable by \+6\d ms/);
      expect(result.reasons.at(-1)).toMatch(note);
      expect(result.report.firstBatch!.paths[0].candidate.samples).toBe(20);
      expect(result.report.paths[0].candidate.samples).toBe(20);
      expect(reporter.lines.map((l) => l.message).join('\n')).toMatch(/measuring a second batch before failing on latency alone/);
    } finally {
      candidate.close();
      stable.close();
    }
  });
});
