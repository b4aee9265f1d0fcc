/**
 * `.dockerignore` with Docker's own semantics, ported from moby/patternmatcher (patternmatcher.go:
 * `New`, `Pattern.compile`, `MatchesOrParentMatches`, which the Docker CLI and BuildKit's fsutil use) and
 * its ignorefile package (`ReadAll`). Pure.
 *
 * - Lines starting with `#` are comments; each line is trimmed; `!` starts an exception.
 * - Patterns are cleaned (`filepath.Clean`) and anchored at the context root: a leading `/` is dropped,
 *   `.env` matches only `./.env`, never `apps/web/.env` (use `**\/.env`).
 * - `*` and `?` never cross `/`; `**` crosses any number of folders; `[...]` is a character class; `\`
 *   escapes the next character.
 * - The last matching pattern wins; a pattern also matches a path when it matches one of its parent
 *   folders, and an exception can re-include a file inside an excluded folder.
 */
import { posix } from 'node:path';

export interface IgnorePattern {
  readonly text: string;
  readonly exclusion: boolean;
  readonly line: number;
  readonly match: (path: string) => boolean;
}

/** Go's regexp-free fast paths (exact, `prefix**`, `**suffix`) behave like this regexp; one code path here. */
function compile(pattern: string): (path: string) => boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        // `**` at the end accepts everything; elsewhere any number of folders, even none.
        re += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if ('.+()|{}$^'.includes(ch)) re += `\\${ch}`;
    else if (ch === '\\') re += i + 1 < pattern.length ? `\\${pattern[++i]}` : '\\\\';
    else re += ch;
  }
  const regexp = new RegExp(`${re}$`);
  // patternmatcher: `**/foo` also matches `foo` at the root.
  const suffix = pattern.startsWith('**/') ? pattern.slice(3) : undefined;
  return (path) => regexp.test(path) || (suffix !== undefined && path === suffix);
}

/** ignorefile.ReadAll + patternmatcher.New: the patterns of a .dockerignore text, with their lines. */
export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      if (raw.startsWith('#')) return;
      let p = raw.trim();
      if (p === '') return;
      const exclusion = p.startsWith('!');
      if (exclusion) p = p.slice(1).trim();
      if (p === '') return;
      p = posix.normalize(p).replace(/\/$/, '');
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
      patterns.push({ text: raw.trim(), exclusion, line: i + 1, match: compile(p) });
    });
  return patterns;
}

/** MatchesOrParentMatches: whether a context-relative path (slash-separated) is excluded from the context. */
export function isIgnored(patterns: readonly IgnorePattern[], path: string): boolean {
  const file = posix.normalize(path);
  const parents = posix.dirname(file) === '.' ? [] : posix.dirname(file).split('/');
  let matched = false;
  for (const p of patterns) {
    // An inclusion after a match, or an exclusion before one, changes nothing.
    if (p.exclusion !== matched) continue;
    let match = p.match(file);
    for (let i = 0; !match && i < parents.length; i++) match = p.match(parents.slice(0, i + 1).join('/'));
    if (match) matched = !p.exclusion;
  }
  return matched;
}
