/**
 * deploy-cloudrun as the runner runs it (the bundle, INPUT_* variables, output and summary files)
 * against the Cloud Run emulator, with real images in the local registry and real containers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hello, PARENT, serviceName, startTestEmulator, type TestEmulator } from '../helpers/emulator-fixture';
import { runBundle, type ActionRun } from '../helpers/run-action';
import { ensureTestImage, TEST_REGISTRY } from '../helpers/test-images';

jest.setTimeout(180_000);

const BUNDLE = 'dist/deploy-cloudrun/index.js';
const PROJECT = PARENT.split('/')[1];
const sha = (n: number) =>
  `${n}`
    .repeat(40)
    .slice(0, 40)
    .replace(/[^0-9a-f]/g, 'a');

let emu: TestEmulator;
let helloRef: string;
let helloTagRef: string;
let crashRef: string;
let secretsDir: string;
let unique = 0;

/** A service name no other test (or worker) uses. */
const newService = (prefix: string) => `${prefix}-${process.pid % 10000}-${++unique}`;

async function deploy(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runBundle(BUNDLE, {
    // Public: these tests read the app's answers directly (a private service answers 403).
    inputs: { 'wait-timeout': '60s', 'allow-unauthenticated': 'true', ...inputs },
    env: { ...emu.emulator.env, GCLOUD_PROJECT: PROJECT, GITHUB_SHA: sha(1), ...env },
    timeoutMs: 150_000,
  });
}

const getService = async (id: string) => (await emu.clients.services.getService({ name: serviceName(id) }))[0];
const traffic = async (id: string) =>
  ((await getService(id)).traffic ?? []).map((t) => ({
    revision: t.revision || 'LATEST',
    percent: t.percent ?? 0,
    tag: t.tag || undefined,
  }));

