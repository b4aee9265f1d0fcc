/**
 * One ref: every `uses:` of Runway's own actions and workflows in what it ships names the release in
 * package.json, and `npm run release` (scripts/release.ts) moves them all, in a throwaway repository.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReleaseTag, REF_FOLDERS, repositoryOf, runwayUses, setRefs } from '../../scripts/release-refs';
import { PACKAGE_JSON, REPOSITORY } from '../helpers/repository';
import { repoRoot } from '../helpers/run-action';

const shipped = (root: string) =>
  REF_FOLDERS.flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(folder, f)),
  );
const usesIn = (root: string) => shipped(root).flatMap((f) => runwayUses(readFileSync(join(root, f), 'utf8'), REPOSITORY));

it.each([
  ['github:runway-dev/runway', 'runway-dev/runway'],
  ['runway-dev/runway', 'runway-dev/runway'],
  ['https://github.com/runway-dev/runway.git', 'runway-dev/runway'],
  [{ url: 'git+https://github.com/acme/run.way.git' }, 'acme/run.way'],
])('repository %j is %s', (repository, expected) => expect(repositoryOf({ repository })).toBe(expected));

it('a repository that is not on GitHub is an error naming it', () =>
  expect(() => repositoryOf({ repository: 'gitlab:a/b' })).toThrow('"gitlab:a/b" does not name a GitHub repository'));

it.each([
  ['v1.2.3', { tag: 'v1.2.3', version: '1.2.3', major: 'v1' }],
  ['v10.0.12', { tag: 'v10.0.12', version: '10.0.12', major: 'v10' }],
])('release tag %s', (raw, expected) => expect(parseReleaseTag(raw)).toEqual(expected));

it.each(['1.2.3', 'v1.2', 'v1', 'v1.2.3-rc.1', ''])('"%s" is not a release tag', (raw) =>
  expect(() => parseReleaseTag(raw)).toThrow('expected vMAJOR.MINOR.PATCH'),
);

it('setRefs moves only Runway references, whatever their old ref', () => {
  const text = [
    '      - uses: runway-dev/runway/actions/build-image@v1',
    '        uses: "runway-dev/runway/actions/release@0123456789abcdef0123456789abcdef01234567"',
    '    uses: runway-dev/runway/.github/workflows/release.yml@main',
    '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
    '      - uses: someone-else/runway/actions/release@v1',
    '      - uses: ./actions/release',
  ].join('\n');
  const moved = setRefs(text, 'runway-dev/runway', 'v2.0.1');
  expect(runwayUses(moved, 'runway-dev/runway').map((u) => u.ref)).toEqual(['v2.0.1', 'v2.0.1', 'v2.0.1']);
  expect(moved.split('\n').slice(3)).toEqual(text.split('\n').slice(3));
});

it("every Runway reference in the workflows and actions names package.json's version", () => {
  const uses = usesIn(repoRoot);
  // release.yml: build-image (pull requests) and release; rollback.yml: rollback.
  expect(uses.map((u) => u.uses.replace(/@.*/, '')).sort()).toEqual(
    expect.arrayContaining([
      `${REPOSITORY}/actions/build-image`,
      `${REPOSITORY}/actions/release`,
      `${REPOSITORY}/actions/rollback`,
    ]),
  );
  expect([...new Set(uses.map((u) => u.ref))]).toEqual([`v${PACKAGE_JSON.version}`]);
});

it('no placeholder owner is left in what ships', () => {
  for (const file of shipped(repoRoot)) expect(readFileSync(join(repoRoot, file), 'utf8')).not.toMatch(/\bOWNER\//);
});

describe('npm run release', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const release = (tag: string) =>
    spawnSync(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(repoRoot, 'scripts', 'release.ts'), tag], {
      cwd: repo,
      encoding: 'utf8',
    });

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'runway-release-'));
    for (const path of ['package.json', ...REF_FOLDERS]) cpSync(join(repoRoot, path), join(repo, path), { recursive: true });
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'empty');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'start');
    git('config', 'user.name', 't');
    git('config', 'user.email', 't@example.com');
  });

  it('rewrites every reference, sets the version, tags the commit and moves the major tag', () => {
    const first = release('v7.1.0');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect([...new Set(usesIn(repo).map((u) => u.ref))]).toEqual(['v7.1.0']);
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version).toBe('7.1.0');
    expect(git('status', '--porcelain')).toBe('');
    expect(git('rev-parse', 'v7.1.0^{commit}')).toBe(git('rev-parse', 'HEAD'));
    expect(git('rev-parse', 'v7^{commit}')).toBe(git('rev-parse', 'HEAD'));

    expect(release('v7.1.1').status).toBe(0);
    expect([...new Set(usesIn(repo).map((u) => u.ref))]).toEqual(['v7.1.1']);
    expect(git('rev-parse', 'v7^{commit}')).toBe(git('rev-parse', 'HEAD'));
    expect(git('rev-parse', 'v7.1.0^{commit}')).toBe(git('rev-parse', 'HEAD~1'));
  });

  it('refuses a tag that exists, a bad tag, or a dirty work tree, changing nothing', () => {
    const head = git('rev-parse', 'HEAD');
    expect(release('v7.1.1').stderr).toContain('tag v7.1.1 exists already');
    expect(release('7.2.0').stderr).toContain('"7.2.0" is not a release tag');
    cpSync(join(repoRoot, 'README.md'), join(repo, 'README.md'));
    expect(release('v7.2.0').stderr).toContain('uncommitted changes');
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('tag', '--list', 'v7.2.0')).toBe('');
  });
});
