import { lockedPrismaVersion, majorOf } from './lockfile';

const npmLock = JSON.stringify({
  lockfileVersion: 3,
  packages: { '': {}, 'node_modules/@prisma/client': { version: '6.19.0' }, 'node_modules/prisma': { version: '6.19.0' } },
});
const npmNested = JSON.stringify({ lockfileVersion: 3, packages: { 'packages/db/node_modules/prisma': { version: '5.22.0' } } });

describe('lockedPrismaVersion', () => {
  it.each([
    ['package-lock.json', npmLock, { name: 'prisma', version: '6.19.0' }],
    ['package-lock.json', npmNested, { name: 'prisma', version: '5.22.0' }],
    [
      'package-lock.json',
      JSON.stringify({ lockfileVersion: 1, dependencies: { '@prisma/client': { version: '4.16.2' } } }),
      { name: '@prisma/client', version: '4.16.2' },
    ],
    ['package-lock.json', '{not json', undefined],
    [
      'pnpm-lock.yaml',
      "lockfileVersion: '9.0'\npackages:\n\n  prisma@7.0.1:\n    resolution: {}\n",
      { name: 'prisma', version: '7.0.1' },
    ],
    [
      'pnpm-lock.yaml',
      "lockfileVersion: '6.0'\npackages:\n  /@prisma/client@5.1.0(prisma@5.1.0):\n    resolution: {}\n",
      { name: '@prisma/client', version: '5.1.0' },
    ],
    ['yarn.lock', 'prisma@^5.0.0:\n  version "5.22.0"\n  resolved "x"\n', { name: 'prisma', version: '5.22.0' }],
    ['yarn.lock', '"prisma@npm:^6":\n  version: 6.2.1\n', { name: 'prisma', version: '6.2.1' }],
    ['bun.lockb', '', undefined],
  ])('%s %#', (file, text, expected) => {
    expect(lockedPrismaVersion(file, text)).toEqual(expected);
  });

  it.each([
    ['7.0.1', 7],
    ['5.22.0-dev.3', 5],
    ['latest', undefined],
  ])('majorOf(%s)', (v, m) => {
    expect(majorOf(v)).toBe(m);
  });
});
