/**
 * The example monorepo's image (examples/monorepo, its reference Dockerfile, classic builder), built
 * once per content: the tag is a hash of every file git would commit under examples/monorepo, so an
 * unchanged app reuses its image. Older `src-` images are removed (one still in use stays).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
export const APP_DIR = 'examples/monorepo';
export const APP_NAME = 'Runway example (test build)';

async function contentTag(): Promise<string> {
  const { stdout } = await run('git', ['ls-files', '-co', '--exclude-standard', '-z', APP_DIR], { cwd: ROOT });
  const hash = createHash('sha256').update(APP_NAME);
  for (const file of stdout.split('\0').filter(Boolean).sort()) {
    hash.update(`${file}\0`).update(readFileSync(path.join(ROOT, file)));
  }
  return `runway-example-monorepo:src-${hash.digest('hex').slice(0, 16)}`;
}

const docker = (args: string[]) => run('docker', args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });

/** The local tag of the example image, built if missing. */
export async function exampleImage(): Promise<string> {
  const image = await contentTag();
  const present = await docker(['image', 'inspect', image]).then(
    () => true,
    () => false,
  );
  if (present) return image;
  await docker(['build', '--network', 'host', '--build-arg', `NEXT_PUBLIC_APP_NAME=${APP_NAME}`, '-t', image, APP_DIR]).catch(
    (e: { stdout?: string; stderr?: string }) => {
      throw new Error(`docker build of ${APP_DIR} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`.slice(-4000));
    },
  );
  const { stdout } = await docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', 'runway-example-monorepo']);
  const stale = stdout.split('\n').filter((tag) => tag.includes(':src-') && tag !== image);
  if (stale.length > 0) await docker(['rmi', ...stale]).catch(() => undefined);
  return image;
}