/** A tag of the hello image in the local registry, to deploy by tag and check the digest it resolves to. */
async function tagOf(ref: string): Promise<string> {
  const [repo, digest] = ref.replace(`${TEST_REGISTRY}/`, '').split('@');
  const tags = ((await (await fetch(`http://${TEST_REGISTRY}/v2/${repo}/tags/list`)).json()) as { tags: string[] }).tags;
  for (const tag of tags) {
    const res = await fetch(`http://${TEST_REGISTRY}/v2/${repo}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    if (res.headers.get('docker-content-digest') === digest) return `${TEST_REGISTRY}/${repo}:${tag}`;
  }
  throw new Error(`no tag of ${ref}`);
}

beforeAll(async () => {
  secretsDir = mkdtempSync(join(tmpdir(), 'runway-deploy-secrets-'));
  for (const [secret, version, value] of [
    ['app-token', '1', 'token, with comma'],
    ['app-token', '2', 'token-two'],
    ['app-config', '1', 'config-file-body'],
  ]) {
    mkdirSync(join(secretsDir, secret), { recursive: true });
    writeFileSync(join(secretsDir, secret, version), value);
  }
  emu = await startTestEmulator({ secretsDir });
  [helloRef, crashRef] = await Promise.all([ensureTestImage('hello'), ensureTestImage('crash')]);
  helloTagRef = await tagOf(helloRef);
});

afterAll(async () => {
  await emu?.close();
});

describe('deploy-cloudrun', () => {
  it('creates the service on the first deploy, then adds no-traffic revisions that keep every tag', async () => {
    const service = newService('web');
    const first = await deploy({ service, image: helloTagRef });
    expect(first.errors).toEqual([]);
    expect(first.code).toBe(0);
    const digest = helloRef.split('@')[1];
    expect(first.outputs['image-digest']).toBe(digest);
    expect(first.outputs.revision).toMatch(new RegExp(`^${service}-sha-111111111111-[a-z0-9]{4}$`));
    expect(first.outputs['previous-traffic']).toBe('[]');
    expect(first.outputs['previous-revision']).toBe('');
    expect((await hello(first.outputs.url)).revision).toBe(first.outputs.revision);
    expect((await hello(first.outputs['tag-url'])).revision).toBe(first.outputs.revision);
    const revision = (
      await emu.clients.revisions.getRevision({ name: `${serviceName(service)}/revisions/${first.outputs.revision}` })
    )[0];
    expect(revision.containers?.[0].image).toBe(`${TEST_REGISTRY}/runway-test/hello@${digest}`);
    expect(first.summary).toContain(first.outputs.revision);
    expect(first.summary).toContain('created by this deploy');

    const second = await deploy({ service, image: helloRef, 'env-vars': 'APP_COLOR=blue' }, { GITHUB_SHA: sha(2) });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.outputs['previous-traffic'])).toEqual([
      { type: 'REVISION', revision: first.outputs.revision, percent: 100, tag: 'sha-111111111111' },
    ]);
    expect(second.outputs['previous-revision']).toBe(first.outputs.revision);
    // The service URL still serves the first revision; the new tag serves the new one.
    expect((await hello(second.outputs.url)).revision).toBe(first.outputs.revision);
    const tagged = await hello(second.outputs['tag-url']);
    expect(tagged.revision).toBe(second.outputs.revision);
    expect(tagged.env).toEqual({ APP_COLOR: 'blue' });
    expect(await traffic(service)).toEqual([
      { revision: first.outputs.revision, percent: 100, tag: 'sha-111111111111' },
      { revision: second.outputs.revision, percent: 0, tag: 'sha-222222222222' },
    ]);
    expect(second.summary).toMatch(/Traffic before[\s\S]*Traffic after/);

    // A hand-made tag on the first revision and a re-deploy of commit 2: the other tags stay where they
    // are, and the commit's tag leaves the older revision for the new one.
    const current = await getService(service);
    await emu.update({
      name: current.name,
      etag: current.etag,
      template: current.template,
      traffic: [
        ...(current.traffic ?? []),
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: first.outputs.revision, percent: 0, tag: 'stable' },
      ],
    });
    const third = await deploy({ service, image: helloRef }, { GITHUB_SHA: sha(2) });
    expect(third.code).toBe(0);
    expect(await traffic(service)).toEqual([
      { revision: first.outputs.revision, percent: 100, tag: 'sha-111111111111' },
      { revision: first.outputs.revision, percent: 0, tag: 'stable' },
      { revision: third.outputs.revision, percent: 0, tag: 'sha-222222222222' },
    ]);
    expect((await hello(third.outputs['tag-url'])).revision).toBe(third.outputs.revision);
    // env-vars merge: the variable set by the second deploy is still there.
    expect((await hello(third.outputs['tag-url'])).env).toEqual({ APP_COLOR: 'blue' });
    expect((await hello(third.outputs.url)).revision).toBe(first.outputs.revision);
  });

  it('resolves an Artifact Registry tag through the Artifact Registry API and pins its digest', async () => {
    const arTag = 'us-central1-docker.pkg.dev/runway-test/apps/hello:deploy-test';
    const local = `${TEST_REGISTRY}/${arTag}`;
    execFileSync('docker', ['tag', helloRef, local]);
    execFileSync('docker', ['push', '-q', local]);
    const service = newService('ar');
    const run = await deploy({ service, image: arTag });
    expect(run.errors).toEqual([]);
    expect(run.outputs['image-digest']).toBe(helloRef.split('@')[1]);
    const revision = (
      await emu.clients.revisions.getRevision({ name: `${serviceName(service)}/revisions/${run.outputs.revision}` })
    )[0];
    expect(revision.containers?.[0].image).toBe(`us-central1-docker.pkg.dev/runway-test/apps/hello@${helloRef.split('@')[1]}`);
    expect((await hello(run.outputs['tag-url'])).revision).toBe(run.outputs.revision);

    const missing = await deploy(
      { service, image: 'us-central1-docker.pkg.dev/runway-test/apps/hello:no-such-tag' },
      { GITHUB_SHA: sha(2) },
    );
    expect(missing.code).toBe(1);
    expect(missing.errors.join('\n')).toMatch(/hello:no-such-tag does not exist in the repository apps \(no such tag\)/);
  });

  it('pins a LATEST split to the revision it serves, so a no-traffic deploy moves nothing', async () => {
    const service = newService('latest');
    const created = await emu.deploy(
      service,
      { image: helloRef },
      { traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }] },
    );
    const original = (created.latestReadyRevision ?? '').split('/').pop()!;
    expect(await traffic(service)).toEqual([{ revision: 'LATEST', percent: 100, tag: undefined }]);
    const run = await deploy({ service, image: helloRef });
    expect(run.errors).toEqual([]);
    expect(JSON.parse(run.outputs['previous-traffic'])).toEqual([{ type: 'REVISION', revision: original, percent: 100 }]);
    expect(run.outputs['previous-revision']).toBe(original);
    expect(await traffic(service)).toEqual([
      { revision: original, percent: 100, tag: undefined },
      { revision: run.outputs.revision, percent: 0, tag: 'sha-111111111111' },
    ]);
    expect((await hello(run.outputs.url)).revision).toBe(original);
  });

  it('passes env-vars, secrets and labels written in the deploy-cloudrun syntax exactly', async () => {
    const service = newService('syntax');
    const run = await deploy({
      service,
      image: helloRef,
      'env-vars': 'APP_LIST=a\\,b\\,c\n  APP_URL = postgres://u:p@db/app?sslmode=require  ,APP_EMPTY=\nAPP_SLASH=C:\\\\dir',
      secrets: 'APP_TOKEN=app-token:1\n/secrets/app/config=app-config:latest',
      labels: 'team=web,env=prod',
      'no-traffic': 'false',
    });
    expect(run.errors).toEqual([]);
    const answer = await runBundleEnvCheck(run);
    expect(answer.env).toEqual({
      APP_LIST: 'a,b,c',
      APP_URL: 'postgres://u:p@db/app?sslmode=require',
      APP_EMPTY: '',
      APP_SLASH: 'C:\\dir',
      APP_TOKEN: 'token, with comma',
    });
    const svc = await getService(service);
    expect(svc.labels).toEqual(expect.objectContaining({ team: 'web', env: 'prod' }));

    // The mounted secret file, read by the app through READ_FILE; overwrite drops the other variables.
    const next = await deploy(
      {
        service,
        image: helloRef,
        'env-vars': 'READ_FILE=/secrets/app/config',
        'env-vars-update-strategy': 'overwrite',
        secrets: 'APP_TOKEN=app-token:2',
      },
      { GITHUB_SHA: sha(3) },
    );
    expect(next.errors).toEqual([]);
    const after = await hello(next.outputs['tag-url']);
    expect(after.file).toBe('config-file-body');
    expect(after.env).toEqual({ APP_TOKEN: 'token-two' });
  });

  it('runs the migration command as a job first, and stops before the service changes when it fails', async () => {
    const service = newService('migrate');
    const ok = await deploy({ service, image: helloRef, 'migration-command': 'echo migrated; exit 0' });
    expect(ok.errors).toEqual([]);
    expect(ok.stdout).toMatch(/Migration finished/);
    const job = (await emu.clients.jobs.getJob({ name: `${PARENT}/jobs/${service}-migrate` }))[0];
    expect(job.template?.template?.containers?.[0].command).toEqual(['/bin/sh', '-c', 'echo migrated; exit 0']);
    expect(job.template?.template?.containers?.[0].image).toBe(`${TEST_REGISTRY}/runway-test/hello@${helloRef.split('@')[1]}`);

    const before = await getService(service);
    const failed = await deploy(
      { service, image: helloRef, 'migration-command': 'echo boom >&2; exit 3' },
      { GITHUB_SHA: sha(4) },
    );
    expect(failed.code).toBe(1);
    expect(failed.errors.join('\n')).toMatch(
      new RegExp(`migration job ${service}-migrate failed, so the service was not changed`),
    );
    const after = await getService(service);
    expect(after.etag).toBe(before.etag);
    expect(after.latestCreatedRevision).toBe(before.latestCreatedRevision);
  });

  it('reports a revision that crashes on start with its reason, log lines and a logs link, and moves no traffic', async () => {
    const service = newService('crash');
    const first = await deploy({ service, image: helloRef });
    expect(first.code).toBe(0);
    const before = await traffic(service);
    const run = await deploy({ service, image: crashRef }, { GITHUB_SHA: sha(5) });
    expect(run.code).toBe(1);
    const error = run.errors.join('\n');
    expect(error).toMatch(new RegExp(`Revision ${service}-sha-555555555555-[a-z0-9]{4} failed to become Ready`));
    expect(error).toContain('cannot connect to the database at 127.0.0.1:1');
    expect(error).toMatch(/Logs: https:\/\//);
    expect(error).toContain(`Traffic of ${service} was not moved`);
    expect(run.stdout).toContain(`Restored the traffic of ${service}`);
    expect(await traffic(service)).toEqual(before);
    expect((await hello(first.outputs.url)).revision).toBe(first.outputs.revision);

    // A deploy meant to take all traffic puts the exact previous traffic back when its revision fails.
    const moving = await deploy({ service, image: crashRef, 'no-traffic': 'false' }, { GITHUB_SHA: sha(6) });
    expect(moving.code).toBe(1);
    expect(moving.stdout).toContain(`Restored the traffic of ${service}`);
    expect(await traffic(service)).toEqual(before);
    expect((await hello(first.outputs.url)).revision).toBe(first.outputs.revision);
  });

  it("fails an app that listens on 127.0.0.1 only with Cloud Run's message, and leaves the traffic untouched", async () => {
    const service = newService('loop');
    const first = await deploy({ service, image: helloRef });
    expect(first.code).toBe(0);
    const before = await traffic(service);
    const run = await deploy({ service, image: await ensureTestImage('loopback-only') }, { GITHUB_SHA: sha(7) });
    expect(run.code).toBe(1);
    const error = run.errors.join('\n');
    expect(error).toMatch(/failed to start and listen on the port defined provided by the PORT=\d+ environment variable/);
    expect(error).toContain(`Traffic of ${service} was not moved`);
    expect(await traffic(service)).toEqual(before);
    expect((await hello(first.outputs.url)).revision).toBe(first.outputs.revision);
  });

  it("validates startup-probe settings to the proto's ranges before any call", async () => {
    const service = newService('probe');
    const run = await deploy({ service, image: helloRef, 'startup-probe': '/healthz period=300s timeout=2s' });
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toMatch(
      /Input "startup-probe": .*period must be from 1 to 240 seconds for a startup probe, got 300/,
    );
    await expect(getService(service)).rejects.toThrow(/NOT_FOUND|not found/i);
  });

  it.each(['DEADLINE_EXCEEDED', 'UNAVAILABLE'])(
    'an update and a migration run whose answers are lost (%s after apply) are each made once, never repeated',
    async (code) => {
      const service = newService('lost');
      const first = await deploy({ service, image: helloRef });
      expect(first.code).toBe(0);
      // Both UpdateService calls (validate-only, then the change) and RunJob are applied, then fail.
      await emu.admin('POST', '/faults', { method: 'UpdateService', code, when: 'after', times: 2 });
      await emu.admin('POST', '/faults', { method: 'RunJob', code, when: 'after' });

      const run = await deploy(
        { service, image: helloRef, 'migration-command': 'echo migrated; exit 0' },
        { GITHUB_SHA: sha(8) },
      );

      expect(run.errors).toEqual([]);
      expect(run.code).toBe(0);
      const job = (await emu.clients.jobs.getJob({ name: `${PARENT}/jobs/${service}-migrate` }))[0];
      expect(Number(job.executionCount)).toBe(1);
      const after = await getService(service);
      expect(after.template?.revision).toBe(run.outputs.revision);
      expect((await hello(run.outputs['tag-url'])).revision).toBe(run.outputs.revision);
      expect((await hello(first.outputs.url)).revision).toBe(first.outputs.revision);
    },
  );

  it.each([
    ['DEADLINE_EXCEEDED', 'after', 0],
    ['UNAVAILABLE', 'before', 0],
    ['PERMISSION_DENIED', 'before', 1],
  ] as const)(
    'creating a service under %s %s the change: created once, or a clear failure with nothing created',
    async (code, when, exit) => {
      const service = newService('create');
      // Both CreateService calls: validate-only (which applies nothing), then the change.
      await emu.admin('POST', '/faults', { method: 'CreateService', code, when, times: 2 });
      const run = await deploy({ service, image: helloRef });
      // A fault the refused preflight left armed must not reach the next test.
      await emu.admin('DELETE', '/faults');
      expect(run.code).toBe(exit);
      if (exit === 0) {
        expect((await hello(run.outputs.url)).revision).toBe(run.outputs.revision);
        expect((await getService(service)).template?.revision).toBe(run.outputs.revision);
      } else {
        expect(run.errors.join('\n')).toMatch(/Preflight: the API rejected the change, nothing was changed/);
        await expect(getService(service)).rejects.toThrow(/NOT_FOUND|not found/i);
      }
    },
  );

  it('gives up after wait-timeout with the pending conditions, and restores the traffic', async () => {
    const service = newService('slow');
    const first = await deploy({ service, image: helloRef });
    expect(first.code).toBe(0);
    const before = await traffic(service);
    const slow = await ensureTestImage('slow-start');
    const run = await deploy(
      { service, image: slow, 'env-vars': 'START_DELAY_MS=40000', 'wait-timeout': '10s' },
      { GITHUB_SHA: sha(7) },
    );
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toMatch(
      new RegExp(`Revision ${service}-sha-777777777777-[a-z0-9]{4} was not Ready after 1\\ds \\(wait-timeout\\)`),
    );
    expect(run.stdout).toMatch(/Waiting for revision .* to be Ready \(\d+s of 10s\)/);
    expect(await traffic(service)).toEqual(before);
  });

  it('fails one of two concurrent deploys with a clear message instead of overwriting it', async () => {
    const service = newService('race');
    expect((await deploy({ service, image: helloRef })).code).toBe(0);
    await emu.admin('POST', '/operation-delay', { ms: 4000 });
    try {
      const [a, b] = await Promise.all([
        deploy({ service, image: helloRef }, { GITHUB_SHA: sha(6) }),
        deploy({ service, image: helloRef }, { GITHUB_SHA: sha(7) }),
      ]);
      const codes = [a.code, b.code].sort();
      expect(codes).toEqual([0, 1]);
      const loser = a.code === 1 ? a : b;
      const winner = a.code === 0 ? a : b;
      expect(loser.errors.join('\n')).toMatch(/changed since it was read \(concurrent deploy\?\)/);
      const winnerTag = winner === a ? 'sha-666666666666' : 'sha-777777777777';
      expect((await traffic(service)).map((t) => t.tag)).toContain(winnerTag);
      expect(winner.outputs['tag-url']).not.toBe('');
    } finally {
      await emu.admin('POST', '/operation-delay', { ms: 0 });
    }
  });

  it('retries transient API errors and still deploys', async () => {
    const service = newService('flaky');
    expect((await deploy({ service, image: helloRef })).code).toBe(0);
    for (const method of ['GetService', 'UpdateService', 'GetOperation', 'GetRevision']) {
      const added = await emu.admin('POST', '/faults', {
        method,
        code: method === 'GetRevision' ? 'DEADLINE_EXCEEDED' : 'UNAVAILABLE',
        times: 2,
      });
      expect(added.status).toBe(201);
    }
    try {
      const run = await deploy({ service, image: helloRef }, { GITHUB_SHA: sha(8) });
      expect(run.errors).toEqual([]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/UNAVAILABLE.*retrying/);
      // Every injected fault was hit and retried.
      expect((await emu.admin('GET', '/faults')).json).toMatchObject({ faults: [] });
    } finally {
      await emu.admin('DELETE', '/faults');
    }
  });

  it('warns about a private Redis address when no VPC access is set', async () => {
    const service = newService('redis');
    const run = await deploy({ service, image: helloRef, 'env-vars': 'REDIS_URL=redis://10.0.0.3:6379' });
    expect(run.code).toBe(0);
    expect(run.warnings.join('\n')).toMatch(/REDIS_URL points at the private address 10\.0\.0\.3/);
    const withVpc = await deploy(
      { service, image: helloRef, 'env-vars': 'REDIS_URL=redis://10.0.0.3:6379', 'vpc-connector': 'redis-conn' },
      { GITHUB_SHA: sha(9) },
    );
    expect(withVpc.warnings).toEqual([]);
  });
});

describe('secret-looking env-vars', () => {
  it('warns once per secret-looking plain variable, suggests secrets, and never prints the value', async () => {
    const service = newService('secretish');
    const password = 'hunter2-s3cr3t';
    const token = 'tok-8f1d2c9e7b';
    const run = await deploy({
      service,
      image: helloRef,
      'env-vars': `DATABASE_URL=postgres://app:${password}@db/app,API_TOKEN=${token},LOG_LEVEL=info,NEXT_PUBLIC_KEY=pk`,
    });
    expect(run.code).toBe(0);
    const warned = run.warnings.filter((w) => /looks like a secret/.test(w));
    expect(warned).toHaveLength(2);
    expect(warned[0]).toMatch(/env-vars DATABASE_URL looks like a secret \(a password in a URL\).*secrets: DATABASE_URL=/);
    expect(warned[1]).toMatch(/env-vars API_TOKEN looks like a secret \(a name ending in TOKEN\).*secrets: API_TOKEN=/);
    const printed = [run.stdout, run.stderr, ...run.warnings, ...run.errors].join('\n');
    expect(printed).not.toContain(password);
    expect(printed).not.toContain(token);
  });
});

