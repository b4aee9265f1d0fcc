import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInputs } from '../../src/inputs';
import { RecordingReporter } from '../../src/report';
import { localContext } from '../../src/runtime/local';
import { ReadinessError, runBuildImage } from '../../src/image/build';
import { fixExcludes, ignoreLine } from '../../src/image/context-rules';
import { buildImageAction } from '../../src/image/inputs';
import type { PrismaReport } from '../../src/image/readiness-report';
import { isIgnored, parseDockerignore } from '../../src/image/dockerignore';
import type { Finding } from '../../src/image/findings';
import { runContextRules, runPrismaRules } from '../../src/image/prisma-rules';
import { loadProject } from '../../src/image/project';
import { repoRoot } from '../helpers/run-action';

/** A client-in-runtime fix goes on the line after the finding's line, as its message says. */
function applyFix(dockerfile: string, finding: Finding): string {
  const lines = dockerfile.split('\n');
  lines.splice(finding.line!, 0, finding.fix!);
  return lines.join('\n');
}

// The static readiness check on each fixture project: which rule fires, at which file and line.
const fixtures = join(repoRoot, 'test', 'fixtures', 'prisma');

function findings(fixture: string, workspace?: string) {
  const loaded = loadProject({ root: join(fixtures, fixture), context: '.', dockerfile: 'Dockerfile', buildArgs: {}, workspace });
  return {
    loaded,
    byRule: Object.fromEntries(runPrismaRules(loaded.project).map((f) => [f.rule, `${f.level} ${f.file}:${f.line}`])),
  };
}

describe('static Prisma readiness on fixtures', () => {
  it.each([
    {
      fixture: 'good-debian',
      expected: {
        'openssl-at-generate': 'pass Dockerfile:7',
        'binary-targets': 'pass prisma/schema.prisma:5',
        'runtime-openssl': 'pass Dockerfile:10',
        'client-in-runtime': 'pass Dockerfile:12',
        'non-root': 'pass Dockerfile:14',
      },
    },
    {
      fixture: 'alpine-generate',
      expected: {
        'openssl-at-generate': 'error Dockerfile:4',
        'binary-targets': 'error prisma/schema.prisma:5',
        'runtime-openssl': 'pass Dockerfile:5',
        'client-in-runtime': 'pass Dockerfile:7',
        'non-root': 'pass Dockerfile:8',
      },
    },
    {
      fixture: 'musl-runtime-missing-target',
      expected: {
        'binary-targets': 'error prisma/schema.prisma:7',
        'runtime-openssl': 'pass Dockerfile:5',
        'client-in-runtime': 'pass Dockerfile:8',
      },
    },
    {
      fixture: 'client-not-copied',
      expected: {
        'runtime-openssl': 'error Dockerfile:5',
        'client-in-runtime': 'error Dockerfile:8',
        'non-root': 'warning Dockerfile:5',
      },
    },
    {
      fixture: 'migrations-not-copied',
      expected: { 'migrations-in-runtime': 'error Dockerfile:10', 'client-in-runtime': 'pass Dockerfile:7' },
    },
    {
      fixture: 'engine-openssl-1.1',
      expected: { 'binary-targets': 'error prisma/schema.prisma:7', 'runtime-openssl': 'pass Dockerfile:10' },
    },
  ])('$fixture', ({ fixture, expected }) => {
    const { byRule, loaded } = findings(fixture);
    expect(byRule).toEqual(expect.objectContaining(expected));
    expect(loaded.project.prisma?.lockfile).toBe('package-lock.json');
  });

  it('finds the schema of the workspace in a Prisma 7 monorepo and runs no engine rules', () => {
    const { byRule, loaded } = findings('prisma7-monorepo', 'apps/web');
    expect(loaded.project.schema?.file).toBe('packages/db/prisma/schema.prisma');
    expect(loaded.project.prisma?.version).toBe('7.0.1');
    expect(byRule).toEqual({
      'client-in-runtime': 'pass Dockerfile:14',
      'migrations-in-runtime': 'pass Dockerfile:16',
      'non-root': 'pass Dockerfile:17',
    });
  });

  it('warns about NEXT_PUBLIC_* the build never receives, at the line that reads it', () => {
    const loaded = loadProject({
      root: join(fixtures, 'prisma7-monorepo'),
      context: '.',
      dockerfile: 'Dockerfile',
      buildArgs: { NEXT_PUBLIC_API_URL: 'https://api.example.test' },
      workspace: '@p7/web',
    });
    expect(loaded.nextPublic.map((n) => `${n.message.split(' ')[0]} ${n.file}:${n.line}`)).toEqual([
      'NEXT_PUBLIC_SITE_NAME apps/web/server.js:2',
    ]);
  });

  it('refuses an unknown workspace and names the input', () => {
    expect(() => findings('prisma7-monorepo', 'apps/nope')).toThrow(
      'Input "workspace": "apps/nope" is neither a folder nor the name of a package',
    );
  });
});

