/**
 * Registry login with Application Default Credentials: tokens come from a local token endpoint
 * through google-auth-library (an external_account file as google-github-actions/auth writes it, and
 * an authorized_user file); the Docker login is written to a temporary DOCKER_CONFIG without any
 * network call, and a push with it is proved against a local registry that requires a login
 * (a second Debian docker-registry with htpasswd). The repository check uses the real Artifact
 * Registry client against the emulator.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingReporter } from '../../src/report';
import { adcTokens, loginWithToken, openRegistry } from '../../src/registry/login';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator-fixture';
import { node24, repoRoot } from '../helpers/run-action';
import { startTokenEndpoint, type TokenEndpoint } from '../helpers/token-endpoint';

jest.setTimeout(120_000);

const TSX = join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
const DEPLOYER = 'deployer@acme-prod.iam.gserviceaccount.com';
const PROJECT = `runway-login-${randomBytes(3).toString('hex')}`;
const IMAGE = `us-central1-docker.pkg.dev/${PROJECT}/apps/web`;

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** A Debian docker-registry on its own port that accepts only oauth2accesstoken:<password> (bcrypt htpasswd). */
async function startAuthRegistry(dir: string, password: string): Promise<{ host: string; process: ChildProcess }> {
  const port = await freePort();
  // htpasswd (apache2-utils) is not installed here; glibc's crypt makes the same bcrypt line.
  const hash = execFileSync(
    'python3',
    ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', password],
    {
      encoding: 'utf8',
    },
  ).trim();
  writeFileSync(join(dir, 'htpasswd'), `oauth2accesstoken:${hash}\n`);
  mkdirSync(join(dir, 'data'));
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} } }`,
      `http: { addr: 127.0.0.1:${port} }`,
      `auth: { htpasswd: { realm: runway-test, path: ${join(dir, 'htpasswd')} } }`,
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => undefined);
    if (r?.status === 401) return { host: `127.0.0.1:${port}`, process: child };
    await new Promise((res) => setTimeout(res, 100));
  }
  child.kill();
  throw new Error('the htpasswd registry did not start');
}

let tokens: TokenEndpoint;
let emu: TestEmulator;
let work: string;
let registry: { host: string; process: ChildProcess };
const savedEnv = { ...process.env };

beforeAll(async () => {
  tokens = await startTokenEndpoint();
  emu = await startTestEmulator();
  work = mkdtempSync(join(tmpdir(), 'runway-login-'));
  registry = await startAuthRegistry(work, tokens.deployerToken);
  // The repository exists in the emulator once it holds an image (CreateRepository is not emulated).
  execFileSync('docker', ['tag', 'node:24-bookworm-slim', `127.0.0.1:5000/${IMAGE}-seed:v1`]);
  execFileSync('docker', ['push', '-q', `127.0.0.1:5000/${IMAGE}-seed:v1`]);
});

afterAll(async () => {
  registry?.process.kill('SIGTERM');
  await emu?.close();
  await tokens?.close();
  rmSync(work, { recursive: true, force: true });
});

afterEach(() => {
  process.env = { ...savedEnv };
});

/** A runner-like environment: an existing Docker login for another registry, the ADC file, RUNNER_TEMP. */
function runnerEnv(credentials: string): NodeJS.ProcessEnv {
  const dockerDir = mkdtempSync(join(work, 'docker-'));
  writeFileSync(join(dockerDir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: 'b2xkOmxvZ2lu' } } }));
  const env: NodeJS.ProcessEnv = {
    ...savedEnv,
    GOOGLE_APPLICATION_CREDENTIALS: credentials,
    DOCKER_CONFIG: dockerDir,
    RUNNER_TEMP: work,
  };
  delete env.CLOUD_RUN_EMULATOR_HOST;
  process.env = env;
  return env;
}

const decode = (auth: string) => Buffer.from(auth, 'base64').toString();

/** Runs the login in a real Node 24 process (see test/helpers/registry-session.ts). */
interface SessionResult {
  error?: string;
  configDir: string;
  config: { auths: Record<string, { auth: string }> };
  push?: string;
  removed: boolean;
  restored: boolean;
  masked: string[];
  notices: string[];
}

// Asynchronously: the token endpoint and the emulator answer from this process.
async function session(env: NodeJS.ProcessEnv, ...args: string[]): Promise<SessionResult> {
  const { stdout } = await promisify(execFile)(node24, [TSX, join(repoRoot, 'test', 'helpers', 'registry-session.ts'), ...args], {
    env: { ...env, RUNWAY_TEST_AR_ENDPOINT: emu.emulator.env.CLOUD_RUN_EMULATOR_HOST },
    encoding: 'utf8',
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as SessionResult;
}

describe('openRegistry with an external_account file (google-github-actions/auth)', () => {
  it('checks the repository, then writes a login for the image host only, masked, removed afterwards', async () => {
    const env = runnerEnv(tokens.externalAccountFile(DEPLOYER));
    const runnerConfig = readFileSync(join(env.DOCKER_CONFIG!, 'config.json'), 'utf8');
    const before = tokens.requests.length;
    const r = await session(env, 'open', IMAGE);
    expect(r.error).toBeUndefined();
    expect(r.configDir).not.toBe(env.DOCKER_CONFIG);
    expect(Object.keys(r.config.auths).sort()).toEqual(['ghcr.io', 'us-central1-docker.pkg.dev']);
    expect(decode(r.config.auths['us-central1-docker.pkg.dev'].auth)).toBe(`oauth2accesstoken:${tokens.deployerToken}`);
    expect(r.config.auths['ghcr.io'].auth).toBe('b2xkOmxvZ2lu');
    expect(r.masked).toEqual([tokens.deployerToken]);
    // Upload permission was checked (the emulator answers TestIamPermissions), so nothing to note.
    expect(r.notices.join('\n')).not.toMatch(/not checked/);
    // The token came through the auth action's chain only: OIDC → STS → generateAccessToken.
    const paths = tokens.requests.slice(before).map((q) => q.path);
    expect(paths).toEqual(['/oidc', '/v1/token', `/v1/projects/-/serviceAccounts/${DEPLOYER}:generateAccessToken`]);
    expect(JSON.parse(tokens.requests.at(-1)!.body)).toMatchObject({ scope: ['https://www.googleapis.com/auth/cloud-platform'] });
    expect(r.removed).toBe(true);
    expect(r.restored).toBe(true);
    expect(readFileSync(join(env.DOCKER_CONFIG!, 'config.json'), 'utf8')).toBe(runnerConfig);
  });

  it('fails before any token is fetched when the repository does not exist, with the command that creates it', async () => {
    const env = runnerEnv(tokens.externalAccountFile(DEPLOYER));
    const before = tokens.requests.length;
    const r = await session(env, 'open', `us-central1-docker.pkg.dev/${PROJECT}/nope/web`);
    expect(r.error).toContain(`does not exist. Create it once:`);
    expect(r.error).toContain(
      `gcloud artifacts repositories create nope --repository-format=docker --location=us-central1 --project=${PROJECT}`,
    );
    expect(tokens.requests.length).toBe(before);
  });

  it('fails when the caller may not upload, with the grant command, leaving the runner config as it was', async () => {
    const env = runnerEnv(tokens.externalAccountFile(DEPLOYER));
    const runnerConfig = readFileSync(join(env.DOCKER_CONFIG!, 'config.json'), 'utf8');
    await emu.admin('POST', '/permissions/deny', { permission: 'artifactregistry.repositories.uploadArtifacts' });
    try {
      const r = await session(env, 'open', IMAGE);
      expect(r.error).toContain('may not push to');
      expect(r.error).toContain('(missing artifactregistry.repositories.uploadArtifacts)');
      expect(r.error).toContain(
        `gcloud artifacts repositories add-iam-policy-binding apps --location=us-central1 --project=${PROJECT} --member=serviceAccount:${DEPLOYER} --role=roles/artifactregistry.writer`,
      );
      expect(readFileSync(join(env.DOCKER_CONFIG!, 'config.json'), 'utf8')).toBe(runnerConfig);
    } finally {
      await emu.admin('DELETE', '/faults');
    }
  });

  it('leaves other registries to the runner: no token, no temporary config', async () => {
    const env = runnerEnv(tokens.externalAccountFile(DEPLOYER));
    const before = tokens.requests.length;
    const s = await openRegistry('ghcr.io/acme/web', env, new RecordingReporter());
    expect(s.pushRepository).toBe('ghcr.io/acme/web');
    expect(process.env.DOCKER_CONFIG).toBe(env.DOCKER_CONFIG);
    expect(tokens.requests.length).toBe(before);
  });
});

describe('a push with the written login', () => {
  it('is refused without it and accepted with it (external_account token)', async () => {
    const env = runnerEnv(tokens.externalAccountFile(DEPLOYER));
    const ref = `${registry.host}/acme/web:${randomBytes(4).toString('hex')}`;
    const dir = mkdtempSync(join(work, 'img-'));
    writeFileSync(join(dir, 'hello.txt'), randomBytes(8).toString('hex'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /\n');
    execFileSync('docker', ['build', '--network', 'host', '-q', '-t', ref, dir], { env: { ...env, DOCKER_BUILDKIT: '0' } });
    try {
      let refused = '';
      try {
        execFileSync('docker', ['push', ref], { stdio: 'pipe', env });
      } catch (e) {
        refused = String((e as { stderr?: Buffer }).stderr);
      }
      expect(refused).toMatch(/no basic auth credentials|unauthorized/);
      const r = await session(env, 'push', registry.host, ref);
      expect(r.push).toBe('pushed');
      expect(r.removed).toBe(true);
    } finally {
      execFileSync('docker', ['rmi', ref], { stdio: 'ignore' });
    }
  });

  it('works with an authorized_user file too (refresh grant at a local token URL)', async () => {
    const env = runnerEnv(tokens.authorizedUserFile());
    // The refresh grant needs no dynamic import, so it runs in-process with the token URL moved here.
    const auth = adcTokens('acme-prod', { oauth2TokenUrl: `${tokens.url}/oauth2/token` });
    const reporter = new RecordingReporter();
    const close = await loginWithToken('europe-west1-docker.pkg.dev', auth, env, reporter);
    try {
      const config = JSON.parse(readFileSync(join(process.env.DOCKER_CONFIG!, 'config.json'), 'utf8')) as {
        auths: Record<string, { auth: string }>;
      };
      expect(Object.keys(config.auths).sort()).toEqual(['europe-west1-docker.pkg.dev', 'ghcr.io']);
      expect(decode(config.auths['europe-west1-docker.pkg.dev'].auth)).toBe(`oauth2accesstoken:${tokens.userToken}`);
      expect(reporter.masked).toEqual([tokens.userToken]);
      expect(tokens.requests.at(-1)).toMatchObject({ path: '/oauth2/token' });
    } finally {
      close();
    }
  });
});
