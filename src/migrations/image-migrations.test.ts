import { imageMigrations, migrationFileWanted, newMigrations } from './image-migrations';

const image = (workdir: string, paths: string[]) => ({ workdir, files: new Map(paths.map((p) => [p, `-- ${p}`])) });

describe('imageMigrations', () => {
  it.each<[string, string, string[], string[]]>([
    [
      'prisma/migrations under WORKDIR',
      '/app',
      ['/app/prisma/migrations/2_b/migration.sql', '/app/prisma/migrations/1_a/migration.sql'],
      ['prisma/migrations/1_a', 'prisma/migrations/2_b'],
    ],
    [
      'a folder with migration_lock.toml elsewhere (prisma.config.ts, a workspace package)',
      '/app',
      ['/app/packages/db/prisma/migrations/migration_lock.toml', '/app/packages/db/prisma/migrations/1_a/migration.sql'],
      ['packages/db/prisma/migrations/1_a'],
    ],
    [
      'other SQL files named migration.sql are not migrations',
      '/app',
      ['/app/docs/x/migration.sql', '/app/prisma/migrations/1_a/nested/migration.sql'],
      [],
    ],
    ['WORKDIR / ', '/', ['/prisma/migrations/1_a/migration.sql'], ['prisma/migrations/1_a']],
  ])('%s', (_, workdir, paths, keys) => expect(imageMigrations(image(workdir, paths)).map((m) => m.key)).toEqual(keys));

  it('names each migration by its folder and its file relative to WORKDIR', () => {
    expect(imageMigrations(image('/app', ['/app/prisma/migrations/1_a/migration.sql']))).toEqual([
      {
        name: '1_a',
        file: 'prisma/migrations/1_a/migration.sql',
        key: 'prisma/migrations/1_a',
        sql: '-- /app/prisma/migrations/1_a/migration.sql',
      },
    ]);
  });
});

describe('newMigrations', () => {
  const candidate = imageMigrations(
    image('/app', ['/app/prisma/migrations/1_a/migration.sql', '/app/prisma/migrations/2_b/migration.sql']),
  );
  it.each<[string, string[] | undefined, string[]]>([
    ['first release: all are new', undefined, ['1_a', '2_b']],
    ['the serving image has the first', ['/srv/prisma/migrations/1_a/migration.sql'], ['2_b']],
    ['nothing new', ['/srv/prisma/migrations/1_a/migration.sql', '/srv/prisma/migrations/2_b/migration.sql'], []],
  ])('%s', (_, serving, names) =>
    expect(newMigrations(candidate, serving && imageMigrations(image('/srv', serving))).map((m) => m.name)).toEqual(names),
  );
});

describe('migrationFileWanted', () => {
  it.each([
    ['/app/prisma/migrations/1_a/migration.sql', true],
    ['/app/prisma/migrations/migration_lock.toml', true],
    ['/app/node_modules/x/prisma/migrations/1_a/migration.sql', false],
    ['/app/prisma/schema.prisma', true],
    ['/app/prisma/seed.sql', false],
  ])('%s → %s', (path, wanted) => expect(migrationFileWanted(path)).toBe(wanted));
});
