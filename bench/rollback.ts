/**
 * `rollback.time`: from the start of the rollback bundle's process (as the runner starts it) to only
 * the target revision serving, on the emulator (real containers, the real Google client over gRPC).
 * Side by side, the baseline: what a person types from memory, gcloud-style — list revisions, get the
 * service, update it with the new traffic, wait with the client's own polling, get it again — run in
 * this process (so without gcloud's own start-up of a second or more).
 *
 *   npx tsx bench/run.ts rollback [--runs N]
 *
 * Bounded: 2 × runs rollbacks of one service with two revisions; the emulator removes its containers.
 */
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getService } from '../src/cloudrun/services';
import { serviceName } from '../src/cloudrun/target';
import { withRetry } from '../src/cloudrun/retry';
import { runBundle } from '../src/runtime/step-runner';
import { readService } from '../src/cloudrun/service-state';
import { toTargets } from '../src/cloudrun/traffic-entry';
import { ensureTestImage } from '../test/helpers/test-images';
import { deploy, revisionOf, revisionsAt, setSplit, startStack, type Stack } from '../emulator/stack';
import { median, round, type Group, type Result } from './result';

/** Polls until the service serves only `revision` and its URL answers from it; returns when. */
async function onlyServing(stack: Stack, revision: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const now = await readService(stack.clients, stack.target);
    const served = now.served.filter((e) => e.percent > 0);
    if (served.length === 1 && served[0].revision === revision) {
      const seen = await revisionsAt(stack, now.url!, 3);
      if (Object.keys(seen).length === 1 && seen[revision] === 3) return performance.now();
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${revision} never became the only revision serving`);
}

/** The rollback's own `seconds` output (first read to finished update) of each run, to show where the time goes. */
const ownSeconds: number[] = [];
/** The whole process of each run, start to exit. */
const processMs: number[] = [];

async function runway(stack: Stack, target: string, bundles: string): Promise<number> {
  const started = performance.now();
  const run = await runBundle(join(bundles, 'rollback', 'index.js'), {
    inputs: { ...stack.where, to: target, reason: 'bench' },
    env: { ...stack.env, GITHUB_ACTOR: 'bench' },
  });
  if (run.code !== 0) throw new Error(`rollback failed: ${run.errors.join('; ') || run.stderr.slice(-500)}`);
  ownSeconds.push(Number(run.outputs.seconds) * 1000);
  processMs.push(run.ms);
  return (await onlyServing(stack, target)) - started;
}

async function gcloudStyle(stack: Stack, target: string): Promise<number> {
  const started = performance.now();
  const { clients } = stack;
  const [revisions] = await withRetry(() => clients.revisions.listRevisions({ parent: serviceName(stack.target) }));
  const previous = revisions.map((r) => r.name!.split('/').pop()!).find((n) => n === target);
  const service = (await getService(clients, stack.target))!;
  const [op] = await clients.services.updateService({
    service: { ...service, traffic: toTargets([{ type: 'REVISION', revision: previous, percent: 100 }]) },
  });
  await op.promise();
  await getService(clients, stack.target);
  return (await onlyServing(stack, target)) - started;
}

export const rollbackGroup: Group = {
  name: 'rollback',
  async run({ runs, bundles }): Promise<Result[]> {
    const image = await ensureTestImage('hello');
    const stack = await startStack();
    try {
      await deploy(stack, image, 'v1', 'one');
      await deploy(stack, image, 'v2', 'two');
      const [good, bad] = [revisionOf(stack, 'v1'), revisionOf(stack, 'v2')];
      const breakIt = () => setSplit(stack, [{ type: 'REVISION', revision: bad, percent: 100 }]);
      const times = { runway: [] as number[], gcloud: [] as number[] };
      for (let i = 0; i < runs; i++) {
        await breakIt();
        times.runway.push(await runway(stack, good, bundles));
        await breakIt();
        times.gcloud.push(await gcloudStyle(stack, good));
      }
      return [
        {
          name: 'rollback.time',
          value: round(median(times.runway)),
          unit: 'ms',
          goal: 1000,
          better: 'lower',
          baseline: round(median(times.gcloud)),
          command: 'npx tsx bench/run.ts rollback',
          how: `${relative(join(__dirname, '..'), bundles)}/rollback bundle started as the runner does, to=<revision>, until the service serves only it and its URL answers from it; median of ${runs} (the bundle's process, start to exit: median ${round(median(processMs))} ms, of which the action's own first-read-to-update time: median ${round(median(ownSeconds))} ms, most of it the emulator starting the target's container again); baseline gcloud-style calls in process`,
        },
      ];
    } finally {
      await stack.stop();
    }
  },
};
