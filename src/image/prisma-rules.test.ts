import { parseDockerfile } from './dockerfile';
import { engineMode, runPrismaRules, type Finding, type PrismaProject } from './prisma-rules';
import { workspaceOf } from './workspace';
import { parseSchema } from './prisma-schema';

const schema = (extra = '', provider = 'prisma-client-js') =>
  `datasource db {\n  provider = "postgresql"\n}\n\ngenerator client {\n  provider = "${provider}"\n${extra}}\n`;
// In that schema the generator starts on line 5 and an extra setting sits on line 7.

function project(
  dockerfile: string,
  options: { schema?: string; version?: string; scripts?: Record<string, string>; target?: string } = {},
): PrismaProject {
  return {
    dockerfile: { file: 'Dockerfile', parsed: parseDockerfile(dockerfile), target: options.target },
    schema: { file: 'prisma/schema.prisma', parsed: parseSchema(options.schema ?? schema()), contextDir: 'prisma', package: '' },
    prisma: { version: options.version ?? '6.19.0', lockfile: 'package-lock.json' },
    workspace: workspaceOf({ manifests: new Map([['', { scripts: options.scripts ?? {} }]]) }),
    context: { dir: '', secrets: [] },
  };
}

const levels = (findings: Finding[]) => Object.fromEntries(findings.map((f) => [f.rule, `${f.level}@${f.file}:${f.line}`]));

const good = `FROM node:24-bookworm-slim AS build
RUN apt-get update && apt-get install -y openssl
WORKDIR /app
COPY . .
RUN npm ci && npx prisma generate
FROM node:24-bookworm-slim
RUN apt-get update && apt-get install -y openssl
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY prisma ./prisma
USER node
CMD ["sh", "-c", "npx prisma migrate deploy && node server.js"]
`;

