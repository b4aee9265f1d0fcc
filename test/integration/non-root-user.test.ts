/**
 * The README's demo command as a user who is not root, only in the group that owns the Docker socket,
 * against the daemon that already runs (issue 23): `scripts/stack.sh` must use that daemon, install
 * nothing, and run what is not already reachable as containers whose data stays in the user's checkout.
 * PostgreSQL and Redis get ports of their own here, so the containers are really started (the shared
 * stack on the default ports would just be reused); the registry stays the shared one on 5000, which
 * build-image pushes to under the emulator. A first, quick run starts all three on ports of their
 * own and pushes to that registry. After `stack.sh stop` no process of the user's may be left, and
 * no container of its state folder.
 *
 * Creating the user takes root or passwordless sudo (as on GitHub's runners); without either the
 * test is skipped and says so.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../emulator/runtime/ports';
import { repoRoot } from '../helpers/run-action';

const USER = `runway${process.pid}`;
const HOME = `/home/${USER}`;
const CHECKOUT = join(HOME, 'runway');
const STATE = join(CHECKOUT, '.runway', 'stack');
const SOCKET = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
// The demo takes about 3-6 minutes; a first local PostgreSQL image build adds about 20 s.
const DEMO_TIMEOUT_MS = 20 * 60_000;

const isRoot = process.getuid?.() === 0;
const canSudo = !isRoot && spawnSync('sudo', ['-n', 'true']).status === 0;
/** The group that may use the socket, when it is not root's alone. */
const socketGroup = ((): string | undefined => {
  try {
    const { gid, mode } = statSync(SOCKET);
    if (gid === 0 || (mode & 0o060) !== 0o060) return undefined;
    return execFileSync('getent', ['group', String(gid)], { encoding: 'utf8' }).split(':')[0];
  } catch {
    return undefined;
  }
})();
const why = !isRoot && !canSudo ? 'neither root nor passwordless sudo' : !socketGroup ? `no group may use ${SOCKET}` : '';

