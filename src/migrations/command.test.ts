import { commandArgv, dataLosingCommand, parseMigrationCommand, runsPrismaCli } from './command';

describe('parseMigrationCommand', () => {
  it.each([
    ['npx prisma migrate deploy', ['/bin/sh', '-c', 'npx prisma migrate deploy']],
    [
      '["node","node_modules/prisma/build/index.js","migrate","deploy"]',
      ['node', 'node_modules/prisma/build/index.js', 'migrate', 'deploy'],
    ],
    [' ["./migrate"] ', ['./migrate']],
  ])('%s', (raw, argv) => expect(commandArgv(parseMigrationCommand(raw))).toEqual(argv));

  it.each([
    ['[npx prisma', /not a JSON array/],
    ['[]', /non-empty JSON array/],
    ['["npx", 1]', /non-empty JSON array of non-empty strings/],
  ])('refuses %s', (raw, message) => expect(() => parseMigrationCommand(raw)).toThrow(message));
});

describe('dataLosingCommand', () => {
  it.each([
    ['npx prisma db push', /prisma db push/],
    ['["npx","prisma","db","push","--skip-generate"]', /prisma db push/],
    ['npx prisma migrate deploy && npx prisma db push --accept-data-loss', /prisma db push/],
    ['prisma migrate dev --accept-data-loss', /--accept-data-loss/],
    ['npx prisma migrate reset --force', /migrate reset/],
    ['npx prisma db push --force-reset', /prisma db push/],
    ['node seed.js --force-reset', /--force-reset/],
  ])('%s', (raw, message) => {
    const m = dataLosingCommand(parseMigrationCommand(raw));
    expect(m).toMatch(message);
    expect(m).toMatch(/Use prisma migrate deploy/);
  });

  it.each(['npx prisma migrate deploy', '["node","scripts/migrate.mjs"]', 'echo push db'])('lets %s run', (raw) =>
    expect(dataLosingCommand(parseMigrationCommand(raw))).toBeUndefined(),
  );
});

describe('runsPrismaCli', () => {
  it.each([
    ['npx prisma migrate deploy', true],
    ['cd packages/db && prisma migrate deploy', true],
    ['["node","node_modules/prisma/build/index.js","migrate","deploy"]', true],
    ['["node_modules/.bin/prisma","migrate","deploy"]', true],
    ['node scripts/migrate.mjs', false],
  ])('%s → %s', (raw, expected) => expect(runsPrismaCli(parseMigrationCommand(raw))).toBe(expected));
});