// Issue 12: monorepos written after real public layouts (each fixture's Dockerfile names its model).
// Every finding of every rule is listed: the right ones at the right lines, and no others.
describe('static readiness on monorepo fixtures (issue 12)', () => {
  const monorepos = join(repoRoot, 'test', 'fixtures', 'monorepos');

  function all(fixture: string, o: { context?: string; dockerfile?: string; workspace?: string; text?: string } = {}) {
    const root = join(monorepos, fixture);
    const dockerfile = o.dockerfile ?? 'Dockerfile';
    let dir = root;
    if (o.text !== undefined) {
      dir = mkdtempSync(join(tmpdir(), `runway-test-${fixture}-`));
      cpSync(root, dir, { recursive: true });
      writeFileSync(join(dir, dockerfile), o.text);
    }
    const loaded = loadProject({ root: dir, context: o.context ?? '.', dockerfile, buildArgs: {}, workspace: o.workspace });
    const findings = [
      ...(loaded.project.schema ? runPrismaRules(loaded.project) : []),
      ...runContextRules(loaded.project),
      ...loaded.nextPublic,
    ];
    if (dir !== root) rmSync(dir, { recursive: true, force: true });
    return { loaded, findings, list: findings.map((f) => `${f.rule} ${f.level} ${f.file}${f.line ? `:${f.line}` : ''}`).sort() };
  }

  const passes = (
    schema: string,
    lines: { generate: number; runtime: number; client: number; user: number },
    file = 'Dockerfile',
  ) =>
    [
      `openssl-at-generate pass ${file}:${lines.generate}`,
      `binary-targets pass ${schema}:6`,
      `runtime-openssl pass ${file}:${lines.runtime}`,
      `client-in-runtime pass ${file}:${lines.client}`,
      `non-root pass ${file}:${lines.user}`,
    ].sort();

  it('npm workspace: the client hoisted to the root node_modules is found, apps/web`s build is not a generate step', () => {
    const { list, loaded } = all('npm-hoisted', { workspace: 'apps/web' });
    expect(list).toEqual(passes('packages/database/prisma/schema.prisma', { generate: 13, runtime: 16, client: 21, user: 23 }));
    expect(loaded.project.workspace.clientDir).toBe('node_modules/.prisma/client');
    expect(loaded.schemaNote).toBe('the schema of a package the workspace depends on');
  });

  it('pnpm workspace: only the root node_modules carries the client', () => {
    const { list } = all('pnpm-workspace', { workspace: 'apps/web' });
    expect(list).toEqual(passes('packages/database/prisma/schema.prisma', { generate: 11, runtime: 14, client: 15, user: 18 }));
    const wrong = readFileSync(join(monorepos, 'pnpm-workspace', 'Dockerfile'), 'utf8').replace(
      'COPY --from=build /app/node_modules ./node_modules',
      'COPY --from=build /app/packages/database/node_modules ./packages/database/node_modules',
    );
    const broken = all('pnpm-workspace', { workspace: 'apps/web', text: wrong }).findings.find(
      (f) => f.rule === 'client-in-runtime',
    );
    expect(broken).toMatchObject({ level: 'error', line: 15, fix: 'COPY --from=build /app/node_modules /app/node_modules' });
  });

  it('npm with a stray pnpm-workspace.yaml (issue 19): packageManager and `npm ci` say npm, so the client is the hoisted one', () => {
    const { list, loaded } = all('npm-stray-pnpm', { workspace: 'apps/user-app' });
    expect(loaded.project.workspace.manager).toBe('npm');
    expect(loaded.project.workspace.clientDir).toBe('node_modules/.prisma/client');
    // The members come from package.json's workspaces, not the stray file's `apps/*` only.
    expect(loaded.project.workspace.packages.map((p) => p.dir)).toEqual(['', 'apps/user-app', 'packages/db']);
    expect(loaded.project.prisma).toEqual({ version: '6.3.1', lockfile: 'package-lock.json' });
    const schema = 'packages/db/prisma/schema.prisma';
    // Its binaryTargets line is line 3 (the other fixtures' generator sits at line 6).
    expect(list).toEqual(
      passes(schema, { generate: 12, runtime: 15, client: 23, user: 26 }).map((l) =>
        l.startsWith('binary-targets') ? `binary-targets pass ${schema}:3` : l,
      ),
    );
  });

  it('heredocs: their bodies are no instructions', () => {
    const { list } = all('heredoc');
    expect(list).toEqual(passes('prisma/schema.prisma', { generate: 12, runtime: 22, client: 24, user: 26 }));
  });

  it('COPY --from lines in every order give the same findings', () => {
    const text = readFileSync(join(monorepos, 'copy-order', 'Dockerfile'), 'utf8').split('\n');
    const copies = [9, 10, 11].map((n) => text[n - 1]);
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const order of orders) {
      const lines = [...text];
      order.forEach((c, i) => (lines[8 + i] = copies[c]));
      const client = 9 + order.indexOf(2);
      expect(all('copy-order', { text: lines.join('\n') }).list).toEqual(
        passes('prisma/schema.prisma', { generate: 5, runtime: 7, client, user: 12 }),
      );
    }
  });

  it('secret files: each one the context sends, at its path, with the .dockerignore line; copies into the runtime; swallowed failures', () => {
    const { list, findings } = all('context-secrets');
    expect(list).toEqual(
      [
        'context-secret error .npmrc',
        'context-secret error apps/web/.env.local',
        'context-secret error certs/server.pem',
        'context-secret error config/service-account.json',
        'context-secret error deploy/id_rsa',
        // google-github-actions/auth's credentials file in the workspace root (issue 19).
        'context-secret error gha-creds-5c1f0e2a9b7d3e64.json',
        'secret-in-runtime error Dockerfile:9',
        'secret-in-runtime error Dockerfile:10',
        'swallowed-failure warning Dockerfile:4',
      ].sort(),
    );
    // Each fix line, added to the fixture's .dockerignore, really excludes its file (Docker's matcher).
    const ignore = readFileSync(join(monorepos, 'context-secrets', '.dockerignore'), 'utf8');
    for (const f of findings.filter((x) => x.rule === 'context-secret')) {
      const line = /`([^`]+)`/.exec(f.fix!)![1];
      expect(line).toBe(ignoreLine(f.file!));
      expect(fixExcludes(ignore, f.file!)).toBe(true);
      expect(isIgnored(parseDockerignore(ignore), f.file!)).toBe(false);
    }
    expect(findings.find((f) => f.file === 'gha-creds-5c1f0e2a9b7d3e64.json')?.fix).toBe(
      'add the line `gha-creds-*.json` to .dockerignore',
    );
  });

  it('a nested app as its own context: its schema from package.json, and the repository`s .dockerignore does not apply', () => {
    const { list, loaded } = all('nested-context', {
      context: 'apps/api',
      dockerfile: 'apps/api/Dockerfile',
      workspace: 'apps/api',
    });
    expect(list).toEqual(
      [
        ...passes('apps/api/db/schema.prisma', { generate: 7, runtime: 9, client: 11, user: 13 }, 'apps/api/Dockerfile'),
        'context-secret error apps/api/.env',
      ].sort(),
    );
    expect(loaded.schemaNote).toBe('the schema of the workspace');
    // Without workspace two apps have a schema: only then is the workspace asked for.
    expect(() => all('nested-context', { context: 'apps/api', dockerfile: 'apps/api/Dockerfile' })).toThrow('Input "workspace"');
  });

  it('a hoisted client the runtime never copies: that finding only, and its fix makes the check pass', () => {
    const { list, findings } = all('npm-hoisted-client-missing', { workspace: 'apps/web' });
    const expected = passes('packages/db/prisma/schema.prisma', { generate: 16, runtime: 18, client: 20, user: 23 }).map((l) =>
      l.startsWith('client-in-runtime') ? 'client-in-runtime error Dockerfile:20' : l,
    );
    expect(list).toEqual(expected);
    const finding = findings.find((f) => f.rule === 'client-in-runtime')!;
    expect(finding.fix).toBe('COPY --from=builder /app/node_modules/.prisma /app/node_modules/.prisma');
    expect(finding.message).toContain('line 20 copies node_modules from a stage that never ran `prisma generate`');
    const fixed = applyFix(readFileSync(join(monorepos, 'npm-hoisted-client-missing', 'Dockerfile'), 'utf8'), finding);
    const after = all('npm-hoisted-client-missing', { workspace: 'apps/web', text: fixed });
    expect(after.findings.filter((f) => f.level !== 'pass')).toEqual([]);
    expect(after.list).toContain('client-in-runtime pass Dockerfile:21');
  });
});