/** Runs a command as root: directly when the test is root, else through sudo. */
function asRoot(args: string[], timeout = 120_000): string {
  const [cmd, ...rest] = isRoot ? args : ['sudo', '-n', ...args];
  return execFileSync(cmd, rest, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Run {
  status: number | null;
  output: string;
}

/** Runs bash SCRIPT as the test user in its checkout, with a clean environment. */
function asUser(script: string, env: Record<string, string>, timeout: number): Run {
  const vars = Object.entries({ HOME, USER, PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }).map(([k, v]) => `${k}=${v}`);
  if (process.env.DOCKER_HOST) vars.push(`DOCKER_HOST=${process.env.DOCKER_HOST}`);
  const user = isRoot ? ['runuser', '-u', USER, '--'] : ['sudo', '-n', '-u', USER, '--'];
  const r = spawnSync(user[0], [...user.slice(1), 'env', '-i', ...vars, 'bash', '-c', `cd ${CHECKOUT} && ${script}`], {
    encoding: 'utf8',
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}${r.error ? `\n${r.error.message}` : ''}` };
}

/**
 * The user's processes still running. Zombies (state Z) have exited: one whose parent is gone waits
 * for this machine's PID 1 to reap it (seen: tsx's esbuild child), which is not the user's doing.
 */
function userProcesses(): string[] {
  const r = spawnSync('ps', ['-u', USER, '-o', 'pid=,stat=,args='], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.trim() !== '' && !/^\s*\d+\s+Z/.test(l));
}

function ourContainers(): string[] {
  return execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=dev.runway.stack=${STATE}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

/** Revision containers of the demo's emulators (service demo-web) whose emulator process is gone. */
function orphanedDemoRevisions(): string[] {
  const format = '{{.Label "dev.runway.emulator.pid"}} {{.Names}}';
  const out = execFileSync('docker', ['ps', '-a', '--filter', 'label=dev.runway.emulator.pid', '--format', format], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([pid, name]) => name?.includes('-demo-web-') && !existsSync(`/proc/${pid}`))
    .map(([, name]) => name);
}

const tail = (text: string) => text.split('\n').slice(-60).join('\n');

const describeIfUser = why ? describe.skip : describe;
if (why) console.warn(`non-root-user.test.ts skipped: ${why}`);

describeIfUser('the demo as a user in the docker group, not root', () => {
  let ports: Record<string, string>;

  beforeAll(() => {
    asRoot(['useradd', '--create-home', '--groups', socketGroup!, '--shell', '/bin/bash', USER]);
    // The user's own checkout: this working tree as it is (not only what is committed), with the
    // installed node_modules linked in where the user can read them (copied where it cannot).
    asRoot([
      'bash',
      '-c',
      `set -e; mkdir ${CHECKOUT}; tar -C ${repoRoot} --exclude=./node_modules --exclude=./.runway --exclude=./build --exclude=./.git -cf - . | tar -C ${CHECKOUT} -xf -; chown -R ${USER}: ${CHECKOUT}`,
    ]);
    const readable = asUser(`test -r ${repoRoot}/node_modules/.package-lock.json`, {}, 10_000).status === 0;
    asRoot([
      'bash',
      '-c',
      readable
        ? `ln -s ${repoRoot}/node_modules ${CHECKOUT}/node_modules`
        : `cp -a ${repoRoot}/node_modules ${CHECKOUT}/ && chown -R ${USER}: ${CHECKOUT}/node_modules`,
    ]);
    const git = asUser(
      'git init -q && git add -A && git -c user.name=t -c user.email=t@example.com commit -qm checkout',
      {},
      120_000,
    );
    if (git.status !== 0) throw new Error(`git init in the user's checkout failed:\n${git.output}`);
  }, 300_000);

  beforeEach(async () => {
    ports = { RUNWAY_PG_PORT: String(await freePort()), RUNWAY_REDIS_PORT: String(await freePort()) };
  });

  afterAll(() => {
    // Whatever a failed run left: the containers of its state folder, then the user's processes by PID.
    for (const id of ourContainers()) spawnSync('docker', ['rm', '-f', id]);
    const pids = userProcesses().map((line) => line.trim().split(/\s+/)[0]);
    if (pids.length > 0) asRoot(['kill', '-KILL', ...pids]);
    asRoot(['userdel', '--remove', USER]);
  }, 120_000);

  it('stack.sh up starts the registry, PostgreSQL and Redis as its containers on ports of its own; stop removes them', async () => {
    const env = { ...ports, RUNWAY_REGISTRY_PORT: String(await freePort()) };
    const up = asUser('bash scripts/stack.sh up', env, 600_000);
    expect({ status: up.status, output: tail(up.output) }).toMatchObject({ status: 0 });
    for (const svc of ['registry', 'postgres', 'redis'])
      expect(up.output).toMatch(new RegExp(`^${svc} +started +container `, 'm'));
    expect(up.output).toMatch(/^packages +not needed \(docker mode\)/m);
    expect(ourContainers()).toHaveLength(3);

    // The registry container takes a push from the user, and keeps it under the user's state folder.
    const image = `127.0.0.1:${env.RUNWAY_REGISTRY_PORT}/runway-test/non-root:${process.pid}`;
    const push = asUser(
      `docker tag node:24-bookworm-slim ${image} && docker push -q ${image} && docker rmi ${image}`,
      {},
      300_000,
    );
    expect({ status: push.status, output: push.output }).toMatchObject({ status: 0 });
    expect(asUser(`test -d .runway/stack/registry/docker/registry/v2/repositories/runway-test/non-root`, {}, 10_000).status).toBe(
      0,
    );

    const stop = asUser('bash scripts/stack.sh stop', env, 120_000);
    expect({ status: stop.status, output: stop.output }).toMatchObject({ status: 0 });
    for (const svc of ['registry', 'postgres', 'redis'])
      expect(stop.output).toMatch(new RegExp(`^${svc} +stopped +container `, 'm'));
    expect(ourContainers()).toEqual([]);
    expect(userProcesses()).toEqual([]);
  }, 900_000);

  it(
    "the README's demo command exits 0, and stack.sh stop leaves no process of the user's running",
    () => {
      const demo = asUser('bash scripts/demo.sh', ports, DEMO_TIMEOUT_MS);
      expect({ status: demo.status, output: tail(demo.output) }).toMatchObject({ status: 0 });
      expect(demo.output).toMatch(/^postgres +started +container /m);
      expect(demo.output).toMatch(/^redis +started +container /m);
      expect(demo.output).toMatch(/^Total \d+ s\./m);

      const stop = asUser('bash scripts/stack.sh stop', ports, 120_000);
      expect({ status: stop.status, output: stop.output }).toMatchObject({ status: 0 });
      expect(stop.output).toMatch(/^postgres +stopped +container /m);
      expect(ourContainers()).toEqual([]);
      expect(userProcesses()).toEqual([]);
      expect(orphanedDemoRevisions()).toEqual([]);
    },
    DEMO_TIMEOUT_MS + 180_000,
  );
});
