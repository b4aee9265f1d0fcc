import { join } from 'node:path';
import { runPrismaRules } from '../../src/image/prisma-rules';
import { loadProject } from '../../src/image/project';
import { repoRoot } from '../helpers/run-action';

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
