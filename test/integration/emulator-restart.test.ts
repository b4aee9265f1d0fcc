/**
 * Cloud Run emulator: `npm run emulator` prints one ready line and stops cleanly; with --state-dir a
 * restart keeps services, revisions and their URLs; stopping removes every container.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureTestImage } from '../helpers/test-images';
import { createClients } from '../../src/cloudrun/clients';
import { hello, PARENT, runningContainers, shortName, startTestEmulator } from '../helpers/emulator-fixture';

jest.setTimeout(120_000);

const stateDir = mkdtempSync(join(tmpdir(), 'runway-test-emu-state-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

it('keeps services, revisions and URLs across a restart with a state directory, and leaves no container behind', async () => {
  const image = await ensureTestImage('hello');
  const first = await startTestEmulator({ stateDir });
  const svc = await first.deploy('persist', { image });
  const revision = shortName(svc.latestReadyRevision);
  expect(runningContainers(revision)).toHaveLength(1);
  await first.close();
  expect(runningContainers(revision)).toEqual([]);
  await expect(fetch(svc.uri!)).rejects.toThrow();

  const second = await startTestEmulator({ stateDir });
  try {
    const [again] = await second.clients.services.getService({ name: svc.name! });
    expect(again).toMatchObject({ uri: svc.uri, latestReadyRevision: svc.latestReadyRevision, etag: svc.etag });
    expect((await hello(again.uri)).revision).toBe(revision);
  } finally {
    await second.close();
  }
});

it('a restart in the middle of a promotion keeps the split, the tags and every URL', async () => {
  const image = await ensureTestImage('hello');
  const dir = mkdtempSync(join(tmpdir(), 'runway-test-emu-promo-'));
  const first = await startTestEmulator({ stateDir: dir });
  let promoted;
  try {
    const svc = await first.deploy('promo', { image }, { template: { revision: 'promo-stable' } });
    const read = (await first.clients.services.getService({ name: svc.name! }))[0];
    const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION' as const;
    // Deployed as a tagged candidate, then promoted to 50 %: the step a restart interrupts.
    promoted = await first.update({
      ...read,
      template: { revision: 'promo-canary', containers: [{ image, env: [{ name: 'APP_ROLE', value: 'canary' }] }] },
      traffic: [
        { type: REVISION, revision: 'promo-stable', percent: 50 },
        { type: REVISION, revision: 'promo-canary', percent: 50, tag: 'canary' },
      ],
    });
  } finally {
    await first.close();
  }
  const second = await startTestEmulator({ stateDir: dir });
  try {
    const [again] = await second.clients.services.getService({ name: promoted.name! });
    expect(again.uri).toBe(promoted.uri);
    expect(again.trafficStatuses).toEqual(
      (await second.clients.services.getService({ name: promoted.name! }))[0].trafficStatuses,
    );
    expect((again.trafficStatuses ?? []).map((t) => [t.revision, t.percent, t.tag, t.uri])).toEqual(
      (promoted.trafficStatuses ?? []).map((t) => [t.revision, t.percent, t.tag, t.uri]),
    );
    const canaryUrl = again.trafficStatuses?.find((t) => t.tag === 'canary')?.uri;
    expect((await hello(canaryUrl)).revision).toBe('promo-canary');
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) seen.add((await hello(again.uri)).revision);
    expect([...seen].sort()).toEqual(['promo-canary', 'promo-stable']);
  } finally {
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Starts main.ts as its own node process (so its PID is the emulator's) and reads the ready line. */
async function spawnEmulator() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/main.ts', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const m =
    /^Cloud Run emulator ready: CLOUD_RUN_EMULATOR_HOST=(127\.0\.0\.1:\d+) CLOUD_RUN_EMULATOR_ADMIN=(http:\/\/127\.0\.0\.1:\d+)$/.exec(
      line,
    );
  return { child, line, endpoint: m?.[1], adminUrl: m?.[2] };
}

it('a later emulator removes the containers of one that was killed', async () => {
  const image = await ensureTestImage('hello');
  const { child, endpoint } = await spawnEmulator();
  const clients = createClients({ CLOUD_RUN_EMULATOR_HOST: endpoint });
  try {
    const [op] = await clients.services.createService({
      parent: PARENT,
      serviceId: 'orphan',
      service: { template: { containers: [{ image }] } },
    });
    const [svc] = await op.promise();
    const revision = shortName(svc.latestReadyRevision);
    expect(runningContainers(revision)).toHaveLength(1);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(runningContainers(revision)).toHaveLength(1);
    const next = await startTestEmulator();
    await next.close();
    expect(runningContainers(revision)).toEqual([]);
  } finally {
    await clients.close();
    child.kill('SIGKILL');
  }
});

it('npm run emulator prints one ready line with the endpoint and admin URL, and exits 0 on SIGTERM', async () => {
  const { child, line, adminUrl } = await spawnEmulator();
  expect(line).toMatch(
    /^Cloud Run emulator ready: CLOUD_RUN_EMULATOR_HOST=127\.0\.0\.1:\d+ CLOUD_RUN_EMULATOR_ADMIN=http:\/\/127\.0\.0\.1:\d+$/,
  );
  const state = (await (await fetch(`${adminUrl}/state`)).json()) as Record<string, unknown>;
  expect(Object.keys(state)).toEqual(expect.arrayContaining(['services', 'revisions', 'jobs', 'executions', 'operations']));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});
