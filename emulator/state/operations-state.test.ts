import { ApiError } from '../apis/api-error';
import { MAX_OPERATIONS, Operations } from './operations-state';
import { StateStore } from './store';

const encoders = { 'test.Thing': (m: unknown) => Buffer.from(JSON.stringify(m)) };
const parent = 'projects/p/locations/l';

it('returns an open operation at once and finishes it with the response, after the delay', async () => {
  const ops = new Operations(new StateStore(), encoders);
  ops.delayMs = 200;
  let finish!: (v: unknown) => void;
  const started = Date.now();
  const op = ops.start(parent, 'test.Thing', { step: 'meta' }, () => new Promise((r) => (finish = r)));
  expect(op).toMatchObject({ done: false, metadata: { type_url: 'type.googleapis.com/test.Thing' } });
  expect(op.name).toMatch(/^projects\/p\/locations\/l\/operations\/[0-9a-f-]{36}$/);
  finish({ step: 'done' });
  const record = await ops.wait(op.name, 5000);
  expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  expect(ops.message(record)).toMatchObject({ done: true, response: { value: Buffer.from('{"step":"done"}') } });
});

it('finishes with the error code of a failed ApiError, and INTERNAL for anything else', async () => {
  const ops = new Operations(new StateStore(), encoders);
  const a = ops.start(parent, 'test.Thing', {}, async () => {
    throw new ApiError(9, 'not ready');
  });
  const b = ops.start(parent, 'test.Thing', {}, async () => {
    throw new Error('boom');
  });
  expect(ops.message(await ops.wait(a.name, 1000))).toMatchObject({ done: true, error: { code: 9, message: 'not ready' } });
  expect((await ops.wait(b.name, 1000)).error).toEqual({ code: 13, message: 'boom' });
});

it('wait gives up at its timeout; drain waits for everything', async () => {
  const ops = new Operations(new StateStore(), encoders);
  const op = ops.start(parent, 'test.Thing', {}, () => new Promise((r) => setTimeout(r, 300)));
  expect((await ops.wait(op.name, 20)).done).toBe(false);
  await ops.drain();
  expect(ops.get(op.name).done).toBe(true);
});

it('marks operations saved while open as aborted when loaded again', () => {
  const store = new StateStore();
  store.state.operations.x = { name: 'x', type: 'test.Thing', metadata: {}, done: false };
  new Operations(store, encoders);
  expect(store.state.operations.x).toMatchObject({ done: true, error: { code: 10 } });
});

it('NOT_FOUND for an unknown operation', () => {
  expect(() => new Operations(new StateStore(), encoders).get('nope')).toThrow(/Operation nope not found/);
});

it(`keeps at most ${MAX_OPERATIONS} operations, forgetting the oldest finished ones`, async () => {
  const store = new StateStore();
  const ops = new Operations(store, encoders);
  const first = ops.start(parent, 'test.Thing', {}, async () => ({}));
  await ops.drain();
  for (let i = 0; i < MAX_OPERATIONS; i++) ops.start(parent, 'test.Thing', {}, async () => ({}));
  await ops.drain();
  expect(Object.keys(store.state.operations)).toHaveLength(MAX_OPERATIONS);
  expect(() => ops.get(first.name)).toThrow(/not found/);
});
