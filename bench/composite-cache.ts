/**
 * The composite's build step on a fresh runner, whose Docker starts empty every time:
 *   release.composite.rebuild-ratio  build-image after a one-line change, with no local image or layer
 *                                    left, its cache pulled from the registry / the same step's cold build
 *
 *   npx tsx bench/run.ts composite-cache [--runs N]
 *
 * The build-image bundle runs with the inputs the composite's `build` step passes (actions/release/action.yml)
 * and no `cache` input: the default, IMAGE:buildcache beside the image. The example app (examples/monorepo)
 * is copied with a package.json made unique, so the cold build shares no layer from its dependency stage on
 * with anything built before. Before each measured build every image this bench created (its tags and cache
 * images; their layers go with them) is removed, never any other. Bounded: one cold build and N rebuilds
 * of one image pushed to the local registry (127.0.0.1:5000/runway-bench/composite-<id>).
 */
import { randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runBundle } from '../src/runtime/step-runner';
import { median, round, type Group, type Result } from './result';

interface Metadata {
  readonly tags: string[];
  readonly cache: {
    readonly spec: { readonly type?: string; readonly images?: { readonly ref: string }[] };
    cached?: number;
    steps?: number;
  };
}

/** The composite's build step: its inputs, run in the checkout (GITHUB_WORKSPACE) as the runner does. */
async function buildStep(bundles: string, workspace: string, image: string, sha: string) {
  const run = await runBundle(join(bundles, 'build-image', 'index.js'), {
    inputs: {
      image,
      workspace: 'apps/web',
      context: '.',
      dockerfile: 'Dockerfile',
      'build-args': 'NEXT_PUBLIC_APP_NAME=Runway bench',
      network: 'host',
    },
    env: { GITHUB_WORKSPACE: workspace, GITHUB_SHA: sha, GITHUB_REPOSITORY: 'local/runway-bench' },
    timeoutMs: 900_000,
  });
  if (run.code !== 0) throw new Error(`build-image failed: ${run.errors.join('; ') || run.stderr.slice(-1500)}`);
  return { ms: run.ms, metadata: JSON.parse(run.outputs.metadata) as Metadata };
}

/**
 * The references of the bench's own repository: its tags, and the digests of pulled images whose tag moved on.
 * Removed by reference, never by image ID, which could untag an identical image of someone else.
 */
function referencesOf(repository: string): string[] {
  const rows = execFileSync('docker', ['images', '--digests', '--format', '{{.Tag}} {{.Digest}}', repository], {
    encoding: 'utf8',
  });
  return rows
    .split('\n')
    .filter(Boolean)
    .map((row) => row.split(' '))
    .map(([tag, digest]) => (tag !== '<none>' ? `${repository}:${tag}` : digest !== '<none>' ? `${repository}@${digest}` : ''))
    .filter(Boolean);
}

/** As on a fresh runner: the images of this bench's repository are gone (layers only they used go with them). */
function removeImages(repository: string): void {
  const refs = [...new Set(referencesOf(repository))];
  if (refs.length > 0) spawnSync('docker', ['image', 'rm', ...refs], { stdio: 'ignore' });
  const left = referencesOf(repository);
  if (left.length > 0) throw new Error(`could not remove ${left.join(', ')}`);
}

const COMMAND = 'npx tsx bench/run.ts composite-cache';

export const compositeCache: Group = {
  name: 'composite-cache',
  async run({ runs, bundles }): Promise<Result[]> {
    const id = randomBytes(4).toString('hex');
    const image = `127.0.0.1:5000/runway-bench/composite-${id}`;
    const workspace = mkdtempSync(join(tmpdir(), 'runway-bench-composite-'));
    try {
      cpSync(join(repoRoot, 'examples/monorepo'), workspace, {
        recursive: true,
        filter: (src) => !/\/(node_modules|build)(\/|$)/.test(src),
      });
      const manifest = join(workspace, 'package.json');
      writeFileSync(
        manifest,
        JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), description: `bench ${id}` }, null, 2),
      );
      const sha = () => randomBytes(20).toString('hex');
      const cold = await buildStep(bundles, workspace, image, sha());
      if (cold.metadata.cache.spec.type === undefined) throw new Error('the build used no registry cache');
      const rebuilds: { ms: number; cached: number; steps: number }[] = [];
      for (let i = 0; i < runs; i++) {
        removeImages(image);
        appendFileSync(join(workspace, 'apps/web/src/server.mts'), `// bench: one-line change ${i}\n`);
        const warm = await buildStep(bundles, workspace, image, sha());
        rebuilds.push({ ms: warm.ms, cached: warm.metadata.cache.cached ?? 0, steps: warm.metadata.cache.steps ?? 0 });
      }
      const warm = median(rebuilds.map((r) => r.ms));
      const builder = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).trim();
      return [
        {
          name: 'release.composite.rebuild-ratio',
          value: round(warm / cold.ms, 3),
          unit: 'ratio',
          goal: 0.25,
          better: 'lower',
          command: COMMAND,
          how:
            `the composite's build step (build-image bundle, default cache ${cold.metadata.cache.spec.type} at IMAGE:buildcache, push to the local registry) ` +
            `on examples/monorepo: median of ${runs} rebuild(s) after a one-line change to apps/web/src/server.mts with every image of the bench's repository removed first ` +
            `(${round(warm / 1000, 1)} s, ${rebuilds.map((r) => `${r.cached}/${r.steps}`).join(', ')} steps from the pulled cache) / the cold build ` +
            `(${round(cold.ms / 1000, 1)} s); both include the checks and the push; classic docker build, Docker ${builder}`,
        },
      ];
    } finally {
      removeImages(image);
      rmSync(workspace, { recursive: true, force: true });
    }
  },
};
