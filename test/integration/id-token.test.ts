/**
 * The actions' own ID tokens. mintIdToken against local stand-ins: a Workload Identity Federation file as google-github-actions/auth
 * writes it (token endpoint stand-in: GitHub OIDC, STS, IAM Credentials generateIdToken), and the
 * emulator's admin endpoint, whose token its private services accept; and health-gate on a private
 * service with no id-token input.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mintIdToken } from '../../src/identity/id-token';
import { emulatorForFile, type IService } from '../helpers/emulator-fixture';
import { node24, repoRoot, runBundle } from '../helpers/run-action';
import { startTokenEndpoint, type TokenEndpoint } from '../helpers/token-endpoint';

jest.setTimeout(60_000);

const DEPLOYER = 'gh-deployer@runway-test.iam.gserviceaccount.com';
const TSX = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** mintIdToken in a Node 24 process of its own (see test/helpers/mint-id-token.ts). */
async function mintElsewhere(audience: string, env: NodeJS.ProcessEnv): Promise<{ token?: string; error?: string }> {
  const { stdout } = await promisify(execFile)(node24, [TSX, join(repoRoot, 'test', 'helpers', 'mint-id-token.ts'), audience], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { token?: string; error?: string };
}
const t = emulatorForFile();
let tokens: TokenEndpoint;
beforeAll(async () => {
  tokens = await startTokenEndpoint();
});
afterAll(() => tokens?.close());

it('Workload Identity Federation: exchanges the GitHub token at STS, then calls generateIdToken with the federated token', async () => {
  const before = tokens.requests.length;
  const { token } = await mintElsewhere('https://web-abc-uc.a.run.app', {
    GOOGLE_APPLICATION_CREDENTIALS: tokens.externalAccountFile(DEPLOYER),
  });
  expect(token).toBe(`id-token-of-${DEPLOYER}-for-https://web-abc-uc.a.run.app`);
  const asked = tokens.requests.slice(before).map((r) => r.path);
  // The impersonated access token is never asked for: the federated one calls generateIdToken.
  expect(asked).toEqual(['/oidc', '/v1/token', `/v1/projects/-/serviceAccounts/${DEPLOYER}:generateIdToken`]);
  expect(JSON.parse(tokens.requests.at(-1)!.body)).toEqual({ audience: 'https://web-abc-uc.a.run.app', includeEmail: true });
});

it('user credentials: a clear reason, no request', async () => {
  const before = tokens.requests.length;
  await expect(
    mintIdToken('https://web-abc-uc.a.run.app', { GOOGLE_APPLICATION_CREDENTIALS: tokens.authorizedUserFile() }),
  ).rejects.toThrow(/cannot mint an ID token for an audience: pass id-token/);
  expect(tokens.requests.length).toBe(before);
});

it('emulator mode: a token from the admin endpoint that the private service accepts', async () => {
  const svc: IService = await t.emu.deploy('minted', { image: t.image }, { invokerIamDisabled: false });
  expect((await fetch(svc.uri!)).status).toBe(403);
  const token = await mintIdToken(svc.uri!, t.emu.emulator.env);
  expect((await fetch(svc.uri!, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  await expect(mintIdToken(svc.uri!, { CLOUD_RUN_EMULATOR_HOST: t.emu.emulator.endpoint })).rejects.toThrow(
    /CLOUD_RUN_EMULATOR_ADMIN is not/,
  );
});

describe('health-gate against a private service, with no id-token input', () => {
  let svc: IService;
  beforeAll(async () => {
    svc = await t.emu.deploy('gated', { image: t.image }, { invokerIamDisabled: false });
  });
  const gate = (env: Record<string, string>) =>
    runBundle('dist/health-gate/index.js', { inputs: { url: svc.uri!, samples: '10', interval: '0' }, env, timeoutMs: 60_000 });

  it('passes with a token it minted itself, masked', async () => {
    const run = await gate(t.emu.emulator.env);
    expect(run.code).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(run.stdout).toContain(`Probing with an ID token for ${svc.uri} from the runner's credentials.`);
    expect(run.stdout).toMatch(/::add-mask::ey/);
  });

  it('fails on 403 with a warning that says why when it cannot mint one', async () => {
    const run = await gate({ CLOUD_RUN_EMULATOR_HOST: t.emu.emulator.endpoint });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.stdout).toContain('CLOUD_RUN_EMULATOR_ADMIN is not');
    expect(run.stdout).toContain('a private service answers 403');
    expect(run.outputs.report).toContain('"403"');
  });
});
