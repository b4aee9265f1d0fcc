/**
 * startup.<action>: from process start to the action's first API call or probe, for each of the
 * five bundles, run the way the runner runs them (src/runtime/step-runner.ts, Node 24). A bare
 * listener on loopback stands in for what each action reaches first and notes when the first request
 * arrives; the action is then stopped:
 *   - deploy-cloudrun, promote, rollback: the Cloud Run API (an HTTP/2 listener at CLOUD_RUN_EMULATOR_HOST,
 *     where gRPC requests arrive);
 *   - health-gate: its first probe of `url`;
 *   - build-image: after its static checks of the example app, Artifact Registry's API (the repository
 *     check before any build, at CLOUD_RUN_EMULATOR_HOST) for an image on Artifact Registry, the
 *     product's path; for an image on another registry (startup.build-image.other-registry, in the
 *     how column only), the Docker Engine API (DOCKER_HOST), which needs no Google library.
 * and startup.floor: a bundle made the same way that only creates the Cloud Run client through its
 * public entry point and asks for one service (bench/startup-floor.ts, `bundle.mjs --floor`), to the
 * Cloud Run API. Each action's goal is relative to the floor measured in the same run, interleaved with
 * it: `startup.<action>` ≤ 1.3 × `startup.floor`, so a busy machine or a slower dependency moves both.
 * Each process's CPU time at that moment is printed too (a busy machine stretches wall time), and
 * startup.node: a bare `node -e` that makes one HTTP request. measureStartup() (for `npm run bench`)
 * returns the wall-time medians of the floor and the five actions.
 *
 *   npx tsx bench/startup.ts [bundles folder=dist] [runs=7]
 *
 * Bounded: runs × 8 processes, each killed at its first request or after 30 s.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo, Server as Listener } from 'node:net';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { node24, repoRoot, runBundle, type BundleOptions } from '../src/runtime/step-runner';
import { median, round } from './result';

export interface StartupResult {
  name: string;
  value: number;
  unit: string;
  /** ms; none for the floor itself. */
  goal?: number;
  how: string;
}

/** `startup.<action>` ≤ FLOOR_RATIO × `startup.floor`, measured in the same run (issue 22). */
export const FLOOR_RATIO = 1.3;

interface Started {
  /** The process, once it has started. */
  pid(): number | undefined;
  stop(): void;
  /** Its output, when it has ended. */
  done: Promise<string>;
}

interface Sample {
  /** ms from spawning the process to its first request. */
  wall: number;
  /** CPU ms (user + system) the process had used by then: less sensitive to a busy machine. */
  cpu: number;
}

/** CPU ms a process has used so far, from /proc/<pid>/stat (utime and stime, in 1/100 s). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function firstRequest(listen: (onRequest: () => void) => Listener, start: (address: string) => Started): Promise<Sample> {
  let pidOf: () => number | undefined = () => undefined;
  let arrived: (s: Sample | undefined) => void = () => undefined;
  const seen = new Promise<Sample | undefined>((r) => (arrived = r));
  const server = listen(() => {
    const pid = pidOf();
    arrived(pid ? { wall: performance.now() - started, cpu: cpuMs(pid) } : undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const started = performance.now();
  const child = start(`127.0.0.1:${(server.address() as AddressInfo).port}`);
  pidOf = child.pid;
  const timeout = setTimeout(() => arrived(undefined), 30_000);
  const sample = await Promise.race([seen, child.done.then(() => undefined)]);
  clearTimeout(timeout);
  child.stop();
  const output = await child.done;
  server.close();
  if (!sample) throw new Error(`the process ended (or took 30 s) before its first request:\n${output.slice(-2000)}`);
  return sample;
}

const grpcListener = (onRequest: () => void) =>
  createHttp2Server().on('stream', (stream) => {
    onRequest();
    stream.close();
  });
const httpListener = (onRequest: () => void) =>
  createHttpServer((_req, res) => {
    onRequest();
    res.writeHead(503).end();
  });

interface Case {
  readonly action: string;
  /** Set for a measure shown beside its action's result rather than as a result of its own. */
  readonly variant?: string;
  /** What the first request reaches. */
  readonly reaches: string;
  readonly listener: (onRequest: () => void) => Listener;
  readonly options: (address: string) => BundleOptions;
}

const nameOf = (c: Case) => `startup.${c.action}${c.variant ? `.${c.variant}` : ''}`;

const target = { service: 'startup', region: 'us-central1', 'project-id': 'runway-bench' };
const sha = { GITHUB_SHA: 'b'.repeat(40) };
const cases: Case[] = [
  {
    action: 'build-image',
    reaches: "Artifact Registry's API (the repository check before building an image on Artifact Registry)",
    listener: grpcListener,
    options: (address) => ({
      inputs: { image: 'us-central1-docker.pkg.dev/runway-bench/apps/startup', context: '.', 'prisma-check': 'warn' },
      env: { GITHUB_WORKSPACE: join(repoRoot, 'examples', 'monorepo'), ...sha, CLOUD_RUN_EMULATOR_HOST: address },
    }),
  },
  {
    action: 'build-image',
    variant: 'other-registry',
    reaches: 'the Docker Engine API (an image on a registry outside Google)',
    listener: httpListener,
    options: (address) => ({
      inputs: { image: '127.0.0.1:5000/bench/startup', context: '.', 'prisma-check': 'warn' },
      env: { GITHUB_WORKSPACE: join(repoRoot, 'examples', 'monorepo'), ...sha, DOCKER_HOST: `tcp://${address}` },
    }),
  },
  {
    action: 'deploy-cloudrun',
    reaches: 'the Cloud Run API',
    listener: grpcListener,
    options: (address) => ({
      inputs: { ...target, image: 'us-central1-docker.pkg.dev/runway-bench/apps/startup@sha256:' + 'a'.repeat(64) },
      env: { ...sha, CLOUD_RUN_EMULATOR_HOST: address },
    }),
  },
  {
    action: 'health-gate',
    reaches: 'its first probe of url',
    listener: httpListener,
    options: (address) => ({ inputs: { url: `http://${address}/` } }),
  },
  {
    action: 'promote',
    reaches: 'the Cloud Run API',
    listener: grpcListener,
    options: (address) => ({
      inputs: { ...target, revision: 'startup-00002-abc' },
      env: { ...sha, CLOUD_RUN_EMULATOR_HOST: address },
    }),
  },
  {
    action: 'rollback',
    reaches: 'the Cloud Run API',
    listener: grpcListener,
    options: (address) => ({ inputs: target, env: { ...sha, CLOUD_RUN_EMULATOR_HOST: address } }),
  },
];