describe('runPrismaRules', () => {
  it('passes a correct multi-stage Dockerfile on every rule', () => {
    expect(levels(runPrismaRules(project(good)))).toEqual({
      'openssl-at-generate': 'pass@Dockerfile:5',
      'binary-targets': 'pass@prisma/schema.prisma:5',
      'runtime-openssl': 'pass@Dockerfile:6',
      'client-in-runtime': 'pass@Dockerfile:9',
      'migrations-in-runtime': 'pass@Dockerfile:10',
      'non-root': 'pass@Dockerfile:11',
    });
  });

  it.each([
    {
      name: 'generate on Alpine without openssl, runtime Debian',
      dockerfile:
        'FROM node:20-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN npx prisma generate\nFROM node:20-bookworm\nCOPY --from=build /app /app\nUSER node\n',
      expected: {
        'openssl-at-generate': 'error@Dockerfile:4',
        'binary-targets': 'error@prisma/schema.prisma:5',
        'runtime-openssl': 'pass@Dockerfile:5',
      },
    },
    {
      name: 'binaryTargets missing the musl runtime',
      dockerfile:
        'FROM node:20-bookworm AS build\nWORKDIR /app\nCOPY . .\nRUN npx prisma generate\nFROM node:20-alpine3.19\nRUN apk add --no-cache openssl\nCOPY --from=build /app/node_modules /app/node_modules\nUSER node\n',
      schema: schema('  binaryTargets = ["native", "debian-openssl-1.1.x"]\n'),
      expected: {
        'openssl-at-generate': 'pass@Dockerfile:4',
        'binary-targets': 'error@prisma/schema.prisma:7',
        'runtime-openssl': 'pass@Dockerfile:5',
      },
    },
    {
      name: 'explicit binaryTargets make a missing OpenSSL at generate harmless',
      dockerfile:
        'FROM node:20-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN npx prisma generate\nFROM node:20-alpine\nRUN apk add openssl\nCOPY --from=build /app/node_modules /app/node_modules\nUSER node\n',
      schema: schema('  binaryTargets = ["native", "linux-musl-openssl-3.0.x"]\n'),
      expected: {
        'openssl-at-generate': 'warning@Dockerfile:4',
        'binary-targets': 'pass@prisma/schema.prisma:7',
        'runtime-openssl': 'pass@Dockerfile:5',
      },
    },
    {
      name: 'slim runtime without libssl, no USER, client only from @prisma/client',
      dockerfile:
        'FROM node:24-bookworm AS build\nWORKDIR /app\nCOPY . .\nRUN npm run db:generate\nFROM node:24-bookworm-slim\nWORKDIR /app\nCOPY --from=build /app/node_modules/@prisma/client ./node_modules/@prisma/client\nCMD ["node", "server.js"]\n',
      scripts: { 'db:generate': 'prisma generate --schema packages/db/prisma/schema.prisma' },
      expected: {
        'runtime-openssl': 'error@Dockerfile:5',
        // Annotated on the line after which the fix goes: the last COPY of the runtime stage.
        'client-in-runtime': 'error@Dockerfile:7',
        'non-root': 'warning@Dockerfile:5',
      },
    },
    {
      name: 'migrations at start without the migrations folder',
      dockerfile:
        'FROM node:24-bookworm AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM node:24-bookworm\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\nCOPY dist ./dist\nUSER node\nCMD ["npm", "start"]\n',
      scripts: { postinstall: 'prisma generate', start: 'prisma migrate deploy && node dist/server.js' },
      expected: { 'client-in-runtime': 'pass@Dockerfile:7', 'migrations-in-runtime': 'error@Dockerfile:10' },
    },
    {
      name: 'no stage runs prisma generate',
      dockerfile: 'FROM node:24-bookworm\nWORKDIR /app\nCOPY . .\nUSER 0\n',
      expected: { 'client-in-runtime': 'error@Dockerfile:1', 'non-root': 'warning@Dockerfile:4' },
    },
    {
      name: 'Prisma 7: no engine rules, client from a custom output',
      dockerfile:
        'FROM node:24-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN npx prisma generate\nFROM node:24-alpine\nCOPY --from=build /app/packages/db/generated /app/packages/db/generated\nUSER node\n',
      version: '7.0.1',
      schema: schema('  output = "../generated"\n', 'prisma-client'),
      contextDir: 'packages/db/prisma',
      expected: { 'client-in-runtime': 'pass@Dockerfile:6', 'non-root': 'pass@Dockerfile:7' },
    },
  ])('$name', ({ dockerfile, schema: text, version, scripts, expected, contextDir }) => {
    const p = project(dockerfile, { schema: text, version, scripts: scripts as Record<string, string> | undefined });
    const withDir = contextDir ? { ...p, schema: { ...p.schema!, contextDir } } : p;
    expect(levels(runPrismaRules(withDir))).toMatchObject(expected);
  });

  it('says what to write, with the target the runtime needs', () => {
    const findings = runPrismaRules(
      project(
        'FROM node:20-bookworm AS build\nRUN npx prisma generate\nFROM node:20-alpine\nRUN apk add openssl\nCOPY --from=build / /\nUSER node\n',
      ),
    );
    const targets = findings.find((f) => f.rule === 'binary-targets')!;
    expect(targets.message).toContain('[native → debian-openssl-3.0.x] do not include linux-musl-openssl-3.0.x');
    expect(targets.fix).toBe('binaryTargets = ["native", "linux-musl-openssl-3.0.x"]');
  });
});

describe('engineMode', () => {
  it.each([
    ['7.0.0', '', 'none'],
    ['6.19.0', '  engineType = "client"\n', 'none'],
    ['6.19.0', '  engineType = "binary"\n', 'binary'],
    ['5.22.0', '', 'library'],
  ])('Prisma %s %j → %s', (version, extra, mode) => {
    expect(engineMode(project('FROM a', { version, schema: schema(extra) })).mode).toBe(mode);
  });
});
