/**
 * Tiny test images for the emulator and the actions, built once (FROM the local node:24-bookworm-slim,
 * `docker build --network host`) and pushed to the local registry as
 * `127.0.0.1:5000/runway-test/<kind>:<content hash>`. A later call (any test file, any worker) finds the
 * pushed tag and only reads its digest, so builds are shared and cached.
 *
 *   ensureTestImage('hello')       HTTP server on 0.0.0.0:$PORT (as Cloud Run requires): GET / answers JSON {service, revision,
 *                                  configuration, env (APP_* vars), args, file (contents of $READ_FILE)};
 *                                  GET /status/NNN answers that status; GET /delay/MS answers like GET /
 *                                  after MS milliseconds; POST echoes the body.
 *   ensureTestImage('crash')       prints two log lines, then exits 1 before listening.
 *   ensureTestImage('slow-start')  listens like hello, but only after $START_DELAY_MS (default 5000).
 *   ensureTestImage('loopback-only') like hello, but listens on 127.0.0.1 only: Cloud Run (and the
 *                                  emulator) fail its startup probe.
 *
 * Returns `127.0.0.1:5000/runway-test/<kind>@sha256:...`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export type TestImage = 'hello' | 'crash' | 'slow-start' | 'loopback-only';

export const TEST_REGISTRY = '127.0.0.1:5000';
const BASE = 'node:24-bookworm-slim';
const exec = promisify(execFile);

const HELLO = `
const http = require('node:http');
const fs = require('node:fs');
const server = http.createServer((req, res) => {
  const status = /^\\/status\\/(\\d{3})$/.exec(req.url);
  if (status) return res.writeHead(Number(status[1])).end();
  if (req.method === 'POST') { res.writeHead(200, { 'content-type': req.headers['content-type'] || 'application/octet-stream' }); return req.pipe(res); }
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('APP_')));
  const file = process.env.READ_FILE ? fs.readFileSync(process.env.READ_FILE, 'utf8') : undefined;
  const answer = () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ service: process.env.K_SERVICE, revision: process.env.K_REVISION, configuration: process.env.K_CONFIGURATION, host: process.env.HOST, env, args: process.argv.slice(2), file }));
  };
  const delay = /^\\/delay\\/(\\d+)$/.exec(req.url);
  if (delay) setTimeout(answer, Number(delay[1]));
  else answer();
});
setTimeout(() => server.listen(Number(process.env.PORT || 8080), process.env.LISTEN_HOST || '0.0.0.0', () => console.log('listening on', process.env.PORT)), Number(process.env.START_DELAY_MS || 0));
`;

const CRASH = `
console.log('starting up');
console.error('Error: cannot connect to the database at 127.0.0.1:1');
process.exit(1);
`;

const SOURCES: Record<TestImage, { script: string; env?: string }> = {
  hello: { script: HELLO },
  crash: { script: CRASH },
  'slow-start': { script: HELLO, env: 'ENV START_DELAY_MS=5000' },
  'loopback-only': { script: HELLO, env: 'ENV LISTEN_HOST=127.0.0.1' },
};

const built = new Map<TestImage, Promise<string>>();

/** The digest the registry holds for a tag, or undefined. */
async function registryDigest(repo: string, tag: string): Promise<string | undefined> {
  const res = await fetch(`http://${TEST_REGISTRY}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  }).catch((e: Error) => {
    throw new Error(
      `the local registry at ${TEST_REGISTRY} is not reachable (${e.message}): start it with \`bash scripts/stack.sh up\``,
    );
  });
  return res.ok ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
}

async function build(kind: TestImage): Promise<string> {
  const { script, env } = SOURCES[kind];
  const dockerfile = [`FROM ${BASE}`, 'WORKDIR /app', 'COPY app.js .', env ?? '', 'CMD ["node", "/app/app.js"]'].join('\n');
  const tag = createHash('sha256').update(dockerfile).update(script).digest('hex').slice(0, 12);
  const repo = `runway-test/${kind}`;
  const ref = `${TEST_REGISTRY}/${repo}`;
  let digest = await registryDigest(repo, tag);
  if (!digest) {
    const dir = mkdtempSync(join(tmpdir(), 'runway-test-image-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), dockerfile);
      writeFileSync(join(dir, 'app.js'), script);
      await exec('docker', ['build', '--network', 'host', '-q', '-t', `${ref}:${tag}`, dir]);
      await exec('docker', ['push', '-q', `${ref}:${tag}`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    digest = await registryDigest(repo, tag);
    if (!digest) throw new Error(`pushed ${ref}:${tag} but the registry has no digest for it`);
  }
  return `${ref}@${digest}`;
}

/** Builds (once per content) and pushes a test image; returns its reference pinned by digest. */
export function ensureTestImage(kind: TestImage): Promise<string> {
  let p = built.get(kind);
  if (!p) {
    p = build(kind);
    built.set(kind, p);
  }
  return p;
}
