import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createPrisma, type PrismaClient } from '@runway-example/db';
import { readConfig, type Config } from './config.mts';
import { check, healthVerdict } from './health.mts';
import { createRedis, type Redis } from './redis.mts';

// Baked in at build time (like Next.js inlines NEXT_PUBLIC_*): build.mjs replaces this expression.
const APP_NAME = process.env.NEXT_PUBLIC_APP_NAME ?? 'unnamed';
const COUNT_TTL_SECONDS = 60;
const MAX_BODY_BYTES = 16 * 1024;

interface Deps {
  config: Config;
  prisma: PrismaClient;
  redis: Redis;
  /** Keyed by database, so apps on different databases can share one Redis. */
  countKey: string;
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RequestError(`body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError('body is not valid JSON; send {"name": "..."}');
  }
}

class RequestError extends Error {}

function itemName(body: unknown): string {
  const name = (body as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
    throw new RequestError('"name" must be a non-empty string of at most 200 characters');
  }
  return name.trim();
}

/** The item count, from Redis when cached; the database answers (and refills the cache) otherwise. */
async function itemCount({ prisma, redis, countKey }: Deps): Promise<{ count: number; source: 'cache' | 'database' }> {
  const cached = await redis.get(countKey).catch(() => null);
  if (cached !== null) return { count: Number(cached), source: 'cache' };
  const count = await prisma.item.count();
  await redis.set(countKey, String(count), { EX: COUNT_TTL_SECONDS }).catch(() => undefined);
  return { count, source: 'database' };
}

async function route(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  const key = `${req.method} ${pathname}`;
  switch (key) {
    case 'GET /': {
      const html = `<!doctype html><title>${escapeHtml(APP_NAME)}</title><h1>${escapeHtml(APP_NAME)}</h1><p>revision: <code>${escapeHtml(deps.config.revision)}</code></p>`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    case 'GET /healthz': {
      const timeout = deps.config.healthTimeoutMs;
      const [database, redis] = await Promise.all([
        check(() => deps.prisma.$queryRaw`SELECT 1`, timeout),
        check(() => deps.redis.ping(), timeout),
      ]);
      const { code, body } = healthVerdict(database, redis, deps.config.revision);
      send(res, code, body);
      return;
    }
    case 'GET /items': {
      const items = await deps.prisma.item.findMany({ orderBy: { id: 'desc' }, take: 50 });
      const { count, source } = await itemCount(deps);
      send(res, 200, { items, count, countSource: source });
      return;
    }
    case 'POST /items': {
      const name = itemName(await readJson(req));
      const item = await deps.prisma.item.create({ data: { name } });
      // The cached count is now stale; the next GET recounts.
      await deps.redis.del(deps.countKey).catch(() => undefined);
      send(res, 201, item);
      return;
    }
    default:
      send(res, 404, { error: `no route for ${key}; try GET /, GET /healthz, GET /items, POST /items` });
  }
}

function main(): void {
  let config: Config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    console.error(`web: ${(error as Error).message}`);
    process.exit(2);
  }
  const deps: Deps = {
    config,
    prisma: createPrisma(config.databaseUrl, config.healthTimeoutMs),
    redis: createRedis(config.redisUrl, config.healthTimeoutMs),
    countKey: `items:count:${new URL(config.databaseUrl).pathname.slice(1)}`,
  };
  const server = createServer((req, res) => {
    route(deps, req, res).catch((error: unknown) => {
      if (error instanceof RequestError) return send(res, 400, { error: error.message });
      // One log line per failure (Prisma's messages span several lines).
      console.error(`web: ${req.method} ${req.url}: ${(error as Error).message.replace(/\s+/g, ' ').trim()}`);
      send(res, 500, { error: 'internal error' });
    });
  });
  server.listen(config.port, config.host, () => {
    console.log(`web: ${APP_NAME} (${config.revision}) listening on http://${config.host}:${config.port}`);
  });
  // Cloud Run sends SIGTERM before stopping an instance: finish requests, then close connections.
  process.once('SIGTERM', () => {
    server.close(() => {
      void Promise.allSettled([deps.prisma.$disconnect(), deps.redis.close()]).then(() => process.exit(0));
    });
  });
}

main();
