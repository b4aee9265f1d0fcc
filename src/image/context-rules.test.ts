import {
  contextSecretFindings,
  fixExcludes,
  ignoreLine,
  secretInRuntimeFindings,
  secretReason,
  swallowedSteps,
  type BuildContext,
} from './context-rules';
import { parseDockerfile } from './dockerfile';
import { isIgnored, parseDockerignore } from './dockerignore';

const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('secretReason', () => {
  it.each<[string, string, string | undefined]>([
    ['.env', 'DATABASE_URL=postgres://app:pw@db/app\n', 'a dotenv file with secret values (DATABASE_URL: a password in a URL)'],
    ['.env.production', 'NEXT_PUBLIC_SITE_NAME=Acme\nLOG_LEVEL=info\n', undefined],
    ['.env', 'SESSION_SECRET="abc"\n', 'a dotenv file with secret values (SESSION_SECRET: a name ending in SECRET)'],
    ['apps/web/.env.production.local', '', 'a local dotenv file'],
    ['.env.example', 'A=1', undefined],
    ['certs/server.pem', KEY, 'a PEM private key'],
    ['build-ca.pem', CERT, undefined],
    ['deploy/id_rsa', '', 'an SSH private key'],
    ['deploy/id_rsa.pub', 'ssh-rsa AAAA', undefined],
    ['tls/server.key', '', 'a private key file'],
    ['sa.json', '{"type":"service_account","private_key":"-----BEGIN"}', 'a service-account key (its "private_key" field)'],
    ['package.json', '{"name":"x"}', undefined],
    // A Workload Identity credential configuration holds no private key, but it is a credential all the same.
    [
      'gha-creds-7f3a9c0e5b1d2a4f.json',
      '{"type":"external_account","audience":"//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/gh"}',
      'the credentials file google-github-actions/auth writes into the workspace',
    ],
    ['docs/gha-creds.md', '', undefined],
    ['.npmrc', '//registry.npmjs.org/:_authToken=npm_abc123\n', 'an .npmrc with a registry token'],
    ['.npmrc', '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n', undefined],
    ['.npmrc', 'fund=false\n', undefined],
  ])('%s', (name, content, reason) => {
    expect(secretReason(name, () => content)).toBe(reason);
  });
});

describe('context secrets', () => {
  const context: BuildContext = {
    dir: 'apps/api',
    ignoreFile: 'apps/api/.dockerignore',
    secrets: [
      { path: '.env', reason: 'a dotenv file', sent: true },
      { path: 'keys/id_rsa', reason: 'an SSH private key', sent: false },
    ],
  };

  it('names each file sent and the exact line that keeps it out', () => {
    expect(contextSecretFindings(context)).toEqual([
      expect.objectContaining({
        rule: 'context-secret',
        level: 'error',
        file: 'apps/api/.env',
        fix: 'add the line `.env` to apps/api/.dockerignore',
      }),
    ]);
    expect(fixExcludes('node_modules\n', '.env')).toBe(true);
    expect(fixExcludes('*\n!apps\n', 'apps/api/.env')).toBe(true);
  });

  it("names google-github-actions/auth's credentials file with a line that keeps out every run's file", () => {
    const found = contextSecretFindings({
      dir: '',
      secrets: [
        { path: 'gha-creds-7f3a9c0e5b1d2a4f.json', reason: 'r', sent: true },
        { path: 'apps/web/gha-creds-1.json', reason: 'r', sent: true },
      ],
    });
    expect(found.map((f) => f.fix)).toEqual([
      'add the line `gha-creds-*.json` to .dockerignore',
      'add the line `apps/web/gha-creds-*.json` to .dockerignore',
    ]);
    expect(ignoreLine('.env')).toBe('.env');
    // The fix line, added to a .dockerignore that lacked it, excludes this run's file and the next run's.
    for (const [thisRun, nextRun] of [
      ['gha-creds-7f3a9c0e5b1d2a4f.json', 'gha-creds-0000.json'],
      ['apps/web/gha-creds-1.json', 'apps/web/gha-creds-2.json'],
    ]) {
      expect(isIgnored(parseDockerignore('node_modules\n'), thisRun)).toBe(false);
      expect(fixExcludes('node_modules\n', thisRun)).toBe(true);
      expect(isIgnored(parseDockerignore(`node_modules\n${ignoreLine(thisRun)}\n`), nextRun)).toBe(true);
    }
  });

  it('refuses a secret copied into the runtime stage, named or carried by its folder, even when excluded', () => {
    const file = parseDockerfile(
      [
        'FROM node:24-bookworm AS build', // 1
        'COPY . .', // 2
        'FROM node:24-bookworm', // 3
        'COPY package.json ./', // 4
        'COPY --from=build /app/.env.production ./', // 5
        'COPY keys/id_rsa /root/.ssh/id_rsa', // 6
        'COPY . .', // 7
      ].join('\n'),
    );
    const found = secretInRuntimeFindings({ name: 'apps/api/Dockerfile', parsed: file }, file.stages[1], context);
    expect(found.map((f) => [f.rule, f.line])).toEqual([
      ['secret-in-runtime', 5],
      ['secret-in-runtime', 6],
      ['secret-in-runtime', 7],
    ]);
    expect(found[2].message).toContain('apps/api/.env (a dotenv file)');
  });
});

describe('swallowedSteps', () => {
  it.each<[string, string[]]>([
    ['npm ci || true', ['npm ci']],
    ['npm run build || echo "build failed"', ['npm run build']],
    ['npx prisma generate || :', ['npx prisma generate']],
    ['apt-get update && npm test || exit 0', ['npm test']],
    ['command -v openssl || { apt-get install -y openssl; }', []],
    ['rm -rf /tmp/x || true', []],
    ['npm ci && npm run build', []],
    ['npm run lint || npm run lint:fix', []],
  ])('%s', (command, steps) => {
    expect(swallowedSteps(command)).toEqual(steps);
  });
});
