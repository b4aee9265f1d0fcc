/**
 * The example app's image (examples/monorepo/Dockerfile), built with the classic `docker build` in a
 * copy of its context:
 *   build.rebuild-ratio     rebuild after a one-line source change / cold build (`--no-cache`)
 *   build.image-size-ratio  its image size / a naive single-stage image (bench/naive.Dockerfile)
 *
 *   npx tsx bench/run.ts build [--runs N]
 *
 * Bounded: one cold build, N rebuilds (each after another one-line change), one naive build; the
 * images are tagged runway-bench/* and removed at the end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../src/runtime/step-runner';
import { median, round, type Group, type Result } from './result';

function dockerBuild(context: string, tag: string, extra: string[]): number {
  const started = performance.now();
  const run = spawnSync(
    'docker',
    ['build', '--network', 'host', '--build-arg', 'NEXT_PUBLIC_APP_NAME=Runway bench', '-t', tag, ...extra, context],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (run.status !== 0) throw new Error(`docker build ${tag} failed: ${`${run.stdout}\n${run.stderr}`.slice(-1500)}`);
  return performance.now() - started;
}

const imageSize = (tag: string) =>
  Number(execFileSync('docker', ['image', 'inspect', '-f', '{{.Size}}', tag], { encoding: 'utf8' }).trim());

const COMMAND = 'npx tsx bench/run.ts build';

export const build: Group = {
  name: 'build',
  async run({ runs }): Promise<Result[]> {
    const context = mkdtempSync(join(tmpdir(), 'runway-bench-build-'));
    const tags = ['runway-bench/example:cold', 'runway-bench/example:rebuilt', 'runway-bench/example:naive'];
    try {
      cpSync(join(repoRoot, 'examples/monorepo'), context, { recursive: true, filter: (src) => !src.includes('node_modules') });
      const dockerfile = join(context, 'Dockerfile');
      const cold = dockerBuild(context, tags[0], ['-f', dockerfile, '--no-cache']);
      const rebuilds: number[] = [];
      for (let i = 0; i < runs; i++) {
        appendFileSync(join(context, 'apps/web/src/server.mts'), `// bench: one-line change ${i}\n`);
        rebuilds.push(dockerBuild(context, tags[1], ['-f', dockerfile]));
      }
      dockerBuild(context, tags[2], ['-f', join(repoRoot, 'bench/naive.Dockerfile')]);
      const [example, naive] = [imageSize(tags[1]), imageSize(tags[2])];
      return [
        {
          name: 'build.rebuild-ratio',
          value: round(median(rebuilds) / cold, 3),
          unit: 'ratio',
          goal: 0.2,
          better: 'lower',
          command: COMMAND,
          how: `median of ${runs} rebuild(s) after a one-line change to apps/web/src/server.mts (${round(median(rebuilds) / 1000, 1)} s) / one --no-cache build (${round(cold / 1000, 1)} s); classic docker build`,
        },
        {
          name: 'build.image-size-ratio',
          value: round(example / naive, 3),
          unit: 'ratio',
          goal: 0.5,
          better: 'lower',
          command: COMMAND,
          how: `examples/monorepo/Dockerfile image ${round(example / 1e6)} MB / bench/naive.Dockerfile image ${round(naive / 1e6)} MB (docker image inspect .Size)`,
        },
      ];
    } finally {
      spawnSync('docker', ['rmi', '-f', ...tags], { stdio: 'ignore' });
      rmSync(context, { recursive: true, force: true });
    }
  },
};
