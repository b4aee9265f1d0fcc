import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SAVE_DELAY_MS, StateStore } from './store';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'runway-store-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('writes a change within SAVE_DELAY_MS, not during the call that made it, and one write carries every change meanwhile', async () => {
  const store = new StateStore(dir);
  store.state.ports.a = 1;
  store.save();
  store.state.ports.b = 2;
  store.save();
  expect(existsSync(join(dir, 'state.json'))).toBe(false);
  await sleep(SAVE_DELAY_MS);
  // Written in the background: waited for, with room for a loaded machine.
  for (let waited = 0; !existsSync(join(dir, 'state.json')) && waited < 5000; waited += 20) await sleep(20);
  expect(new StateStore(dir).state.ports).toEqual({ a: 1, b: 2 });
});

it('flush writes a pending change at once, and a restarted store reads every change', async () => {
  const store = new StateStore(dir);
  store.state.ports.svc = 8081;
  store.save();
  await store.flush();
  expect(new StateStore(dir).state.ports).toEqual({ svc: 8081 });
  store.state.ports.svc = 8082;
  store.save();
  await store.flush();
  expect(new StateStore(dir).state.ports).toEqual({ svc: 8082 });
});
