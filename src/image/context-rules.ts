/**
 * Rules on what the build context sends and what the runtime stage keeps: secret files, and build steps
 * whose failure is swallowed. Pure: the files were listed and read by project.ts.
 */
import { posix } from 'node:path';
import { commandText, copyPaths, type Dockerfile, type Instruction, type Stage } from './dockerfile';
import { isIgnored, parseDockerignore } from './dockerignore';
import { secretLooking } from '../inputs/secret-looking';
import type { Finding } from './findings';
import { dotenvValues } from './next-public';
import { simpleCommands } from './workspace';

export interface ContextSecret {
  /** Relative to the build context. */
  readonly path: string;
  readonly reason: string;
  /** Not excluded by .dockerignore: `docker build` sends it to the builder. */
  readonly sent: boolean;
}

export interface BuildContext {
  /** The context folder relative to the repository root ('' for the root). */
  readonly dir: string;
  /** The ignore file in effect, relative to the repository root. */
  readonly ignoreFile?: string;
  readonly secrets: readonly ContextSecret[];
}

const DOTENV = /^\.env(\..+)?$/;
/** Committed templates, not secrets. */
const TEMPLATE = /\.(example|sample|template|dist|defaults)$/;
const SSH_KEY = /^id_(rsa|dsa|ecdsa|ed25519)$/;
/**
 * google-github-actions/auth (`create_credentials_file`, on by default) writes the credentials it made
 * into the workspace as `gha-creds-<random>.json`; its README asks to keep that file out of
 * .gitignore'd and .dockerignore'd contexts. Its name changes every run, so the ignore line is a glob.
 */
const GHA_CREDS = /^gha-creds-[^/]*\.json$/;

/** Whether a file name alone says it holds a secret (what a `COPY --from` of it shows). */
export function secretByName(name: string): string | undefined {
  const base = posix.basename(name);
  if (DOTENV.test(base) && !TEMPLATE.test(base)) return 'a dotenv file';
  if (SSH_KEY.test(base)) return 'an SSH private key';
  if (GHA_CREDS.test(base)) return 'the credentials file google-github-actions/auth writes into the workspace';
  if (/\.key$/.test(base)) return 'a private key file';
  return undefined;
}

/**
 * A dotenv file is a secret when it is a `.local` one (Next.js and dotenv keep those out of git for local
 * secrets) or when a value in it looks like one; a committed `.env.production` holding only NEXT_PUBLIC_*
 * values is what `next build` must read, not a secret.
 */
function dotenvSecret(base: string, text: string): string | undefined {
  if (base.endsWith('.local')) return 'a local dotenv file';
  const found = dotenvValues(text)
    .map(([k, v]) => secretLooking(k, v))
    .filter((x) => x !== undefined);
  return found.length > 0
    ? `a dotenv file with secret values (${found.map((f) => `${f.name}: ${f.why}`).join(', ')})`
    : undefined;
}

/**
 * Why a context file is a secret, if it is. A `.pem` holding only certificates (a CA bundle) is public;
 * an `.npmrc` token read from the environment (`${NPM_TOKEN}`) is not in the file.
 */
