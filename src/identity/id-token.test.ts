import { createServer, type Server } from 'node:http';
import { mintIdToken } from './id-token';

/** A stand-in for the emulator's admin endpoint: hands out JWT-shaped tokens whose exp is `lifetimeS` from now. */
let server: Server;
let asked: string[];
let lifetimeS: number | undefined;
let env: NodeJS.ProcessEnv;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  server = createServer((req, res) => {
    const audience = new URL(req.url ?? '', 'http://x').searchParams.get('audience') ?? '';
    asked.push(audience);
    const exp = lifetimeS === undefined ? {} : { exp: Math.ceil(Date.now() / 1000) + lifetimeS };
    const token = `${base64url({ alg: 'none' })}.${base64url({ aud: audience, n: asked.length, ...exp })}.sig`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  env = { CLOUD_RUN_EMULATOR_HOST: '127.0.0.1:1', CLOUD_RUN_EMULATOR_ADMIN: `http://127.0.0.1:${port}` };
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  asked = [];
});

it('hands out a token again while it is valid, and mints anew for another audience', async () => {
  lifetimeS = 3600;
  const first = await mintIdToken('https://a.example', env);
  expect(await mintIdToken('https://a.example', env)).toBe(first);
  expect(asked).toEqual(['https://a.example']);
  expect(await mintIdToken('https://b.example', env)).not.toBe(first);
  expect(asked).toEqual(['https://a.example', 'https://b.example']);
});

it('mints again once the token is within five minutes of its expiry', async () => {
  lifetimeS = 5 * 60 + 1; // kept for at most two seconds
  const first = await mintIdToken('https://c.example', env);
  expect(await mintIdToken('https://c.example', env)).toBe(first);
  await new Promise((resolve) => setTimeout(resolve, 2100));
  expect(await mintIdToken('https://c.example', env)).not.toBe(first);
  expect(asked).toEqual(['https://c.example', 'https://c.example']);
});

it('keeps no token without an exp claim', async () => {
  lifetimeS = undefined;
  const first = await mintIdToken('https://d.example', env);
  expect(await mintIdToken('https://d.example', env)).not.toBe(first);
  expect(asked).toEqual(['https://d.example', 'https://d.example']);
});
