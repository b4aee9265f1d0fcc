/**
 * Next.js inlines `process.env.NEXT_PUBLIC_*` at build time: a value missing during `next build` is
 * `undefined` forever in that image. Finds the ones an app reads and the ones the build never receives. Pure.
 */

export interface Read {
  readonly name: string;
  readonly file: string;
  readonly line: number;
}

const READ = /process\.env(?:\.(NEXT_PUBLIC_[A-Z0-9_]+)|\[\s*['"`](NEXT_PUBLIC_[A-Z0-9_]+)['"`]\s*\])/g;

export function nextPublicReads(file: string, text: string): Read[] {
  const reads: Read[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    for (const m of line.matchAll(READ)) reads.push({ name: m[1] ?? m[2], file, line: i + 1 });
  });
  return reads;
}

/**
 * The .env files `next build` loads, highest precedence first: a name set in an earlier file wins and later
 * files never override it (nextjs.org/docs/app/guides/environment-variables#environment-variable-load-order:
 * process.env, .env.$(NODE_ENV).local, .env.local, .env.$(NODE_ENV), .env; NODE_ENV is production for a build).
 */
export const DOTENV_ORDER = ['.env.production.local', '.env.local', '.env.production', '.env'] as const;

export interface DotenvFile {
  readonly file: string;
  readonly text: string;
  /** Reaches the build: in the context and not excluded by .dockerignore. */
  readonly sent: boolean;
}

/** Which file gives each name, in Next's order, among the files the build receives and among those it does not. */
export function dotenvSources(files: readonly DotenvFile[]): { sent: Map<string, string>; kept: Map<string, string> } {
  const sent = new Map<string, string>();
  const kept = new Map<string, string>();
  const rank = (f: DotenvFile) => DOTENV_ORDER.indexOf(f.file.split('/').at(-1) as (typeof DOTENV_ORDER)[number]);
  for (const f of [...files].sort((a, b) => rank(a) - rank(b)))
    for (const name of dotenvNames(f.text)) {
      const into = f.sent ? sent : kept;
      if (!into.has(name)) into.set(name, f.file);
    }
  return { sent, kept };
}

/** `KEY=value` lines of a .env file, quotes removed. */
export const dotenvValues = (text: string): [string, string][] =>
  [...text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/gm)].map((m) => [
    m[1],
    m[2].trim().replace(/^(["'])(.*)\1$/, '$2'),
  ]);

/** Names set by `KEY=value` lines of a .env file. */
export const dotenvNames = (text: string): string[] => dotenvValues(text).map(([name]) => name);

/**
 * The first read of each variable that no build arg, Dockerfile ENV or .env file provides. A build arg
 * only reaches `next build` when the Dockerfile declares it with ARG, so both are needed.
 */
export function missingAtBuild(
  reads: readonly Read[],
  provided: {
    buildArgs: readonly string[];
    dockerfileArgs: readonly string[];
    dockerfileEnv: readonly string[];
    /** Names set by the .env files the build receives. */
    dotenv: readonly string[];
    /** Names set only in .env files .dockerignore keeps out, and the file. */
    keptOut?: ReadonlyMap<string, string>;
  },
): (Read & { reason: string })[] {
  const seen = new Set<string>();
  const missing: (Read & { reason: string })[] = [];
  for (const r of reads) {
    if (seen.has(r.name)) continue;
    seen.add(r.name);
    if (provided.dockerfileEnv.includes(r.name) || provided.dotenv.includes(r.name)) continue;
    const arg = provided.buildArgs.includes(r.name);
    const declared = provided.dockerfileArgs.includes(r.name);
    if (arg && declared) continue;
    const keptIn = provided.keptOut?.get(r.name);
    const reason = arg
      ? `${r.name} is passed as a build arg but the Dockerfile has no \`ARG ${r.name}\`, so \`next build\` never sees it`
      : keptIn
        ? `${r.name} is set in ${keptIn}, but .dockerignore keeps that file out of the build context, so \`next build\` never sees it: pass it in build-args (with \`ARG ${r.name}\`)`
        : `${r.name} is read by the app but not passed in build-args: Next.js inlines NEXT_PUBLIC_* at build time, so it will be undefined in this image`;
    missing.push({ ...r, reason });
  }
  return missing;
}
