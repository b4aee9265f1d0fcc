/**
 * The example monorepo app (examples/monorepo) as Runway deploys it: its reference Dockerfile builds
 * with the classic builder, the migration runner in the image migrates a fresh PostgreSQL database,
 * and the running container's /healthz really checks PostgreSQL and Redis.
 * Needs the local stack (`bash scripts/stack.sh up`): dockerd, PostgreSQL, Redis, node:24-bookworm-slim.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { APP_DIR, APP_NAME, exampleImage } from '../helpers/example-image';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const ADMIN_URL = 'postgresql://runway:runway@127.0.0.1:5432/runway';
const REDIS_URL = 'redis://127.0.0.1:6379';
const MIGRATE = ['node', 'packages/db/scripts/migrate.mjs'];

const suffix = randomBytes(4).toString('hex');
const database = `runway_test_${suffix}`;
const databaseUrl = `postgresql://runway:runway@127.0.0.1:5432/${database}`;
const containers: string[] = [];
const silentServers: (() => Promise<void>)[] = [];
let image = '';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `docker ...` and returns its exit code and output, whatever the code. */
async function docker(args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run('docker', args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function dockerOk(args: string[]): Promise<Result> {
  const r = await docker(args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`.slice(-4000));
  return r;
}

async function psql(sql: string, url = ADMIN_URL): Promise<string> {
  const { stdout } = await run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-Atc', sql]);
  return stdout.trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A loopback TCP server that accepts connections and never answers; closed after the tests. */
function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  silentServers.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

/** Starts the web container on a free loopback port and waits until it serves `/`. */
async function startWeb(env: Record<string, string>): Promise<{ base: string; name: string }> {
  const port = await freePort();
  const name = `runway-test-example-${suffix}-${containers.length}`;
  containers.push(name);
  const vars = { HOST: '127.0.0.1', PORT: String(port), K_REVISION: 'web-00001-test', HEALTH_TIMEOUT_MS: '1000', ...env };
  const flags = Object.entries(vars).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  await dockerOk(['run', '-d', '--network', 'host', '--name', name, ...flags, image]);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`${base}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { base, name };
    if (Date.now() > deadline) {
      const logs = await docker(['logs', name]);
      throw new Error(`web container ${name} did not answer on ${base}:\n${logs.stdout}${logs.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function migrate(env: Record<string, string>) {
  const flags = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  return docker(['run', '--rm', '--network', 'host', ...flags, image, ...MIGRATE]);
}

beforeAll(async () => {
  image = await exampleImage();
  await psql(`CREATE DATABASE ${database}`);
}, 900_000);

afterAll(async () => {
  if (containers.length > 0) await docker(['rm', '-f', ...containers]);
  await Promise.all(silentServers.map((close) => close()));
  await psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

describe('example monorepo image', () => {
  it('runs as a non-root user in production mode from the standalone output only', async () => {
    const { stdout } = await dockerOk(['image', 'inspect', '--format', '{{json .Config}}', image]);
    const config = JSON.parse(stdout) as { User: string; Env: string[]; Cmd: string[] };
    expect(config.User).toBe('node');
    expect(config.Env).toContain('NODE_ENV=production');
    expect(config.Cmd).toEqual(['node', 'apps/web/server.js']);
    const listing = await dockerOk(['run', '--rm', '--network', 'host', image, 'sh', '-c', 'find /app | sort']);
    expect(listing.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        '/app/apps/web/server.js',
        '/app/packages/db/scripts/migrate.mjs',
        '/app/packages/db/prisma/migrations/20261125180000_init/migration.sql',
      ]),
    );
    expect(listing.stdout).not.toMatch(/node_modules|\.mts|schema\.prisma/);
  });

  it('build fails with a clear message when NEXT_PUBLIC_APP_NAME is not passed at build time', async () => {
    // Same stages as the image above, so every step before the app build comes from the layer cache.
    const r = await docker(['build', '--network', 'host', '--force-rm', APP_DIR]);
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('NEXT_PUBLIC_APP_NAME is not set; it is baked in at build time');
  }, 300_000);

  it('migration runner refuses to start without DATABASE_URL', async () => {
    const r = await migrate({});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DATABASE_URL is not set');
  });

  // Two Node processes and two psql calls: seconds on a loaded 2-core runner, more than Jest's 5 s default.
  it('migration runner applies the SQL migrations once and records them', async () => {
    const first = await migrate({ DATABASE_URL: databaseUrl });
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('applied 20261125180000_init');
    expect(first.stdout).toContain('applied 20261201000000_expand_items_note');
    expect(first.stdout).toContain('migrations: 2 applied, 0 already applied');
    const second = await migrate({ DATABASE_URL: databaseUrl });
    expect(second.stdout).toContain('migrations: 0 applied, 2 already applied');
    expect(await psql('SELECT name FROM _runway_migrations ORDER BY name', databaseUrl)).toBe(
      '20261125180000_init\n20261201000000_expand_items_note',
    );
    expect(await psql("SELECT to_regclass('public.items') IS NOT NULL", databaseUrl)).toBe('t');
  }, 60_000);

  it('migration runner stops when an applied migration no longer matches its file', async () => {
    const recorded = await psql("SELECT checksum FROM _runway_migrations WHERE name = '20261125180000_init'", databaseUrl);
    await psql(`UPDATE _runway_migrations SET checksum = 'edited' WHERE name = '20261125180000_init'`, databaseUrl);
    try {
      const r = await migrate({ DATABASE_URL: databaseUrl });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('migration 20261125180000_init was changed after it was applied; add a new migration instead');
    } finally {
      await psql(`UPDATE _runway_migrations SET checksum = '${recorded}' WHERE name = '20261125180000_init'`, databaseUrl);
    }
  });

  describe('running against PostgreSQL and Redis', () => {
    let base = '';
    let name = '';
    beforeAll(async () => {
      // The migration test above may run later under --testNamePattern; migrating twice is a no-op.
      await migrate({ DATABASE_URL: databaseUrl });
      ({ base, name } = await startWeb({
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        NEXT_PUBLIC_APP_NAME: 'set at run time, ignored',
      }));
    }, 60_000);

    it('GET / shows the app name baked in at build time and the revision', async () => {
      const body = await (await fetch(`${base}/`)).text();
      expect(body).toContain(`<h1>${APP_NAME}</h1>`);
      expect(body).not.toContain('ignored');
      expect(body).toContain('web-00001-test');
    });

    it('GET /healthz is 200 when both PostgreSQL and Redis answer', async () => {
      const res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', database: 'connected', redis: 'connected', revision: 'web-00001-test' });
    });

    it('POST /items then GET /items round-trips through PostgreSQL, with the count cached in Redis', async () => {
      const created = await fetch(`${base}/items`, { method: 'POST', body: JSON.stringify({ name: `item-${suffix}` }) });
      expect(created.status).toBe(201);
      const item = (await created.json()) as { id: number; name: string };
      expect(item.name).toBe(`item-${suffix}`);
      expect(await psql(`SELECT name FROM items WHERE id = ${item.id}`, databaseUrl)).toBe(`item-${suffix}`);

      const first = (await (await fetch(`${base}/items`)).json()) as {
        items: { id: number }[];
        count: number;
        countSource: string;
      };
      expect(first.items.map((i) => i.id)).toEqual([item.id]);
      expect(first).toMatchObject({ count: 1, countSource: 'database' });
      const second = (await (await fetch(`${base}/items`)).json()) as { count: number; countSource: string };
      expect(second).toMatchObject({ count: 1, countSource: 'cache' });
    });

    it('POST /items rejects a body without a name', async () => {
      const res = await fetch(`${base}/items`, { method: 'POST', body: JSON.stringify({ title: 'x' }) });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: '"name" must be a non-empty string of at most 200 characters' });
    });

    it('stops cleanly on SIGTERM, as Cloud Run sends before stopping an instance', async () => {
      // node runs as PID 1: without its SIGTERM handler docker would kill it after the grace period (exit 137).
      await dockerOk(['stop', '--time', '20', name]);
      const { stdout } = await dockerOk(['inspect', '--format', '{{.State.ExitCode}}', name]);
      expect(stdout.trim()).toBe('0');
    }, 60_000);
  });

  // "closed": connections are refused at once. "silent": a server accepts and never answers, like a
  // dependency behind a dead network path; only the per-check timeouts keep /healthz from hanging.
  it.each([
    ['PostgreSQL', 'closed', 'DATABASE_URL', { database: 'error', redis: 'connected' }],
    ['Redis', 'closed', 'REDIS_URL', { database: 'connected', redis: 'error' }],
    ['PostgreSQL', 'silent', 'DATABASE_URL', { database: 'error', redis: 'connected' }],
    ['Redis', 'silent', 'REDIS_URL', { database: 'connected', redis: 'error' }],
  ])(
    'GET /healthz is 503 when %s is %s',
    async (_what, kind, variable, checks) => {
      const env = { DATABASE_URL: databaseUrl, REDIS_URL };
      const url = new URL(env[variable as keyof typeof env]);
      url.port = String(kind === 'closed' ? await freePort() : await silentServer());
      const { base } = await startWeb({ ...env, [variable]: url.toString() });
      // A bound far above HEALTH_TIMEOUT_MS (1 s): the point is that the probe answers at all.
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(15_000) });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'degraded', ...checks, revision: 'web-00001-test' });
    },
    60_000,
  );
});
