/**
 * Rollback time on the emulator (real containers, the real Google client over gRPC), as ratios to
 * two baselines run in the same process against the same service:
 *   - gcloud-style: what a person types from memory — list revisions to find the previous one,
 *     get the service, update it with the new traffic, wait for the operation, get it again to
 *     see the result; one call after another.
 *   - re-deploy: run the old image again as a new revision and send it all traffic (what teams
 *     do when the old revision is gone from memory); it waits for a container to start.
 * Runway's rollback reads the service and its revisions in parallel, checks readiness, sends one
 * update that moves the traffic and records the history together, and polls the operation every
 * 100 ms (src/cloudrun/services.ts; the gcloud-style baseline uses the client's own wait, which backs
 * off ×1.3 from 100 ms; re-deploy polls like Runway). Operation delays of 1 s and 3 s stand
 * in for the real API, where a traffic change takes seconds.
 *
 *   npx tsx bench/rollback.ts [iterations=5]
 *
 * Bounded: 3 × 3 × iterations rollbacks, one service, containers removed at the end.
 */
import { performance } from 'node:perf_hooks';
import { getService, updateService } from '../src/cloudrun/services';
import { serviceName } from '../src/cloudrun/target';
import { withRetry } from '../src/cloudrun/retry';
import { RecordingReporter } from '../src/report';
import { rollBackService } from '../src/traffic/rollback';
import { describeService } from '../src/cloudrun/service-state';
import { toTargets } from '../src/traffic/snapshot';
import { ensureTestImage } from '../test/helpers/test-images';
import { admin, deploy, revisionOf, setSplit, startStack, type Stack } from '../test/integration/rollback.fixtures';

const iterations = Number(process.argv[2] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

async function runway(stack: Stack): Promise<void> {
  const result = await rollBackService(
    stack.clients,
    { target: stack.target, to: { kind: 'previous' }, removeTags: [] },
    new RecordingReporter(),
  );
  if (result.revision !== revisionOf(stack, 'v1')) throw new Error(`runway rolled back to ${result.revision}`);
}

async function gcloudStyle(stack: Stack): Promise<void> {
  const { clients, target } = stack;
  const [revisions] = await withRetry(() => clients.revisions.listRevisions({ parent: serviceName(target) }));
  const previous = revisions.map((r) => r.name!.split('/').pop()!).find((n) => n === revisionOf(stack, 'v1'));
  const service = (await getService(clients, target))!;
  // gcloud-style: the client library's own operation wait (backoff ×1.3 from 100 ms).
  const [op] = await clients.services.updateService({
    service: { ...service, traffic: toTargets([{ type: 'REVISION', revision: previous, percent: 100 }]) },
  });
  await op.promise();
  await getService(clients, target);
}

let redeploys = 0;
async function redeploy(stack: Stack, image: string): Promise<void> {
  const { clients, target } = stack;
  const service = (await getService(clients, target))!;
  const template = {
    revision: revisionOf(stack, `r${++redeploys}`),
    containers: [{ image, env: [{ name: 'APP_REDEPLOY', value: String(redeploys) }] }],
  };
  const op = await updateService(clients, target, {
    ...service,
    template,
    traffic: toTargets([{ type: 'LATEST', percent: 100 }]),
  });
  const after = describeService(await op.done());
  if (after.latestReady !== template.revision) throw new Error(`re-deploy did not make ${template.revision} Ready`);
}

async function main(): Promise<void> {
  const image = await ensureTestImage('hello');
  const stack = await startStack();
  try {
    await deploy(stack, image, 'v1', 'one');
    await deploy(stack, image, 'v2', 'two');
    const bad = async () => {
      await setSplit(stack, [
        { type: 'REVISION', revision: revisionOf(stack, 'v2'), percent: 100 },
        { type: 'REVISION', revision: revisionOf(stack, 'v1'), percent: 0, tag: 'one' },
        { type: 'REVISION', revision: revisionOf(stack, 'v2'), percent: 0, tag: 'two' },
      ]);
    };
    // Without a delay the emulator finishes a traffic-only update at once; with one, every
    // operation stays open like a real API's (a few seconds for a traffic change).
    for (const delayMs of [0, 1000, 3000]) {
      await admin(stack, 'POST', '/operation-delay', { ms: delayMs });
      const times: Record<string, number[]> = { runway: [], gcloud: [], redeploy: [] };
      for (let i = 0; i < iterations; i++) {
        await bad();
        times.runway.push(await timed(() => runway(stack)));
        await bad();
        times.gcloud.push(await timed(() => gcloudStyle(stack)));
        await bad();
        times.redeploy.push(await timed(() => redeploy(stack, image)));
      }
      const r = median(times.runway);
      const row = (name: string, xs: number[]) =>
        `| ${name} | ${median(xs).toFixed(3)} s | ${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)} s | ${(median(xs) / r).toFixed(2)} |`;
      console.log(`\nRollback to the previous revision, ${iterations} runs each, operations held open ≥ ${delayMs} ms\n`);
      console.log('| method | median | range | × Runway |\n| --- | --- | --- | --- |');
      console.log(row('Runway rollback (one update, history recorded)', times.runway));
      console.log(row('gcloud-style (list, get, update, wait, get)', times.gcloud));
      console.log(row('re-deploy the old image', times.redeploy));
    }
  } finally {
    await stack.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