async function runBundleEnvCheck(run: ActionRun) {
  expect(run.code).toBe(0);
  return hello(run.outputs['tag-url']);
}

describe('deploy-cloudrun refuses bad input and changes nothing', () => {
  let service: string;
  beforeAll(async () => {
    service = newService('guard');
    expect((await deploy({ service, image: helloRef })).code).toBe(0);
  });

  it.each<{ name: string; inputs: Record<string, string>; message: RegExp }>([
    { name: 'a tag that is not a DNS label', inputs: { tag: 'Bad_Tag' }, message: /Input "tag": "Bad_Tag" is not a traffic tag/ },
    {
      name: 'a tag too long for the service',
      inputs: { tag: `t${'x'.repeat(40)}` },
      message: /Input "tag": .* may have at most/,
    },
    { name: 'env-vars without =', inputs: { 'env-vars': 'APP_A=1,APP_B' }, message: /Input "env-vars": .*"APP_B" has no "="/ },
    {
      name: 'a reserved variable',
      inputs: { 'env-vars': 'PORT=9000' },
      message: /Input "env-vars": .*PORT is set by Cloud Run itself/,
    },
    {
      name: 'a secret without version',
      inputs: { secrets: 'APP_TOKEN=app-token' },
      message: /Input "secrets": .*has no version/,
    },
    {
      name: 'min above max instances',
      inputs: { 'min-instances': '5', 'max-instances': '2' },
      message: /Input "min-instances": 5 is more than max-instances/,
    },
    { name: 'a bad memory size', inputs: { memory: '512MB' }, message: /Input "memory": .*512Mi or 2Gi/ },
    { name: 'an image without registry', inputs: { image: 'hello:latest' }, message: /Input "image": .*not an image reference/ },
    {
      name: 'a missing image',
      inputs: { image: `${TEST_REGISTRY}/runway-test/does-not-exist:v1` },
      message: /does not exist in the registry/,
    },
    {
      name: 'a missing Artifact Registry repository',
      inputs: { image: 'us-central1-docker.pkg.dev/runway-test/no-such-repo/web:v1' },
      message: /Artifact Registry repository no-such-repo does not exist.*gcloud artifacts repositories create no-such-repo/,
    },
    {
      name: 'vpc-connector with network',
      inputs: { 'vpc-connector': 'c', network: 'default' },
      message: /Input "vpc-connector": cannot be combined/,
    },
  ])('$name', async ({ inputs, message }) => {
    const before = await emu.state();
    const run = await deploy({ service, image: helloRef, ...inputs }, { GITHUB_SHA: sha(9) });
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toMatch(message);
    expect(await emu.state()).toEqual(before);
  });

  it('names the principal, the service account, the role and the command when actAs is denied', async () => {
    const before = await emu.state();
    await emu.admin('POST', '/faults', {
      method: 'UpdateService',
      code: 'PERMISSION_DENIED',
      message:
        "Permission 'iam.serviceAccounts.actAs' denied on service account app@runway-test.iam.gserviceaccount.com (or it may not exist).",
      times: 1,
    });
    const creds = join(mkdtempSync(join(tmpdir(), 'runway-creds-')), 'creds.json');
    writeFileSync(
      creds,
      JSON.stringify({
        type: 'external_account',
        service_account_impersonation_url:
          'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/gh-deployer@runway-test.iam.gserviceaccount.com:generateAccessToken',
      }),
    );
    try {
      const run = await deploy(
        { service, image: helloRef, 'service-account': 'app@runway-test.iam.gserviceaccount.com' },
        { GITHUB_SHA: sha(9), GOOGLE_APPLICATION_CREDENTIALS: creds },
      );
      expect(run.code).toBe(1);
      const error = run.errors.join('\n');
      expect(error).toContain(
        'gh-deployer@runway-test.iam.gserviceaccount.com may not deploy revisions that run as app@runway-test.iam.gserviceaccount.com',
      );
      expect(error).toContain(
        'gcloud iam service-accounts add-iam-policy-binding app@runway-test.iam.gserviceaccount.com --member=serviceAccount:gh-deployer@runway-test.iam.gserviceaccount.com --role=roles/iam.serviceAccountUser --project=runway-test',
      );
      expect(await emu.state()).toEqual(before);
    } finally {
      await emu.admin('DELETE', '/faults');
    }
  });

  it('names roles/run.admin when allow-unauthenticated lacks run.services.setIamPolicy, refused by the validate-only preflight', async () => {
    const before = await emu.state();
    await emu.admin('POST', '/permissions/deny', { permission: 'run.services.setIamPolicy' });
    try {
      const run = await deploy({ service, image: helloRef }, { GITHUB_SHA: sha(9) });
      expect(run.code).toBe(1);
      const error = run.errors.join('\n');
      expect(error).toContain('missing run.services.setIamPolicy, which allow-unauthenticated needs');
      expect(error).toContain('--role=roles/run.admin');
      expect(await emu.state()).toEqual(before);
    } finally {
      await emu.admin('DELETE', '/faults');
    }
  });
});
