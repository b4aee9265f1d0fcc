/**
 * The client side of `emulator.api-p99`, in a process of its own: GetService through
 * @google-cloud/run (real gRPC) on each named service in turn, every INTERVAL ms, until SIGTERM;
 * then one JSON line of the latencies (ms), and of its own event-loop delay (p99, ms) and share of the
 * time waiting for a CPU, which say how much of the latency is this process's own. One untimed call
 * first, so the client's own start (module loading, channel connect) is not counted as the emulator's
 * latency.
 *
 *   CLOUD_RUN_EMULATOR_HOST=… tsx bench/api-poller.ts INTERVAL NAME...
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createClients } from '../src/cloudrun/clients';
import { cpuWait } from './cpu-wait';

async function main(): Promise<void> {
  const [interval, ...names] = process.argv.slice(2);
  if (!/^\d+$/.test(interval ?? '') || names.length === 0)
    throw new Error(`usage: api-poller.ts INTERVAL_MS SERVICE_NAME...; got ${process.argv.slice(2).join(' ')}`);
  const clients = createClients();
  await clients.services.getService({ name: names[0] });
  let polling = true;
  process.once('SIGTERM', () => (polling = false));
  console.log('polling');
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const waited = cpuWait('self');
  const latencies: number[] = [];
  for (let i = 0; polling; i++) {
    const started = performance.now();
    await clients.services.getService({ name: names[i % names.length] });
    latencies.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, Number(interval)));
  }
  console.log(JSON.stringify({ latencies, loopDelayP99Ms: loop.percentile(99) / 1e6, cpuWait: waited() }));
  await clients.close();
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
