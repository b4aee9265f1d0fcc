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

/** Names set by `KEY=value` lines of a .env file. */
export const dotenvNames = (text: string): string[] =>
  [...text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)].map((m) => m[1]);

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
    dotenv: readonly string[];
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
    const reason = arg
      ? `${r.name} is passed as a build arg but the Dockerfile has no \`ARG ${r.name}\`, so \`next build\` never sees it`
      : `${r.name} is read by the app but not passed in build-args: Next.js inlines NEXT_PUBLIC_* at build time, so it will be undefined in this image`;
    missing.push({ ...r, reason });
  }
  return missing;
}
