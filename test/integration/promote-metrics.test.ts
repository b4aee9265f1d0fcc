/**
 * promote's metrics check on the emulator, which serves Cloud Monitoring request counts from what
 * its router really proxied: errors the health gates do not probe still stop a promotion.
 */
import { runBundle, type ActionRun } from '../helpers/run-action';
import { readService } from '../../src/cloudrun/service-state';
import { formatSnapshot } from '../../src/traffic/snapshot';
import { deploy, revisionOf, freshStackPerTest } from './rollback.fixtures';

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
      for (let i = 0; i < requests; i++) await (await fetch(`${s.url}${path}`)).arrayBuffer();
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
