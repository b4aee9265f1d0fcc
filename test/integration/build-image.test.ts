import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInputs } from '../../src/inputs';
import { RecordingReporter } from '../../src/report';
import { localContext, runLocally } from '../../src/runtime/local';
import { runBuildImage, ReadinessError } from '../../src/image/build';
import { buildImageAction } from '../../src/image/inputs';
import { manifestProblem } from '../../src/image/build-command';
import { remoteManifest } from '../../src/image/docker';
import type { PrismaReport } from '../../src/image/readiness-report';
import { repoRoot, runBundle } from '../helpers/run-action';

// Real builds with the classic builder (no buildx here) of fixture projects, pushed to the local
// registry; the digest output is compared with what the registry itself serves.
jest.setTimeout(180_000);

const REGISTRY = '127.0.0.1:5000';
const fixtures = join(repoRoot, 'test', 'fixtures', 'prisma');
const run = randomBytes(4).toString('hex');
const workdirs: string[] = [];

/** A private copy of a fixture as a build context, with the fake Prisma CLI beside it. */
function context(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), `runway-test-build-${fixture}-`));
  workdirs.push(dir);
  cpSync(join(fixtures, fixture), dir, { recursive: true });
  cpSync(join(fixtures, '_fake-prisma'), join(dir, 'fake-prisma'), { recursive: true });
  return dir;
}

// The fixtures' Prisma engines are placeholders (real ones cannot be downloaded here): only this test-only
// switch lets them pass the image check. Builds use the host network, which this machine needs.
const TEST_ENV = { RUNWAY_TEST_PLACEHOLDER_ENGINES: '1' };

async function build(dir: string, raw: Record<string, string>, sha = randomBytes(20).toString('hex')) {
  const env = { GITHUB_WORKSPACE: dir, GITHUB_SHA: sha, RUNNER_TEMP: tmpdir(), ...TEST_ENV };
  const inputs = readInputs(buildImageAction, (name) => ({ network: 'host', ...raw })[name], env);
  const reporter = new RecordingReporter();
  const started = Date.now();
  const outputs = await runBuildImage(inputs, localContext({ reporter, env }));
  return { outputs, reporter, ms: Date.now() - started, report: JSON.parse(outputs['prisma-report'] ?? '{}') as PrismaReport };
}

