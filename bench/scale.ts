/**
 * 20 services released at once on one emulator, every step a bundle run as the runner runs it:
 *   scale.20-services.wall      all 20 deploys (no traffic) and promotions (50 → 100 %) at once
 *   scale.20-services.failures  steps that failed, or services not serving their new revision after
 *   emulator.api-p99            GetService latency, p99, through @google-cloud/run from a process of its
 *                               own (api-poller.ts) polling every 25 ms during those 20 releases (the
 *                               emulator in its own process too: neither shares the bench's event loop)
 *
 *   npx tsx bench/run.ts scale
 *
 * Bounded: 20 services of the small hello test image, two revisions each; the emulator removes
 * its containers at the end.
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClients, type GoogleClients } from '../src/cloudrun/clients';
import { runBundle, type ActionRun } from '../src/runtime/step-runner';
import { readService } from '../src/cloudrun/service-state';
import { ensureTestImage } from '../test/helpers/test-images';
import { cpuWait } from './cpu-wait';
import { startEmulatorProcess, startTsxProcess, type TsxProcess } from './emulator-process';
import { asRunner, RUNNER_NICE } from './priority';
import { percentileOf, round, type Group, type Result } from './result';

const SERVICES = 20;
const PROJECT = 'runway-bench';
const REGION = 'us-central1';
const POLL_MS = 25;
const GATE = { paths: '/', samples: '10', interval: '50ms' };

/** What a release of one service needs: the bundles, their environment and a client to check with. */
interface Bench {
  readonly bundles: string;
  readonly env: Record<string, string>;
  readonly clients: GoogleClients;
  readonly image: string;
}

/** A deploy-cloudrun run of `image` tagged `tag`, as the runner runs it. */
const deploy = (bench: Bench, service: string, tag: string): Promise<ActionRun> =>
  runBundle(join(bench.bundles, 'deploy-cloudrun', 'index.js'), {
    inputs: { service, region: REGION, image: bench.image, tag },
    env: bench.env,
    timeoutMs: 300_000,
    onStart: asRunner,
  });

/** One service's measured release: deploy (no traffic), promote 50 → 100 %, then what serves; a failure as text. */
async function release(bench: Bench, service: string): Promise<string | undefined> {
  const deployed = await deploy(bench, service, 'two');
  if (deployed.code !== 0) return `${service}: deploy: ${deployed.errors.join('; ')}`;
  const promoted = await runBundle(join(bench.bundles, 'promote', 'index.js'), {
    inputs: {
      service,
      region: REGION,
      revision: deployed.outputs.revision,
      steps: '50,100',
      'previous-traffic': deployed.outputs['previous-traffic'],
      bake: '0',
      ...GATE,
    },
    env: bench.env,
    timeoutMs: 300_000,
    onStart: asRunner,
  });
  if (promoted.code !== 0) return `${service}: promote: ${promoted.errors.join('; ')}`;
  const now = await readService(bench.clients, { project: PROJECT, region: REGION, service });
  const served = now.served.filter((e) => e.percent > 0);
  return served.length === 1 && served[0].revision === deployed.outputs.revision
    ? undefined
    : `${service}: serves ${JSON.stringify(served)}`;
}

/** What the poller measured (api-poller.ts's last line). */
interface Polled {
  readonly latencies: number[];
  readonly loopDelayP99Ms: number;
  readonly cpuWait?: number;
}

/** The group's results from one measured run. */
function results(
  run: { wallMs: number; failures: number; polled: Polled; emulatorWaited: number | undefined },
  priority: string,
): Result[] {
  const { latencies } = run.polled;
  const percent = (share: number | undefined) => (share === undefined ? 'unmeasured' : `${Math.round(share * 100)} %`);
  const where = `waiting for a CPU: the emulator's main thread ${percent(run.emulatorWaited)} of the time, the poller's ${percent(run.polled.cpuWait)} (its loop delay p99 ${round(run.polled.loopDelayP99Ms, 1)} ms)`;
  // The machine is shared: the load says how much else ran beside the releases.
  const load = `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores at the end`;
  const how = `${SERVICES} services of the hello test image on one emulator; each: deploy-cloudrun (no traffic) then promote 50,100 (gate: ${GATE.samples} samples), all at once; ${load}`;
  return [
    {
      name: 'scale.20-services.wall',
      value: round(run.wallMs / 1000, 1),
      unit: 's',
      goal: 120,
      better: 'lower',
      command: 'npx tsx bench/run.ts scale',
      how,
    },
    {
      name: 'scale.20-services.failures',
      value: run.failures,
      unit: 'services',
      goal: 0,
      better: 'lower',
      command: 'npx tsx bench/run.ts scale',
      how,
    },
    {
      name: 'emulator.api-p99',
      value: round(percentileOf(latencies, 99), 1),
      unit: 'ms',
      goal: 20,
      better: 'lower',
      command: 'npx tsx bench/run.ts scale',
      how: `GetService through @google-cloud/run from its own process every ${POLL_MS} ms during the ${SERVICES} releases, after one untimed call: ${latencies.length} calls, p50 ${round(percentileOf(latencies, 50), 1)} ms; ${where}; emulator and poller each in ${priority}, bundles at nice ${RUNNER_NICE} (bench/priority.ts); ${load}`,
    },
  ];
}

export const scale: Group = {
  name: 'scale',
  async run({ bundles }): Promise<Result[]> {
    const image = await ensureTestImage('hello');
    const emulator = await startEmulatorProcess();
    const clients = createClients(emulator.env);
    const bench: Bench = { bundles, image, clients, env: { ...emulator.env, GCLOUD_PROJECT: PROJECT, GITHUB_ACTOR: 'bench' } };
    let poller: TsxProcess | undefined;
    const names = Array.from({ length: SERVICES }, (_, i) => `scale-${String(i).padStart(2, '0')}`);
    try {
      // Setup, not measured: each service's first revision, which takes all traffic.
      const setup = await Promise.all(names.map((s) => deploy(bench, s, 'one')));
      const broken = setup.filter((r) => r.code !== 0);
      if (broken.length > 0)
        throw new Error(`setup deploys failed: ${broken[0].errors.join('; ') || broken[0].stderr.slice(-500)}`);

      poller = await startTsxProcess(
        'bench/api-poller.ts',
        [String(POLL_MS), ...names.map((s) => `projects/${PROJECT}/locations/${REGION}/services/${s}`)],
        /^polling$/m,
        emulator.env,
      );
      const started = performance.now();
      const emulatorWait = cpuWait(emulator.pid);
      const outcomes = await Promise.all(names.map((service) => release(bench, service)));
      const wallMs = performance.now() - started;
      const emulatorWaited = emulatorWait();
      const polled = JSON.parse((await poller.stop()).trim().split('\n').pop() ?? '') as Polled;
      const failures = outcomes.filter((o): o is string => o !== undefined);
      for (const f of failures.slice(0, 5)) console.log(`  ✖ ${f}`);
      return results({ wallMs, failures: failures.length, polled, emulatorWaited }, emulator.priority);
    } finally {
      await poller?.stop();
      await clients.close();
      await emulator.stop();
    }
  },
};
