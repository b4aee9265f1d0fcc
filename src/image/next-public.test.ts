import { dotenvNames, missingAtBuild, nextPublicReads } from './next-public';

const app = `const a = process.env.NEXT_PUBLIC_API_URL;
const b = process.env['NEXT_PUBLIC_SITE'] ?? process.env.NEXT_PUBLIC_API_URL;
const c = process.env.DATABASE_URL;
const d = process.env.NEXT_PUBLIC_FLAG;
`;

describe('NEXT_PUBLIC_* scan', () => {
  const reads = nextPublicReads('apps/web/page.tsx', app);

  it('finds each read with its line', () => {
    expect(reads.map((r) => `${r.name}:${r.line}`)).toEqual([
      'NEXT_PUBLIC_API_URL:1',
      'NEXT_PUBLIC_SITE:2',
      'NEXT_PUBLIC_API_URL:2',
      'NEXT_PUBLIC_FLAG:4',
    ]);
  });

  it.each([
    [
      { buildArgs: [], dockerfileArgs: [], dockerfileEnv: [], dotenv: [] },
      ['NEXT_PUBLIC_API_URL:1', 'NEXT_PUBLIC_SITE:2', 'NEXT_PUBLIC_FLAG:4'],
    ],
    [
      {
        buildArgs: ['NEXT_PUBLIC_API_URL'],
        dockerfileArgs: ['NEXT_PUBLIC_API_URL'],
        dockerfileEnv: ['NEXT_PUBLIC_SITE'],
        dotenv: ['NEXT_PUBLIC_FLAG'],
      },
      [],
    ],
    [
      {
        buildArgs: ['NEXT_PUBLIC_API_URL', 'NEXT_PUBLIC_SITE', 'NEXT_PUBLIC_FLAG'],
        dockerfileArgs: ['NEXT_PUBLIC_SITE', 'NEXT_PUBLIC_FLAG'],
        dockerfileEnv: [],
        dotenv: [],
      },
      ['NEXT_PUBLIC_API_URL:1'],
    ],
  ])('missing with %j', (provided, expected) => {
    expect(missingAtBuild(reads, provided).map((r) => `${r.name}:${r.line}`)).toEqual(expected);
  });

  it('explains a build arg without ARG', () => {
    const [m] = missingAtBuild(reads.slice(0, 1), {
      buildArgs: ['NEXT_PUBLIC_API_URL'],
      dockerfileArgs: [],
      dockerfileEnv: [],
      dotenv: [],
    });
    expect(m.reason).toContain('no `ARG NEXT_PUBLIC_API_URL`');
  });

  it('reads .env names', () => {
    expect(dotenvNames('# c\nNEXT_PUBLIC_A=1\nexport B = 2\n')).toEqual(['NEXT_PUBLIC_A', 'B']);
  });
});
