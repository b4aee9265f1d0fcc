import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emulator } from './server';
import { stackIdToken, type Stack } from './stack';

/** A stand-in for an emulator's admin endpoint: a new token for every request, and the audiences asked for. */
let server: Server;
let asked: string[];
let env: Record<string, string>;

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(new URL(req.url ?? '', 'http://x').searchParams.get('audience') ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `token-${asked.length}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const admin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  env = { CLOUD_RUN_EMULATOR_HOST: '127.0.0.1:1', CLOUD_RUN_EMULATOR_ADMIN: admin };
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  asked = [];
});
afterEach(() => jest.restoreAllMocks());

const stack = (): Stack => ({ emulator: {} as Emulator, env }) as unknown as Stack;

it('mints once per audience and reuses the token until five minutes before its hour is up', async () => {
  const s = stack();
  const start = Date.now();
  expect(await stackIdToken(s, 'http://a')).toBe('token-1');
  jest.spyOn(Date, 'now').mockReturnValue(start + 54 * 60_000);
  expect(await stackIdToken(s, 'http://a')).toBe('token-1');
  expect(await stackIdToken(s, 'http://b')).toBe('token-2');
  jest.spyOn(Date, 'now').mockReturnValue(start + 55 * 60_000 + 1);
  expect(await stackIdToken(s, 'http://a')).toBe('token-3');
  expect(asked).toEqual(['http://a', 'http://b', 'http://a']);
});

it("keeps another emulator's tokens apart: each signs with its own key", async () => {
  expect(await stackIdToken(stack(), 'http://a')).toBe('token-1');
  expect(await stackIdToken(stack(), 'http://a')).toBe('token-2');
});
