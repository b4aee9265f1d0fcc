/**
 * promote's metrics check on the emulator, which serves Cloud Monitoring request counts from what
 * its router really proxied: errors the health gates do not probe still stop a promotion.
 */
import { runBundle, type ActionRun } from '../helpers/run-action';
import { readService } from '../../src/cloudrun/service-state';
import { RecordingReporter } from '../../src/report';
import { promoteRevision } from '../../src/traffic/promote';
import { requestCounts } from '../../src/traffic/request-counts';
import { formatSnapshot } from '../../src/traffic/snapshot';
import { deploy, invoke, revisionOf, freshStackPerTest } from './rollback.fixtures';

jest.setTimeout(240_000);

const t = freshStackPerTest();

const GATE = { paths: '/', samples: '8', interval: '0', 'startup-timeout': '5s' };

/** Runs promote and, once the candidate serves 50 %, sends `requests` user requests to `path` on the service URL. */
async function promoteUnderLoad(inputs: Record<string, string>, path: string, requests: number): Promise<ActionRun> {
  const candidate = inputs.revision;
  const run = runBundle('dist/promote/index.js', {
    inputs: { ...t.stack.where, ...GATE, ...inputs },
    env: t.stack.env,
    timeoutMs: 180_000,
  });
  let done = false;
  let loaded = false;
  void run.finally(() => (done = true));
  while (!done && !loaded) {
    const s = await readService(t.stack.clients, t.stack.target);
    if (s.traffic.some((e) => e.revision === candidate && e.percent === 50)) {
      for (let i = 0; i < requests; i++) await (await invoke(t.stack, `${s.url}${path}`)).arrayBuffer();
      loaded = true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(loaded).toBe(true);
  return run;
}

it('fails the step and restores the traffic when the candidate answers 5xx to user requests', async () => {
  const v1 = await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  const candidate = revisionOf(t.stack, 'v2');

  const result = await promoteUnderLoad(
    {
      revision: candidate,
      steps: '50,100',
      bake: '5s',
      'previous-traffic': formatSnapshot(v1.traffic),
      'metrics-check': 'true',
      'metrics-max-error-rate': '5',
      'metrics-min-requests': '10',
    },
    '/status/500',
    40,
  );

  expect(result.outputs.verdict).toBe('fail');
  expect(result.errors.join('\n')).toMatch(
    new RegExp(
      `step 50 % failed: Cloud Monitoring request counts of ${candidate}: \\d+ of \\d+ requests failed \\(5xx\\): [\\d.]+ %, above max-error-rate 5 %`,
    ),
  );
  expect((await readService(t.stack.clients, t.stack.target)).traffic).toEqual(v1.traffic);
});

it('does not judge (nor fail) a step with fewer requests than metrics-min-requests', async () => {
  const v1 = await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  const candidate = revisionOf(t.stack, 'v2');

  const result = await promoteUnderLoad(
    {
      revision: candidate,
      steps: '50,100',
      bake: '3s',
      'previous-traffic': formatSnapshot(v1.traffic),
      'metrics-check': 'true',
      'metrics-min-requests': '1000',
    },
    '/status/500',
    10,
  );

  expect(result.errors).toEqual([]);
  expect(result.outputs.verdict).toBe('pass');
  expect(result.stdout).toMatch(
    new RegExp(
      `::notice::Cloud Monitoring request counts of ${candidate}: \\d+ request\\(s\\) during the step, fewer than min-requests 1000: not judged`,
    ),
  );
  expect(result.summary).toMatch(/Cloud Monitoring request counts of .*: inconclusive/);
});

it('says when Monitoring has no data by the end of a bake, naming the delay and the bake that would be judged', async () => {
  await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  const candidate = revisionOf(t.stack, 'v2');
  const reporter = new RecordingReporter();
  const values = new Map<string, string>();

  // No gate and no user requests: the candidate serves nothing during the step, so no point exists.
  const result = await promoteRevision(
    t.stack.clients,
    {
      target: t.stack.target,
      candidate,
      steps: [50, 100],
      bakeSeconds: 1,
      rollbackOnFailure: true,
      state: { save: (n, v) => void values.set(n, v), get: (n) => values.get(n) ?? '' },
      metrics: { maxErrorRate: 1, minRequests: 1 },
      countRequests: (revision, start, end) => requestCounts(t.stack.clients, t.stack.target, revision, start, end),
    },
    reporter,
  );

  expect(result.verdict).toBe('pass');
  const warnings = reporter.lines.filter((l) => l.level === 'warning').map((l) => l.message);
  expect(warnings).toEqual([
    expect.stringMatching(
      new RegExp(
        `^Cloud Monitoring request counts of ${candidate}: no data yet for the 1s bake: Cloud Monitoring publishes a minute's counts up to 180s later, so only a bake of at least 240s would be judged; not judged$`,
      ),
    ),
    expect.stringMatching(/no data yet for the 1s bake/),
  ]);
});

it("leaves the gate's own requests out of the error rate", async () => {
  const v1 = await deploy(t.stack, t.hello, 'v1', 'one');
  await deploy(t.stack, t.hello, 'v2', 'two');
  const candidate = revisionOf(t.stack, 'v2');

  // The gates send 8 requests to the candidate's tag URL and 8 to the service URL (about half of
  // which reach the candidate); without them nothing is left to judge against min-requests 8.
  const result = await runBundle('dist/promote/index.js', {
    inputs: {
      ...t.stack.where,
      ...GATE,
      revision: candidate,
      steps: '50,100',
      bake: '2s',
      'previous-traffic': formatSnapshot(v1.traffic),
      'metrics-check': 'true',
      'metrics-min-requests': '8',
    },
    env: t.stack.env,
    timeoutMs: 180_000,
  });

  expect(result.outputs.verdict).toBe('pass');
  expect(result.stdout).toMatch(
    new RegExp(
      `::notice::Cloud Monitoring request counts of ${candidate}: [0-7] request\\(s\\) during the step, fewer than min-requests 8`,
    ),
  );
});