// The same fixtures through the step in strict mode with check-only (no image input needed, nothing built).
describe('check-only in strict mode on the monorepo fixtures', () => {
  const monorepos = join(repoRoot, 'test', 'fixtures', 'monorepos');
  const step = (fixture: string, raw: Record<string, string>) => {
    const env = { GITHUB_WORKSPACE: join(monorepos, fixture), RUNNER_TEMP: tmpdir() };
    const reporter = new RecordingReporter();
    const inputs = readInputs(buildImageAction, (n) => ({ 'check-only': 'true', ...raw })[n], env);
    return { reporter, run: runBuildImage(inputs, localContext({ reporter, env })) };
  };

  it.each([
    ['npm-hoisted', { workspace: 'apps/web' }],
    ['pnpm-workspace', { workspace: 'apps/web' }],
    ['npm-stray-pnpm', { workspace: 'apps/user-app' }],
    ['heredoc', {}],
    ['copy-order', {}],
  ])('%s passes', async (fixture, raw) => {
    const { run, reporter } = step(fixture, raw);
    const report = JSON.parse((await run)['prisma-report']!) as PrismaReport;
    expect(report.verdict).toBe('pass');
    expect(reporter.lines.filter((l) => l.level === 'error' || l.level === 'warning')).toEqual([]);
  });

  it('a failed check names each rule ID and still gives its report; `ignore` turns that rule into a note', async () => {
    const { run, reporter } = step('npm-hoisted-client-missing', { workspace: 'apps/web' });
    const failure = await run.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ReadinessError);
    const report = JSON.parse((failure as ReadinessError).outputs['prisma-report']) as PrismaReport;
    expect(report.verdict).toBe('fail');
    expect(reporter.markdown).toContain('❌ not ready');
    expect(reporter.lines.find((l) => l.level === 'error')).toMatchObject({
      message: expect.stringMatching(/^\[client-in-runtime\] /),
      at: { file: 'Dockerfile', line: 20, title: 'Generated client in the runtime stage (client-in-runtime)' },
    });
    const ignored = step('npm-hoisted-client-missing', { workspace: 'apps/web', ignore: 'client-in-runtime' });
    expect((JSON.parse((await ignored.run)['prisma-report']!) as PrismaReport).verdict).toBe('pass');
    expect(ignored.reporter.messages('notice')).toEqual([expect.stringContaining('(ignored: was error)')]);
  });

  it('refuses an unknown rule ID in ignore, naming the input', () => {
    expect(() => step('heredoc', { ignore: 'no-such-rule' })).toThrow('Input "ignore"');
  });
});
