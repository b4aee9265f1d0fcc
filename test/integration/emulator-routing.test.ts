/**
 * Cloud Run emulator conformance: the service URL splits requests by traffic percent, each tag has
 * its own URL, bodies stream through, and every proxied request is recorded for Monitoring.
 */
import { ensureTestImage } from '../helpers/test-images';
import { execFileSync } from 'node:child_process';
import {
  containersGone,
  hello,
  runningContainers,
  shortName,
  startTestEmulator,
  type IService,
  type TestEmulator,
  target,
} from '../helpers/emulator-fixture';

jest.setTimeout(120_000);

let emu: TestEmulator;
let image: string;
let svc: IService;
let blue: string;
let green: string;

beforeAll(async () => {
  image = await ensureTestImage('hello');
  // No idle time: the drain test below waits for the old revision to scale to zero.
  emu = await startTestEmulator({ idleInstanceMs: 0 });
  svc = await emu.deploy('split', { image, env: [{ name: 'APP_COLOR', value: 'blue' }] });
  blue = shortName(svc.latestReadyRevision);
  svc = await emu.update({
    ...svc,
    template: { containers: [{ image, env: [{ name: 'APP_COLOR', value: 'green' }] }] },
    traffic: [target(blue, 50, 'blue'), { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 50, tag: 'green' }],
  });
  green = shortName(svc.latestReadyRevision);
});
afterAll(() => emu?.close());

/** Sends n GETs, `parallel` at a time, and counts answers by revision. */
async function split(url: string, n: number, parallel = 10): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let sent = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (sent < n) {
        sent++;
        const { revision } = await hello(url);
        counts[revision] = (counts[revision] ?? 0) + 1;
      }
    }),
  );
  return counts;
}

it('splits 1,000 requests 50/50 within 45-55 % each', async () => {
  const counts = await split(svc.uri!, 1000);
  expect(Object.keys(counts).sort()).toEqual([blue, green].sort());
  for (const revision of [blue, green]) {
    expect(counts[revision]).toBeGreaterThanOrEqual(450);
    expect(counts[revision]).toBeLessThanOrEqual(550);
  }
});

it('follows a 90/10 split and then 100 % after an update', async () => {
  svc = await emu.update({ ...svc, traffic: [target(blue, 90, 'blue'), target(green, 10, 'green')] });
  const counts = await split(svc.uri!, 200);
  expect(counts[blue]).toBeGreaterThanOrEqual(170);
  expect(counts[green]).toBeGreaterThanOrEqual(10);
  svc = await emu.update({ ...svc, traffic: [target(green, 100, 'green'), target(blue, 0, 'blue')] });
  expect(await split(svc.uri!, 50)).toEqual({ [green]: 50 });
});

it('serves each tag at its own URL, listed in traffic_statuses', async () => {
  const byTag = Object.fromEntries((svc.trafficStatuses ?? []).map((t) => [t.tag, t.uri]));
  expect(new Set([byTag.blue, byTag.green, svc.uri]).size).toBe(3);
  expect((await hello(byTag.blue)).env).toEqual({ APP_COLOR: 'blue' });
  expect((await hello(byTag.green)).env).toEqual({ APP_COLOR: 'green' });
});

it('a removed tag stops answering at its URL', async () => {
  const blueUrl = svc.trafficStatuses?.find((t) => t.tag === 'blue')?.uri;
  svc = await emu.update({ ...svc, traffic: [target(green, 100, 'green')] });
  await expect(fetch(blueUrl!)).rejects.toThrow();
});

it('streams request and response bodies and passes status codes through', async () => {
  const payload = Buffer.alloc(5 * 1024 * 1024, 'x');
  const res = await fetch(svc.uri!, { method: 'POST', body: payload, headers: { 'content-type': 'application/x-test' } });
  expect(res.headers.get('content-type')).toBe('application/x-test');
  expect(Buffer.from(await res.arrayBuffer()).equals(payload)).toBe(true);
  expect((await fetch(`${svc.uri}/status/503`)).status).toBe(503);
});

it('records every proxied request with its revision and status code for Monitoring', async () => {
  const before = emu.emulator.metrics.all().length;
  await fetch(`${svc.uri}/status/418`);
  const last = emu.emulator.metrics.all().slice(before);
  expect(last).toEqual([
    expect.objectContaining({ project: 'runway-test', location: 'us-central1', service: 'split', revision: green, code: 418 }),
  ]);
});

it('replaces a crashed container: the request that finds it gone gets 502, later ones are served again', async () => {
  const [container] = runningContainers(green);
  execFileSync('docker', ['kill', container]);
  expect((await fetch(svc.uri!)).status).toBe(502);
  let revision: string | undefined;
  for (let i = 0; i < 100 && !revision; i++) {
    await new Promise((r) => setTimeout(r, 100));
    revision = await hello(svc.uri).then(
      (b) => b.revision,
      () => undefined,
    );
  }
  expect(revision).toBe(green);
  const [got] = await emu.clients.revisions.getRevision({ name: `${svc.name}/revisions/${green}` });
  expect(got.conditions?.find((c) => c.type === 'Ready')?.state).toBe('CONDITION_SUCCEEDED');
});

it('drains: a request in flight on a revision that loses its traffic completes, none fails during the switch, then it scales down', async () => {
  const first = await emu.deploy('drain', { image });
  const old = shortName(first.latestReadyRevision);
  // In flight across the switch: 10 s outlasts the new revision's start, even on a loaded machine.
  const slow = fetch(`${first.uri}/delay/10000`).then(async (r) => ({
    status: r.status,
    revision: ((await r.json()) as { revision: string }).revision,
    at: Date.now(),
  }));
  const failures: string[] = [];
  const seen: string[] = [];
  const until = Date.now() + 60_000;
  let switching = true;
  // Steady requests (sequential, bounded in time) through the switch.
  const load = (async () => {
    while (switching && Date.now() < until) {
      await hello(first.uri).then(
        (a) => seen.push(a.revision),
        (e: Error) => failures.push(e.message),
      );
    }
  })();
  let next = '';
  let switchedAt = Infinity;
  try {
    // A new template moves LATEST (and all traffic) to a new revision while requests keep coming.
    const [read] = await emu.clients.services.getService({ name: first.name! });
    const updated = await emu.update({ ...read, template: { containers: [{ image, env: [{ name: 'APP_V', value: '2' }] }] } });
    next = shortName(updated.latestReadyRevision);
    switchedAt = Date.now();
    while (seen.at(-1) !== next && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  } finally {
    switching = false;
    await load;
  }
  expect(failures).toEqual([]);
  expect([...new Set(seen)].sort()).toEqual([old, next].sort());
  // The old revision kept its container for the request in flight when it lost its traffic, then scales down.
  const answered = await slow;
  expect([answered.status, answered.revision]).toEqual([200, old]);
  expect(answered.at).toBeGreaterThan(switchedAt);
  expect(await containersGone(old)).toEqual([]);
});
