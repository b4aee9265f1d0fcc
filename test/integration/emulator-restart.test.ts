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
import { hello, runningContainers, shortName, startTestEmulator } from '../helpers/emulator-fixture';

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

it('npm run emulator prints one ready line with the endpoint and admin URL, and exits 0 on SIGTERM', async () => {
  const child = spawn('node_modules/.bin/tsx', ['emulator/main.ts', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const m = /^Cloud Run emulator ready: CLOUD_RUN_EMULATOR_HOST=(127\.0\.0\.1:\d+) admin=(http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
  expect(m).not.toBeNull();
  const state = (await (await fetch(`${m![2]}/state`)).json()) as Record<string, unknown>;
  expect(Object.keys(state)).toEqual(expect.arrayContaining(['services', 'revisions', 'jobs', 'executions', 'operations']));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});