/** The floor's bundle, made by bundle.mjs when its inputs changed. */
function floorBundle(): string {
  const out = execFileSync(node24, [join(repoRoot, 'scripts', 'bundle.mjs'), '--floor'], { cwd: repoRoot, encoding: 'utf8' });
  return join(out.trim().split('\n').at(-1)!, 'index.js');
}

/** Runs `bundle` the way the runner runs a step, until `stop`. */
function startBundle(bundle: string, options: BundleOptions): Started {
  let pid: number | undefined;
  const run = runBundle(bundle, { ...options, onStart: (p) => (pid = p) });
  const done = run.then((r) => {
    pid = undefined;
    return r.stdout + r.stderr;
  });
  return { pid: () => pid, stop: () => pid && process.kill(pid, 'SIGKILL'), done };
}

function runAction(bundles: string, c: Case) {
  return (address: string) => startBundle(join(bundles, c.action, 'index.js'), c.options(address));
}

function runFloor(bundle: string) {
  return (address: string) => startBundle(bundle, { env: { CLOUD_RUN_EMULATOR_HOST: address } });
}

function runNode(address: string): Started {
  const child = spawn(node24, ['-e', `require('http').get('http://${address}/', () => {})`], { stdio: 'ignore' });
  const done = new Promise<string>((r) => child.on('close', () => r('')));
  return { pid: () => child.pid, stop: () => child.kill('SIGKILL'), done };
}

/** Samples of each bundle in `bundles`, of the floor and of bare Node (`startup.node`), `runs` times each. */
async function measure(bundles: string, runs: number): Promise<Map<string, Sample[]>> {
  const floor = floorBundle();
  const samples = new Map<string, Sample[]>();
  const add = (name: string, s: Sample) => samples.set(name, [...(samples.get(name) ?? []), s]);
  // Interleaved, so a busy moment of the machine touches every action and the floor alike.
  for (let i = 0; i < runs; i++) {
    add('startup.node', await firstRequest(httpListener, runNode));
    add('startup.floor', await firstRequest(grpcListener, runFloor(floor)));
    for (const c of cases) add(nameOf(c), await firstRequest(c.listener, runAction(bundles, c)));
  }
  return samples;
}

/**
 * startup.floor and startup.<action>: the median ms from process start to the first API call or probe
 * of each bundle; each action's goal is FLOOR_RATIO × the floor of the same run.
 */
export async function measureStartup(bundles = join(repoRoot, 'dist'), runs = 7): Promise<StartupResult[]> {
  const samples = await measure(bundles, runs);
  const ms = (name: string) => Math.round(median(samples.get(name)!.map((s) => s.wall)));
  const floor = ms('startup.floor');
  // CPU time by then moves less with a busy machine than wall time does: shown beside it.
  const cpu = (name: string) => median(samples.get(name)!.map((s) => s.cpu));
  const cpuRatio = (name: string) => round(cpu(name) / cpu('startup.floor'), 2);
  const node = `bare node making one HTTP request: ${ms('startup.node')} ms`;
  const actions = cases
    .filter((c) => !c.variant)
    .map((c) => {
      const variants = cases.filter((v) => v.variant && v.action === c.action);
      const beside = variants.map((v) => `; to ${v.reaches}: ${ms(nameOf(v))} ms`).join('');
      return {
        name: nameOf(c),
        value: ms(nameOf(c)),
        unit: 'ms',
        goal: Math.round(FLOOR_RATIO * floor),
        how: `process start to ${c.reaches}, median of ${runs} (bench/startup.ts): ${round(ms(nameOf(c)) / floor, 2)} × startup.floor (goal ≤ ${FLOOR_RATIO} ×), CPU time ${cpu(nameOf(c))} ms, ${cpuRatio(nameOf(c))} × the floor's${beside}; ${node}`,
      };
    });
  const floorResult = {
    name: 'startup.floor',
    value: floor,
    unit: 'ms',
    how: `a bundle made as the actions' are that only creates @google-cloud/run's ServicesClient and asks for one service: process start to the Cloud Run API, median of ${runs}, interleaved with the actions (bench/startup-floor.ts), CPU time ${cpu('startup.floor')} ms; ${node}`,
  };
  return [floorResult, ...actions];
}

if (require.main === module) {
  const [dir, runs] = process.argv.slice(2);
  void measure(dir ? resolve(dir) : join(repoRoot, 'dist'), runs ? Number(runs) : 7).then((samples) => {
    console.log('name                     wall ms   cpu ms (medians)');
    for (const [name, s] of samples) {
      const [wall, cpu] = [median(s.map((x) => x.wall)), median(s.map((x) => x.cpu))];
      console.log(`${name.padEnd(24)} ${String(Math.round(wall)).padStart(7)} ${String(cpu).padStart(8)}`);
    }
  });
}
