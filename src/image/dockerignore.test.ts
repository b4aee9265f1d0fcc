import { isIgnored, parseDockerignore } from './dockerignore';

// Cases from moby/patternmatcher's patternmatcher_test.go (TestMatchesOrParentMatches, TestMatches) and
// the .dockerignore reference (docs.docker.com/build/concepts/context/#dockerignore-files).
describe('.dockerignore, as Docker reads it', () => {
  it.each<[string, string, boolean]>([
    ['**', 'file', true],
    ['**', 'dir/file', true],
    ['*.go', 'file.go', true],
    ['*.go', 'dir/file.go', false],
    ['dir', 'dir/file', true],
    ['dir/', 'dir/file', true],
    ['/dir', 'dir/sub/file', true],
    ['./dir', 'dir/file', true],
    ['.env', '.env', true],
    ['.env', 'apps/web/.env', false],
    ['**/.env', '.env', true],
    ['**/.env', 'apps/web/.env', true],
    ['**/.env*', 'apps/web/.env.local', true],
    ['*/*.pem', 'certs/a.pem', true],
    ['*/*.pem', 'a/certs/b.pem', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/x/y/c', false],
    ['abc/**', 'abc/def/ghi', true],
    ['**/node_modules', 'packages/db/node_modules/x/y.js', true],
    ['[a-c].txt', 'b.txt', true],
    ['[a-c].txt', 'd.txt', false],
    ['?.txt', 'ab.txt', false],
    ['file\\*', 'file*', true],
    ['file\\*', 'filex', false],
    ['# a comment', '# a comment', false],
  ])('%s against %s: %s', (pattern, path, ignored) => {
    expect(isIgnored(parseDockerignore(pattern), path)).toBe(ignored);
  });

  it('takes the last matching pattern, and re-includes a file inside an excluded folder', () => {
    const patterns = parseDockerignore('secrets\n!secrets/public.pem\n*.md\n!README.md\n');
    expect(isIgnored(patterns, 'secrets/private.pem')).toBe(true);
    expect(isIgnored(patterns, 'secrets/public.pem')).toBe(false);
    expect(isIgnored(patterns, 'CHANGELOG.md')).toBe(true);
    expect(isIgnored(patterns, 'README.md')).toBe(false);
  });

  it('keeps the line of each pattern (comments and blank lines counted)', () => {
    expect(parseDockerignore('# c\n\n.env\n  !keep  \n').map((p) => [p.text, p.line, p.exclusion])).toEqual([
      ['.env', 3, false],
      ['!keep', 4, true],
    ]);
  });
});
