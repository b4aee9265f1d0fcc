/**
 * Time to verdict of the health gate at default settings, against local node:http targets, as a
 * ratio to a naive check run in the same process: a fixed number of sequential requests with the
 * same pause, judged by error rate at the end (what a curl loop in a workflow does).
 *
 *   npx tsx bench/health-gate.ts
 *
 * Bounded: at most 4 × 100 requests per target, all to 127.0.0.1.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { gateConfig, healthGateAction, runGate } from '../src/health';
import { readInputs } from '../src/inputs';
import { RecordingReporter } from '../src/report';

interface Target {
  name: string;
  /** The gate's expected verdict, to catch a bench that measures a wrong answer. */
  expected: string;
  /** Also probe a stable revision (the same server) side by side; the naive check then checks both in turn. */
  baseline?: boolean;
  respond: (n: number, res: ServerResponse) => void;
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const targets: Target[] = [
  { name: 'healthy', expected: 'pass', respond: (_n, res) => reply(res, 200, { database: 'connected' }) },
  {
    name: 'healthy, with baseline-url',
    expected: 'pass',
    baseline: true,
    respond: (_n, res) => reply(res, 200, { database: 'connected' }),
  },
  {
    name: '5 % transient 503',
    expected: 'pass',
    respond: (n, res) => reply(res, n % 20 === 0 ? 503 : 200, { database: 'connected' }),
  },
  { name: '200, database down', expected: 'fail', respond: (_n, res) => reply(res, 200, { database: 'error' }) },
  { name: 'always 500', expected: 'fail', respond: (_n, res) => reply(res, 500, { error: 'boom' }) },
  // 503 is what a revision still starting answers, so the gate waits up to startup-timeout (30 s).
  { name: 'always 503', expected: 'fail', respond: (_n, res) => reply(res, 503, { error: 'unavailable' }) },
];

const ASSERT = '$.database == "connected"';

async function withServer<T>(respond: Target['respond'], fn: (url: string) => Promise<T>): Promise<T> {
  let n = 0;
  const server = createServer((_req, res) => respond(++n, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** The naive check: `samples` sequential requests, `interval` apart, fail above max-error-rate. */
async function naive(url: string, samples: number, intervalMs: number, maxErrorRate: number): Promise<string> {
  let errors = 0;
  for (let i = 0; i < samples; i++) {
    try {
      const res = await fetch(url);
      const body = (await res.json()) as { database?: string };
      if (res.status >= 300 || body.database !== 'connected') errors++;
    } catch {
      errors++;
    }
    await sleep(intervalMs);
  }
  return errors / samples <= maxErrorRate ? 'pass' : 'fail';
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const target of targets) {
    await withServer(target.respond, async (url) => {
      const values = readInputs(healthGateAction, (name) => ({ url, assert: ASSERT })[name]);
      const config = gateConfig(values, { url, ...(target.baseline ? { baselineUrl: url } : {}) });
      const t0 = performance.now();
      const result = await runGate(config, new RecordingReporter());
      const gateMs = performance.now() - t0;
      if (result.verdict !== target.expected)
        throw new Error(`${target.name}: gate said ${result.verdict}, expected ${target.expected}`);
      const t1 = performance.now();
      let naiveVerdict = await naive(url, config.samples, config.intervalMs, config.maxErrorRate);
      if (target.baseline) naiveVerdict += ` / ${await naive(url, config.samples, config.intervalMs, config.maxErrorRate)}`;
      const naiveMs = performance.now() - t1;
      const requests = result.report.paths.reduce((s, p) => s + p.candidate.samples + (p.baseline?.samples ?? 0), 0);
      rows.push([
        target.name,
        result.verdict,
        `${(gateMs / 1000).toFixed(1)} s`,
        String(requests),
        naiveVerdict,
        `${(naiveMs / 1000).toFixed(1)} s`,
        (gateMs / naiveMs).toFixed(3),
      ]);
      console.log(
        `${target.name}: gate ${result.verdict} in ${(gateMs / 1000).toFixed(2)} s; naive ${naiveVerdict} in ${(naiveMs / 1000).toFixed(2)} s`,
      );
    });
  }
  const header = ['target', 'gate verdict', 'gate time', 'gate requests', 'naive verdict', 'naive time', 'ratio gate/naive'];
  console.log(`\nDefaults: samples 100, interval 500ms, concurrency 4, max-error-rate 10 %, assert ${ASSERT}`);
  console.log(`| ${header.join(' | ')} |\n| ${header.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

void main();