export function secretReason(name: string, read: () => string | undefined): string | undefined {
  const base = posix.basename(name);
  if (DOTENV.test(base) && !TEMPLATE.test(base)) return dotenvSecret(base, read() ?? '');
  const byName = secretByName(name);
  if (byName) return byName;
  if (/\.pem$/.test(base)) return /PRIVATE KEY-----/.test(read() ?? '') ? 'a PEM private key' : undefined;
  if (base === '.npmrc')
    return /(_authToken|_auth|_password)\s*=\s*(?!\$\{)\S/.test(read() ?? '') ? 'an .npmrc with a registry token' : undefined;
  if (/\.json$/.test(base)) {
    const text = read() ?? '';
    if (!text.includes('"private_key"')) return undefined;
    try {
      const json = JSON.parse(text) as { private_key?: unknown };
      return typeof json.private_key === 'string' ? 'a service-account key (its "private_key" field)' : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const CHECK_SENT = 'Secrets kept out of the build context';

/** The .dockerignore line that keeps a secret out: its path, or for auth's credentials file every run's name. */
export function ignoreLine(path: string): string {
  const base = posix.basename(path);
  return GHA_CREDS.test(base) ? posix.join(posix.dirname(path), 'gha-creds-*.json') : path;
}

/** Every secret the context sends: an error naming the file and the .dockerignore line that keeps it out. */
export function contextSecretFindings(context: BuildContext): Finding[] {
  const ignoreFile = context.ignoreFile ?? posix.join(context.dir, '.dockerignore');
  return context.secrets
    .filter((s) => s.sent)
    .map((s) => ({
      rule: 'context-secret',
      check: CHECK_SENT,
      level: 'error',
      message: `${posix.join(context.dir, s.path)} is ${s.reason} and ${ignoreFile} does not exclude it: \`docker build\` sends it to the builder, and a \`COPY\` of its folder puts it in an image layer.`,
      fix: `add the line \`${ignoreLine(s.path)}\` to ${ignoreFile}`,
      file: posix.join(context.dir, s.path),
    }));
}

/** The line a fix adds (`ignoreLine`) really excludes the file (Docker's matcher, not a guess). */
export const fixExcludes = (ignoreText: string, path: string): boolean =>
  isIgnored(parseDockerignore(`${ignoreText}\n${ignoreLine(path)}\n`), path);

/** `COPY` sources are Go `filepath.Match` globs relative to the context root. */
function sourceCovers(source: string, path: string): boolean {
  const src = posix.normalize(source.replace(/^\/+/, '')).replace(/\/$/, '');
  if (src === '.' || path === src || path.startsWith(`${src}/`)) return true;
  const re = new RegExp(
    `^${src
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}(/.*)?$`,
  );
  return re.test(path);
}

/** A secret copied into the runtime stage is an error, whatever .dockerignore says elsewhere. */
export function secretInRuntimeFindings(
  file: { readonly name: string; readonly parsed: Dockerfile },
  runtime: Stage,
  context: BuildContext,
): Finding[] {
  const findings: Finding[] = [];
  const copies = runtime.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
  for (const ins of copies) {
    const { sources } = copyPaths(ins);
    const named = sources.map((s) => [s, secretByName(s)] as const).filter(([, r]) => r !== undefined);
    const carried = ins.flags.from
      ? []
      : context.secrets.filter(
          (s) =>
            s.sent &&
            !named.some(([n]) => posix.basename(n) === posix.basename(s.path)) &&
            sources.some((src) => sourceCovers(src, s.path)),
        );
    const what = [
      ...named.map(([s, r]) => `${s} (${r})`),
      ...carried.map((s) => `${posix.join(context.dir, s.path)} (${s.reason})`),
    ];
    if (what.length === 0) continue;
    findings.push({
      rule: 'secret-in-runtime',
      check: 'No secret files in the runtime image',
      level: 'error',
      message: `This ${ins.keyword} puts ${what.join(', ')} into the runtime image, where anyone who can pull the image reads it. Pass values at run time (Cloud Run env vars or Secret Manager secrets) instead.`,
      fix:
        named.length > 0
          ? `remove ${named.map(([s]) => s).join(', ')} from this ${ins.keyword}`
          : `copy only what the app needs, or exclude the file in .dockerignore`,
      file: file.name,
      line: ins.line,
    });
  }
  return findings;
}

/** Tools whose failure means a broken image: installs, builds, code generation, tests. */
const BUILD_STEP = /^(?:\S+=\S*\s+)*(npm|pnpm|yarn|bun|npx|prisma|tsc|next|turbo|nx|node)\b/;
/** `|| true`, `|| :`, `|| echo …`, `|| exit 0`: the step "succeeds" whatever happened. */
const SWALLOW = /^(true|:|echo\b.*|exit\s+0|printf\b.*)$/;

/** The build steps of one RUN whose failure a `||` swallows. */
export function swallowedSteps(command: string): string[] {
  const steps: string[] = [];
  for (const line of command.split('\n')) {
    const parts = line.split(/(\|\||&&|;)/).map((p) => p.trim());
    for (let i = 1; i < parts.length - 1; i += 2) {
      if (parts[i] !== '||' || !SWALLOW.test(parts[i + 1])) continue;
      const left = simpleCommands(parts[i - 1]).at(-1) ?? '';
      if (BUILD_STEP.test(left)) steps.push(left);
    }
  }
  return steps;
}

export function swallowedFailureFindings(file: { readonly name: string; readonly parsed: Dockerfile }): Finding[] {
  return file.parsed.stages
    .flatMap((s) => s.instructions)
    .filter((i): i is Instruction => i.keyword === 'RUN')
    .flatMap((ins) =>
      swallowedSteps(commandText(ins)).map((step): Finding => ({
        rule: 'swallowed-failure',
        check: 'Build steps fail the build',
        level: 'warning',
        message: `\`${step}\` is followed by \`||\` with a command that always succeeds: if it fails, the build goes on and ships an image without its output.`,
        fix: `remove the \`|| …\` after \`${step}\``,
        file: file.name,
        line: ins.line,
      })),
    );
}