/** The digest the registry serves for a tag (Registry API v2, docker v2 and OCI manifests accepted). */
async function registryDigest(ref: string): Promise<{ digest: string | null; type: string | null }> {
  const [, path, tag] = /^[^/]+\/(.+):([^:]+)$/.exec(ref)!;
  const r = await fetch(`http://${REGISTRY}/v2/${path}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
  });
  expect(r.status).toBe(200);
  return { digest: r.headers.get('docker-content-digest'), type: r.headers.get('content-type') };
}

/**
 * A real shared library named like a Prisma engine (gcc on the host, Debian bookworm like the image),
 * linked against libssl.so.3 or against a stub whose soname is libssl.so.1.1, put where the fake CLI
 * picks it up instead of a placeholder.
 */
function realEngine(dir: string, name: string, libssl: 'libssl.so.3' | 'libssl.so.1.1'): void {
  const work = mkdtempSync(join(tmpdir(), 'runway-test-engine-'));
  workdirs.push(work);
  const engines = join(dir, 'fake-prisma', 'engines');
  mkdirSync(engines, { recursive: true });
  writeFileSync(
    join(work, 'engine.c'),
    'extern int OPENSSL_init_ssl(unsigned long long, const void *);\nint runway_probe(void) { return OPENSSL_init_ssl(0, 0); }\n',
  );
  let ssl = '/usr/lib/x86_64-linux-gnu/libssl.so.3';
  if (libssl === 'libssl.so.1.1') {
    writeFileSync(
      join(work, 'ssl.c'),
      'int OPENSSL_init_ssl(unsigned long long o, const void *s) { (void)o; (void)s; return 1; }\n',
    );
    ssl = join(work, 'libssl.so.1.1');
    execFileSync('gcc', ['-shared', '-fPIC', '-Wl,-soname,libssl.so.1.1', '-o', ssl, join(work, 'ssl.c')]);
  }
  execFileSync('gcc', ['-shared', '-fPIC', '-o', join(engines, name), join(work, 'engine.c'), ssl]);
}

const levelOf = (report: PrismaReport, rule: string) => report.findings.filter((f) => f.rule === rule).map((f) => f.level);

afterAll(() => {
  // Every repository this file uses ends with the run id: remove its tags, then its untagged leftovers
  // (a cache image whose tag moved, a build that failed before returning) by id.
  const mine = execFileSync('docker', ['images', '--format', '{{.ID}} {{.Repository}} {{.Tag}}'])
    .toString()
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([, repo]) => repo?.startsWith(`${REGISTRY}/runway-test/`) && repo.endsWith(`-${run}`));
  const refs = [
    ...mine.filter(([, , tag]) => tag !== '<none>').map(([, repo, tag]) => `${repo}:${tag}`),
    ...mine.filter(([, , tag]) => tag === '<none>').map(([id]) => id),
  ];
  for (const ref of refs) {
    try {
      execFileSync('docker', ['image', 'rm', ref], { stdio: 'ignore' });
    } catch {
      /* already gone with an earlier tag */
    }
  }
  for (const d of workdirs) rmSync(d, { recursive: true, force: true });
});

describe('build-image with the classic builder', () => {
  it('builds, checks and pushes a Prisma 6 app; digest = registry digest; a code change reuses the dependency layers', async () => {
    const dir = context('good-debian');
    // A unique package.json makes the first build cold from the dependency step on, also when this suite ran before.
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, description: `run ${run}` }));
    const image = `${REGISTRY}/runway-test/good-debian-${run}`;
    const cold = await build(dir, { image, tags: 'latest' });

    const tags = cold.outputs.tags!.split('\n');
    expect(tags).toHaveLength(2);
    expect(tags[1]).toBe(`${image}:latest`);
    const served = await registryDigest(tags[0]);
    expect(served.type).toMatch(/manifest\.v2\+json|oci\.image\.manifest/);
    expect(cold.outputs.digest).toBe(served.digest);
    expect((await registryDigest(tags[1])).digest).toBe(served.digest);
    expect(cold.outputs['image-ref']).toBe(`${image}@${served.digest}`);

    expect(cold.report.verdict).toBe('pass');
    const engine = cold.report.findings.find((f) => f.rule === 'image-engines')!;
    expect(engine).toMatchObject({ level: 'pass', phase: 'image' });
    expect(engine.message).toContain('libquery_engine-debian-openssl-3.0.x.so.node');
    expect(levelOf(cold.report, 'image-load')).toEqual(['pass']);
    // The placeholder engine is recognised as such by the real dlopen; only the test-only switch lets it by.
    expect(levelOf(cold.report, 'image-engine-load')).toEqual(['notice']);
    expect(cold.report.image?.target).toBe('debian-openssl-3.0.x');
    expect(cold.reporter.markdown).toContain('Prisma readiness: ✅ ready');

    writeFileSync(join(dir, 'server.js'), `console.log('changed ${run}');\n`);
    const warm = await build(dir, { image, tags: 'latest' });
    const coldMeta = JSON.parse(cold.outputs.metadata!) as { cache: { steps: number; cached: number }; buildMs: number };
    const warmMeta = JSON.parse(warm.outputs.metadata!) as { cache: { steps: number; cached: number }; buildMs: number };
    // FROM is not a cache step; steps 2-7 (workdir, manifests, CLI, schema, generate) come from the cache.
    expect(coldMeta.cache.cached).toBeLessThan(warmMeta.cache.cached);
    expect(warmMeta.cache.cached).toBeGreaterThanOrEqual(6);
    expect(warm.outputs.digest).not.toBe(cold.outputs.digest);
    expect(warm.outputs.digest).toBe((await registryDigest(warm.outputs.tags!.split('\n')[0])).digest);
    console.log(
      `good-debian: cold build ${coldMeta.buildMs} ms (${coldMeta.cache.cached}/${coldMeta.cache.steps} cached), code-only rebuild ${warmMeta.buildMs} ms (${warmMeta.cache.cached}/${warmMeta.cache.steps} cached)`,
    );
  });

  it('builds and pushes a Prisma 7 monorepo app and warns about a NEXT_PUBLIC_* variable never passed', async () => {
    const dir = context('prisma7-monorepo');
    const image = `${REGISTRY}/runway-test/prisma7-${run}`;
    const { outputs, reporter, report } = await build(dir, {
      image,
      workspace: 'apps/web',
      'build-args': 'NEXT_PUBLIC_API_URL=https://api.example.test',
    });
    expect(outputs.digest).toBe((await registryDigest(outputs.tags!)).digest);
    expect(report.prisma).toMatchObject({ version: '7.0.1', engines: 'none' });
    // The NEXT_PUBLIC_* warning is a finding (next-public-build) like any other: ready, with a warning.
    expect(report.verdict).toBe('warn');
    expect(report.findings.filter((f) => f.level === 'warning').map((f) => f.rule)).toEqual(['next-public-build']);
    expect(report.findings.some((f) => f.rule === 'image-engines')).toBe(false);
    expect(levelOf(report, 'image-client')).toEqual(['pass']);
    const warnings = reporter.lines.filter((l) => l.level === 'warning');
    expect(warnings.map((w) => `${w.at?.file}:${w.at?.line}`)).toEqual(['apps/web/server.js:2']);
    expect(warnings[0].message).toContain('NEXT_PUBLIC_SITE_NAME');
    const baked = execFileSync('docker', [
      'run',
      '--rm',
      '--network',
      'host',
      '--entrypoint',
      'cat',
      outputs['image-ref']!,
      'apps/web/build.txt',
    ]).toString();
    expect(baked.trim()).toBe('built for https://api.example.test');
  });

  it('passes the reference Dockerfile of examples/monorepo, built and pushed', async () => {
    const env = { GITHUB_WORKSPACE: repoRoot, GITHUB_SHA: randomBytes(20).toString('hex'), RUNNER_TEMP: tmpdir() };
    const raw: Record<string, string> = {
      network: 'host',
      image: `${REGISTRY}/runway-test/example-${run}`,
      context: 'examples/monorepo',
      dockerfile: 'examples/monorepo/Dockerfile',
      workspace: 'examples/monorepo/apps/web',
      'build-args': 'NEXT_PUBLIC_APP_NAME=Runway example',
    };
    const reporter = new RecordingReporter();
    const outputs = await runBuildImage(
      readInputs(buildImageAction, (n) => raw[n], env),
      localContext({ reporter, env }),
    );
    const report = JSON.parse(outputs['prisma-report']!) as PrismaReport;
    expect(report.verdict).toBe('pass');
    expect(report.schema?.file).toBe('examples/monorepo/packages/db/prisma/schema.prisma');
    expect(report.prisma).toMatchObject({ engines: 'none' });
    expect(report.image?.target).toBe('debian-openssl-3.0.x');
    expect(report.findings.filter((f) => f.level === 'error' || f.level === 'warning')).toEqual([]);
    expect(outputs.digest).toBe((await registryDigest(outputs.tags!)).digest);
  }, 600_000);

  it.each([
    { fixture: 'engine-openssl-1.1', rule: 'image-engines', says: 'needs debian-openssl-3.0.x' },
    { fixture: 'runtime-without-libssl', rule: 'image-openssl', says: 'has no libssl' },
    { fixture: 'runtime-alpine-simulated', rule: 'image-engines', says: 'needs linux-musl-openssl-3.0.x' },
  ])('the image check catches $fixture ($rule)', async ({ fixture, rule, says }) => {
    const dir = context(fixture);
    const { outputs, report, reporter } = await build(dir, {
      image: `${REGISTRY}/runway-test/${fixture}-${run}`,
      push: 'false',
      'prisma-check': 'warn',
    });
    const found = report.findings.find((f) => f.rule === rule && f.level === 'error');
    expect(found?.message).toContain(says);
    expect(report.verdict).toBe('fail');
    expect(outputs.digest).toBeUndefined();
    // Image findings are annotated on the runtime stage's FROM line.
    expect(reporter.lines.find((l) => l.level === 'error' && l.message.includes(says))?.at).toMatchObject({
      file: 'Dockerfile',
      line: 10,
    });
    execFileSync('docker', ['image', 'rm', (JSON.parse(outputs.metadata!) as { imageId: string }).imageId], { stdio: 'ignore' });
  });

  it('inspects an image without a shell (like distroless) through its exported filesystem', async () => {
    const dir = context('runtime-without-shell');
    const { report, reporter } = await build(dir, { image: `${REGISTRY}/runway-test/no-shell-${run}`, push: 'false' });
    expect(reporter.messages('info')).toContain('The image has no shell: inspected its exported filesystem instead');
    expect(report.verdict).toBe('pass');
    expect(report.image).toMatchObject({
      osId: 'debian',
      libc: 'glibc',
      target: 'debian-openssl-3.0.x',
      node: '/usr/local/bin/node',
    });
    expect(levelOf(report, 'image-engines')).toEqual(['pass']);
    expect(levelOf(report, 'image-load')).toEqual(['pass']);
  });

  it('dlopens a real engine library in the image, and reproduces the libssl.so.1.1 crash where libssl is missing', async () => {
    const good = context('good-debian');
    realEngine(good, 'libquery_engine-debian-openssl-3.0.x.so.node', 'libssl.so.3');
    const ok = await build(good, { image: `${REGISTRY}/runway-test/real-engine-${run}`, push: 'false' });
    expect(ok.report.findings.find((f) => f.rule === 'image-engine-load')).toMatchObject({
      level: 'pass',
      message: '/app/node_modules/.prisma/client/libquery_engine-debian-openssl-3.0.x.so.node',
    });

    // No libssl in the runtime: Prisma assumes OpenSSL 1.1 and loads that engine, as in the production incident.
    const broken = context('runtime-without-libssl');
    const schemaFile = join(broken, 'prisma', 'schema.prisma');
    writeFileSync(
      schemaFile,
      readFileSync(schemaFile, 'utf8').replace(
        '"prisma-client-js"\n',
        '"prisma-client-js"\n  binaryTargets = ["native", "debian-openssl-1.1.x"]\n',
      ),
    );
    realEngine(broken, 'libquery_engine-debian-openssl-3.0.x.so.node', 'libssl.so.3');
    realEngine(broken, 'libquery_engine-debian-openssl-1.1.x.so.node', 'libssl.so.1.1');
    const r = await build(broken, {
      image: `${REGISTRY}/runway-test/real-engine-broken-${run}`,
      push: 'false',
      'prisma-check': 'warn',
    });
    expect(levelOf(r.report, 'image-openssl')).toEqual(['error']);
    const load = r.report.findings.find((f) => f.rule === 'image-engine-load');
    expect(load?.level).toBe('error');
    expect(load?.message).toContain('libssl.so.1.1: cannot open shared object file');
  });

  it('a hoisted client the runtime never copies: the image check confirms it, and the static fix makes a working image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runway-test-build-hoisted-'));
    workdirs.push(dir);
    cpSync(join(repoRoot, 'test', 'fixtures', 'monorepos', 'npm-hoisted-client-missing'), dir, { recursive: true });
    cpSync(join(fixtures, '_fake-prisma'), join(dir, 'fake-prisma'), { recursive: true });
    const image = `${REGISTRY}/runway-test/hoisted-${run}`;
    const broken = await build(dir, { image, push: 'false', 'prisma-check': 'warn', workspace: 'apps/web' });
    const fix = broken.report.findings.find((f) => f.rule === 'client-in-runtime')!;
    expect(fix).toMatchObject({ level: 'error', phase: 'static', line: 20 });
    // What production would meet: no generated client, and @prisma/client cannot initialize.
    expect(levelOf(broken.report, 'image-client')).toEqual(['error']);
    expect(levelOf(broken.report, 'image-load')).toEqual(['error']);

    const file = join(dir, 'Dockerfile');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(fix.line!, 0, fix.fix!);
    writeFileSync(file, lines.join('\n'));
    const fixed = await build(dir, { image, push: 'false', workspace: 'apps/web' });
    expect(fixed.report.verdict).toBe('pass');
    expect(levelOf(fixed.report, 'client-in-runtime')).toEqual(['pass']);
    expect(levelOf(fixed.report, 'image-client')).toEqual(['pass']);
    expect(fixed.report.findings.find((f) => f.rule === 'image-load')).toMatchObject({
      level: 'pass',
      message: "require('@prisma/client') → /app/node_modules/@prisma/client/index.js",
    });
  });

  it('strict: refuses before building when the static check fails, and pushes nothing', async () => {
    const dir = context('engine-openssl-1.1');
    const image = `${REGISTRY}/runway-test/refused-${run}`;
    const reporter = new RecordingReporter();
    const env = { GITHUB_WORKSPACE: dir, GITHUB_SHA: 'a'.repeat(40), RUNNER_TEMP: tmpdir() };
    const inputs = readInputs(buildImageAction, (n) => ({ image, network: 'host' })[n as 'image'], env);
    await expect(runBuildImage(inputs, localContext({ reporter, env }))).rejects.toThrow(ReadinessError);
    expect(reporter.lines.find((l) => l.level === 'error')?.at).toMatchObject({ file: 'prisma/schema.prisma', line: 7 });
    const r = await fetch(`http://${REGISTRY}/v2/runway-test/refused-${run}/manifests/${'a'.repeat(40)}`, { method: 'HEAD' });
    expect(r.status).toBe(404);
    expect(() => execFileSync('docker', ['image', 'inspect', `${image}:${'a'.repeat(40)}`], { stdio: 'ignore' })).toThrow();
  });

  it('sees a multi-platform index in the registry for what it is', async () => {
    const dir = context('good-debian');
    const image = `${REGISTRY}/runway-test/index-${run}`;
    const { outputs } = await build(dir, { image });
    const list = `${image}:list`;
    execFileSync('docker', ['manifest', 'create', '--insecure', list, outputs.tags!]);
    execFileSync('docker', ['manifest', 'annotate', '--arch', 'arm64', list, outputs.tags!]);
    execFileSync('docker', ['manifest', 'push', '--purge', '--insecure', list]);
    const remote = await remoteManifest(runLocally, list);
    expect(remote).toMatchObject({ isIndex: true, platforms: ['linux/arm64'] });
    // An index is refused only without linux/amd64 (Cloud Run takes one that includes it).
    expect(manifestProblem(list, remote, undefined)).toContain('is an index of linux/arm64 without linux/amd64');
    expect(await remoteManifest(runLocally, outputs.tags!)).toMatchObject({
      isIndex: false,
      digest: outputs.digest,
      platforms: ['linux/amd64'],
    });
  });

  it('classic builder: a build secret is a file in the context during the build only (CA bundle and env secret)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runway-test-build-secrets-'));
    workdirs.push(dir);
    writeFileSync(
      join(dir, 'Dockerfile'),
      [
        'FROM node:24-bookworm-slim AS build',
        'COPY .runway/secrets/ca /tmp/ca.pem',
        'COPY .runway/secrets/token /tmp/token',
        "RUN grep -c 'BEGIN CERTIFICATE' /tmp/ca.pem > /certs && wc -c < /tmp/token > /token-bytes",
        'FROM node:24-bookworm-slim',
        'COPY --from=build /certs /token-bytes /',
        'USER node',
        '',
      ].join('\n'),
    );
    const env = {
      GITHUB_WORKSPACE: dir,
      GITHUB_SHA: randomBytes(20).toString('hex'),
      RUNNER_TEMP: tmpdir(),
      RUNWAY_TEST_TOKEN: 'not-in-the-image',
    };
    const raw: Record<string, string> = {
      network: 'host',
      image: `${REGISTRY}/runway-test/secrets-${run}`,
      push: 'false',
      'build-secrets': 'ca=/etc/ssl/certs/ca-certificates.crt\ntoken=env:RUNWAY_TEST_TOKEN',
    };
    const reporter = new RecordingReporter();
    const outputs = await runBuildImage(
      readInputs(buildImageAction, (n) => raw[n], env),
      localContext({ reporter, env }),
    );
    const { imageId } = JSON.parse(outputs.metadata!) as { imageId: string };
    const read = (file: string) =>
      execFileSync('docker', ['run', '--rm', '--network', 'host', '--entrypoint', 'cat', imageId, file]).toString().trim();
    expect(Number(read('/certs'))).toBeGreaterThan(0);
    expect(read('/token-bytes')).toBe(String('not-in-the-image'.length));
    // Removed from the context after the build; the runtime stage never had them.
    expect(existsSync(join(dir, '.runway', 'secrets', 'ca'))).toBe(false);
    expect(reporter.messages('notice')).toEqual([expect.stringContaining('no Prisma schema')]);

    const missing: Record<string, string> = { ...raw, 'build-secrets': 'token=env:RUNWAY_TEST_UNSET' };
    await expect(
      runBuildImage(
        readInputs(buildImageAction, (n) => missing[n], env),
        localContext({ reporter, env }),
      ),
    ).rejects.toThrow('Input "build-secrets": token: the environment variable RUNWAY_TEST_UNSET is not set');
    // Pushed with the default cache: the build stage, whose layers hold the secret files, gets no cache image.
    const pushed = new RecordingReporter();
    const image = raw.image;
    await runBuildImage(
      readInputs(buildImageAction, (n) => ({ ...raw, push: 'true' })[n], env),
      localContext({ reporter: pushed, env }),
    );
    expect(pushed.messages('notice')).toEqual(
      expect.arrayContaining([expect.stringContaining('Build stages (build) get no cache images')]),
    );
    expect((await registryDigest(`${image}:buildcache`)).digest).toMatch(/^sha256:/);
    const stage = await fetch(`http://${REGISTRY}/v2/${image.slice(REGISTRY.length + 1)}/manifests/buildcache-build`, {
      method: 'HEAD',
    });
    expect(stage.status).toBe(404);
  });

  it('dist/build-image runs like the runner runs it: outputs, summary and annotations on file and line', async () => {
    const dir = context('good-debian');
    const image = `${REGISTRY}/runway-test/bundle-${run}`;
    const env = { GITHUB_WORKSPACE: dir, GITHUB_SHA: randomBytes(20).toString('hex'), ...TEST_ENV };
    const ok = await runBundle('dist/build-image/index.js', { inputs: { image, network: 'host' }, env, timeoutMs: 120_000 });
    expect(ok.errors).toEqual([]);
    expect(ok.code).toBe(0);
    expect(ok.outputs.digest).toBe((await registryDigest(`${image}:${env.GITHUB_SHA}`)).digest);
    expect(ok.outputs['image-ref']).toBe(`${image}@${ok.outputs.digest}`);
    expect(ok.summary).toContain('Prisma readiness: ✅ ready');
    expect(ok.summary).toContain('| Check | Result | Where | Fix |');

    const broken = context('alpine-generate');
    const failed = await runBundle('dist/build-image/index.js', {
      inputs: { image, 'check-only': 'true' },
      env: { GITHUB_WORKSPACE: broken },
    });
    expect(failed.code).not.toBe(0);
    expect(failed.stdout).toMatch(
      /^::error title=OpenSSL where `prisma generate` runs \(openssl-at-generate\),file=Dockerfile,line=4,endLine=4::\[openssl-at-generate\] /m,
    );
    expect(failed.stdout).toMatch(
      /^::error title=binaryTargets cover the runtime stage \(binary-targets\),file=prisma\/schema.prisma,line=5,endLine=5::\[binary-targets\] /m,
    );
    expect(failed.summary).toContain('Prisma readiness: ❌ not ready');
    // A failed check still gives its report.
    expect(JSON.parse(failed.outputs['prisma-report']) as PrismaReport).toMatchObject({ verdict: 'fail' });
  });

  it('classic builder: the default registry cache (IMAGE:buildcache beside the image) restores every stage after the local images are gone', async () => {
    const dir = context('good-debian');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, description: `cache ${run}` }));
    const image = `${REGISTRY}/runway-test/cached-${run}`;
    const cache = `${image}:buildcache`;
    // No cache input: the default is the registry cache, as in the composite, release.yml and on a laptop.
    const first = await build(dir, { image });
    expect(first.reporter.messages('info')).toEqual(expect.arrayContaining([`No cache image ${cache}-build yet`]));
    // The image itself is the runtime stage's cache image; the build stage has its own.
    expect((await registryDigest(cache)).digest).toBe(first.outputs.digest);
    expect((await registryDigest(`${cache}-build`)).digest).toMatch(/^sha256:/);
    // As on a fresh runner: drop every local copy (the tags and, with them, the layers of this unique build).
    const tags = (JSON.parse(first.outputs.metadata!) as { tags: string[] }).tags;
    execFileSync('docker', ['image', 'rm', ...tags, cache, `${cache}-build`], { stdio: 'ignore' });
    expect(() => execFileSync('docker', ['image', 'inspect', `${cache}-build`], { stdio: 'ignore' })).toThrow();

    writeFileSync(join(dir, 'server.js'), `console.log('cached ${run}');\n`);
    const second = await build(dir, { image });
    expect(second.reporter.messages('info')).toEqual(
      expect.arrayContaining([`Cache image ${cache}-build pulled`, `Cache image ${cache} pulled`]),
    );
    const meta = JSON.parse(second.outputs.metadata!) as { cache: { cached: number; steps: number; spec: { type: string } } };
    expect(meta.cache.spec.type).toBe('images');
    // Every step up to the changed COPY comes from the pulled cache images (FROM is no cache step).
    expect(meta.cache.cached).toBeGreaterThanOrEqual(6);
    // The cache moved to the new image.
    expect((await registryDigest(cache)).digest).toBe(second.outputs.digest);
  });

  it('push: false uses no registry cache', async () => {
    const dir = context('good-debian');
    const { outputs, reporter } = await build(dir, { image: `${REGISTRY}/runway-test/local-${run}`, push: 'false' });
    expect((JSON.parse(outputs.metadata!) as { cache: { spec: unknown } }).cache.spec).toBe('local');
    expect(reporter.messages('info').filter((m) => m.startsWith('Cache image') || m.startsWith('No cache image'))).toEqual([]);
  });

  it('check-only: reports without building', async () => {
    const dir = context('good-debian');
    const { outputs, report } = await build(dir, { image: `${REGISTRY}/runway-test/check-only-${run}`, 'check-only': 'true' });
    expect(Object.keys(outputs)).toEqual(['prisma-report']);
    expect(report.verdict).toBe('pass');
    expect(report.findings.every((f) => f.phase === 'static')).toBe(true);
  });
});
