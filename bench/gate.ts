/**
 * The health gate against real HTTP servers on 127.0.0.1, run in this process through runGate (the
 * code the health-gate action and promote run), at the action's default settings.
 *
 *   npx tsx bench/run.ts gate
 *
 * Bounded: every server is local; a time-to-verdict run makes at most 100 requests (+ retries), the
 * false-failure rate 200 runs of at most 100 requests each, 10 at a time.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gateConfig, healthGateAction, runGate, type GateConfig, type Verdict } from '../src/health';
import { readInputs } from '../src/inputs';
import { RecordingReporter } from '../src/report';
import { median, round, seeded, timed, type Group, type Result } from './result';

const ASSERT = '$.database == "connected"';

/** Cloud Run's own page when no instance takes a request (src/health/check.ts cites it). */
const PLATFORM_503 =
  '<html><head>\n<meta http-equiv="content-type" content="text/html;charset=utf-8">\n<title>503 Server Error</title>\n</head>\n' +
  '<body text=#000000 bgcolor=#ffffff>\n<h1>Error: Server Error</h1>\n' +
  '<h2>The service you requested is not available yet.<p>Please try again in 30 seconds.</h2>\n<h2></h2>\n</body></html>\n';

type Respond = (res: ServerResponse, socket: Socket) => void;

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const healthy: Respond = (res) => reply(res, 200, { status: 'ok', database: 'connected' });

async function withServer<T>(respond: Respond, fn: (url: string) => Promise<T>): Promise<T> {
  const server = createServer((req, res) => respond(res, req.socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

function config(url: string, inputs: Record<string, string> = {}): GateConfig {
  const values = readInputs(healthGateAction, (name) => ({ url, assert: ASSERT, ...inputs })[name]);
  return gateConfig(values, { url });
}

/** Median time to the verdict over `runs` gate runs; throws when the gate gives another verdict. */
async function timeToVerdict(respond: Respond, expected: Verdict, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++)
    await withServer(respond, async (url) => {
      const { ms, value } = await timed(() => runGate(config(url), new RecordingReporter()));
      if (value.verdict !== expected)
        throw new Error(`gate said ${value.verdict}, expected ${expected}: ${value.reasons.join(' ')}`);
      times.push(ms);
    });
  return round(median(times));
}

/** Failing runs out of `runs`, each against its own server whose answers `pick` draws from a seeded generator. */
async function failingRuns(pick: (rand: () => number) => Respond, runs: number): Promise<number> {
  let failing = 0;
  const batch = 10;
  for (let start = 0; start < runs; start += batch) {
    const verdicts = await Promise.all(
      Array.from({ length: Math.min(batch, runs - start) }, (_, i) => {
        const rand = seeded(1000 + start + i);
        // interval 0: the pause spreads requests over time, it does not change what is judged.
        return withServer(
          (res, socket) => pick(rand)(res, socket),
          async (url) => (await runGate(config(url, { interval: '0' }), new RecordingReporter())).verdict,
        );
      }),
    );
    failing += verdicts.filter((v) => v === 'fail').length;
  }
  return failing;
}

/** 5 % of requests meet a transient error: half the platform's own 503 page, half a dropped connection. */
const transient5 =
  (rand: () => number): Respond =>
  (res, socket) => {
    const r = rand();
    if (r >= 0.05) return healthy(res, socket);
    if (r < 0.025) {
      res.writeHead(503, { 'content-type': 'text/html; charset=UTF-8' });
      return void res.end(PLATFORM_503);
    }
    socket.destroy();
  };

/** For comparison: 5 % of the app's own errors (a JSON 500), at random. */
const appErrors5 =
  (rand: () => number): Respond =>
  (res, socket) =>
    rand() < 0.05 ? reply(res, 500, { error: 'boom' }) : healthy(res, socket);

const COMMAND = 'npx tsx bench/run.ts gate';

export const gate: Group = {
  name: 'gate',
  async run({ runs }): Promise<Result[]> {
    const settings = `default settings (samples 100, interval 500ms, concurrency 4, max-error-rate 10 %, startup-timeout 20s), assert ${ASSERT}; median of ${runs} runs, in process, loopback server`;
    const always503 = await timeToVerdict((res) => reply(res, 503, { status: 'unavailable' }), 'fail', runs);
    const dbError = await timeToVerdict((res) => reply(res, 200, { status: 'ok', database: 'error' }), 'fail', runs);
    const pass = await timeToVerdict(healthy, 'pass', runs);
    const RUNS = 200;
    const flaky = await failingRuns(transient5, RUNS);
    const appFlaky = await failingRuns(appErrors5, RUNS);
    return [
      {
        name: 'gate.time-to-fail.always-503',
        value: always503,
        unit: 'ms',
        goal: 5000,
        better: 'lower',
        command: COMMAND,
        how: `the app answers every request 503 with a JSON body; ${settings}`,
      },
      {
        name: 'gate.time-to-fail.db-error',
        value: dbError,
        unit: 'ms',
        goal: 5000,
        better: 'lower',
        command: COMMAND,
        how: `every answer is 200 {"database":"error"}; ${settings}`,
      },
      {
        name: 'gate.time-to-pass.healthy',
        value: pass,
        unit: 'ms',
        goal: 10_000,
        better: 'lower',
        command: COMMAND,
        how: `every answer is 200 {"database":"connected"}; ${settings}`,
      },
      {
        name: 'gate.false-failure-rate.flaky-5',
        value: round((100 * flaky) / RUNS, 1),
        unit: '%',
        goal: 0,
        better: 'lower',
        command: COMMAND,
        how:
          `${RUNS} runs of the real gate, each against its own loopback server where 5 % of requests (seeded random) meet a transient error: ` +
          `the platform's own 503 page or a dropped connection; default settings but interval 0. For comparison, 5 % of the app's own ` +
          `errors (JSON 500) at random fail ${appFlaky} of ${RUNS} runs: the max-error-rate budget (10 of 100) as specified, ` +
          `P(Binomial(100, 0.05) > 10) = 1.1 %`,
      },
    ];
  },
};
