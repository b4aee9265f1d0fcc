/**
 * Runway's own `uses:` references (its actions and reusable workflows) in the files it ships: they
 * all name one ref, the release they belong to, so a caller pinned to `release.yml@v1.2.3` runs
 * the actions of v1.2.3 and nothing newer. Pure: scripts/release.ts rewrites them at release time
 * and test/unit/release-refs.test.ts checks they agree with package.json's version.
 */

/** Files that may hold Runway's own references, relative to the repository root (globs by folder). */
export const REF_FOLDERS = ['.github/workflows', 'actions'] as const;

/** `owner/name` from package.json's `repository` (`github:owner/name`, `owner/name` or a GitHub URL). */
export function repositoryOf(pkg: { repository?: string | { url?: string } }): string {
  const raw = typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository?.url ?? '');
  const match = /^(?:github:|(?:git\+)?https:\/\/github\.com\/)?([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(raw);
  if (!match) throw new Error(`package.json: repository "${raw}" does not name a GitHub repository (github:OWNER/NAME)`);
  return match[1];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `uses: OWNER/NAME/actions/X@REF` and `uses: OWNER/NAME/.github/workflows/X.yml@REF`, as a global regex. */
const usesOf = (repository: string): RegExp =>
  new RegExp(String.raw`(\buses:\s*["']?${escape(repository)}/(?:actions/[\w-]+|\.github/workflows/[\w.-]+)@)([\w./-]+)`, 'g');

export interface RunwayUse {
  readonly uses: string;
  readonly ref: string;
}

export function runwayUses(text: string, repository: string): RunwayUse[] {
  return [...text.matchAll(usesOf(repository))].map((m) => ({ uses: `${m[1]}${m[2]}`.replace(/^uses:\s*["']?/, ''), ref: m[2] }));
}

/** The text with every Runway reference at `ref`; nothing else changes. */
export function setRefs(text: string, repository: string, ref: string): string {
  return text.replace(usesOf(repository), (_, head: string) => `${head}${ref}`);
}

export interface ReleaseTag {
  readonly tag: string;
  readonly version: string;
  /** The moving major tag, e.g. v1. */
  readonly major: string;
}

export function parseReleaseTag(raw: string | undefined): ReleaseTag {
  const match = /^v((\d+)\.\d+\.\d+)$/.exec(raw ?? '');
  if (!match) throw new Error(`"${raw ?? ''}" is not a release tag: expected vMAJOR.MINOR.PATCH, e.g. v1.2.3`);
  return { tag: raw!, version: match[1], major: `v${match[2]}` };
}
