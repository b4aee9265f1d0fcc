/**
 * A Dockerfile parser good enough for readiness rules: stages, instructions with their line numbers,
 * continuation lines, comments, `--flag=value` options and basic ARG substitution in FROM. Pure.
 */

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, USER, ... */
  readonly keyword: string;
  /** Arguments with continuations joined by a space and flags removed. */
  readonly args: string;
  /** `--from=build` → { from: 'build' }. */
  readonly flags: Readonly<Record<string, string>>;
  /** 1-based line where the instruction starts, and where it ends. */
  readonly line: number;
  readonly endLine: number;
}

export interface Stage {
  readonly index: number;
  /** `AS name`, lower-cased as Docker does; undefined for an unnamed stage. */
  readonly name?: string;
  /** Base after ARG substitution: an image reference or the name of an earlier stage. */
  readonly base: string;
  /** The FROM instruction. */
  readonly from: Instruction;
  /** Instructions after FROM, in order. */
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  readonly stages: readonly Stage[];
  /** ARG defaults declared before the first FROM, overridden by build args. */
  readonly globalArgs: Readonly<Record<string, string>>;
}

export class DockerfileError extends Error {}

/** Splits text into logical instructions, keeping the line numbers people see in their editor. */
export function instructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  const escape = /^#\s*escape\s*=\s*`/i.test(lines[0] ?? '') ? '`' : '\\';
  const result: Instruction[] = [];
  let parts: string[] = [];
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const trimmed = raw.trim();
    // Comment lines and blank lines inside a continuation are dropped, as Docker does.
    if (trimmed.startsWith('#') || (trimmed === '' && parts.length > 0)) continue;
    if (trimmed === '') continue;
    if (parts.length === 0) start = i + 1;
    const continued = trimmed.endsWith(escape);
    parts.push(continued ? trimmed.slice(0, -1).trim() : trimmed);
    if (!continued) {
      result.push(toInstruction(parts.join(' '), start, i + 1));
      parts = [];
    }
  }
  if (parts.length > 0) result.push(toInstruction(parts.join(' '), start, lines.length));
  return result;
}

function toInstruction(textLine: string, line: number, endLine: number): Instruction {
  const m = /^(\S+)\s*(.*)$/.exec(textLine);
  const keyword = (m?.[1] ?? '').toUpperCase();
  let rest = m?.[2] ?? '';
  const flags: Record<string, string> = {};
  // Flags come first: `COPY --from=build --chown=node:node src dst`, `RUN --mount=type=secret,id=ca ...`.
  for (;;) {
    const f = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest);
    if (!f) break;
    flags[f[1]] = f[2] ?? 'true';
    rest = rest.slice(f[0].length);
  }
  return { keyword, args: rest.trim(), flags, line, endLine };
}

/** `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}` with the given values; unknown variables become empty. */
export function substitute(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, braced, op, word, bare) => {
      const name = (braced ?? bare) as string;
      const value = vars[name];
      if (op === '-') return value !== undefined && value !== '' ? value : (word as string);
      if (op === '+') return value !== undefined && value !== '' ? (word as string) : '';
      return value ?? '';
    },
  );
}

/** `NAME=value` or `NAME` (ARG) → [name, value?]. */
function argDeclaration(args: string): [string, string | undefined] {
  const eq = args.indexOf('=');
  if (eq === -1) return [args.trim(), undefined];
  return [args.slice(0, eq).trim(), unquote(args.slice(eq + 1).trim())];
}

const unquote = (s: string): string => (/^(["']).*\1$/.test(s) ? s.slice(1, -1) : s);

export function parseDockerfile(text: string, buildArgs: Readonly<Record<string, string>> = {}): Dockerfile {
  const all = instructions(text);
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  let current: { from: Instruction; name?: string; base: string; instructions: Instruction[] } | undefined;
  for (const ins of all) {
    if (ins.keyword === 'FROM') {
      if (current) stages.push({ index: stages.length, ...current });
      const words = substitute(ins.args, globalArgs).split(/\s+/);
      const as = words.findIndex((w) => w.toLowerCase() === 'as');
      current = { from: ins, base: words[0], name: as > 0 ? words[as + 1]?.toLowerCase() : undefined, instructions: [] };
      if (!current.base) throw new DockerfileError(`line ${ins.line}: FROM needs an image`);
    } else if (!current) {
      if (ins.keyword === 'ARG') {
        const [name, value] = argDeclaration(ins.args);
        globalArgs[name] = buildArgs[name] ?? value ?? '';
      }
      // Parser directives and comments were dropped; anything else before FROM is an error Docker reports itself.
    } else {
      current.instructions.push(ins);
    }
  }
  if (current) stages.push({ index: stages.length, ...current });
  if (stages.length === 0) throw new DockerfileError('no FROM instruction: not a Dockerfile');
  return { stages, globalArgs };
}

/** The stage a `--target` names, or the last one (what `docker build` runs). */
export function runtimeStage(file: Dockerfile, target?: string): Stage {
  if (!target) return file.stages[file.stages.length - 1];
  const found = file.stages.find((s) => s.name === target.toLowerCase());
  if (!found)
    throw new DockerfileError(
      `target "${target}" is not a stage (stages: ${file.stages.map((s) => s.name ?? s.index).join(', ')})`,
    );
  return found;
}

/** An earlier stage named by `FROM name` or `COPY --from=name|index`, if any. */
export function stageNamed(file: Dockerfile, ref: string, before: number): Stage | undefined {
  const byIndex = /^\d+$/.test(ref) ? file.stages[Number(ref)] : undefined;
  const found = byIndex ?? file.stages.find((s) => s.name === ref.toLowerCase());
  return found && found.index < before ? found : undefined;
}

/** The chain of stages a stage builds on, itself first, ending with the stage whose base is an image. */
export function ancestry(file: Dockerfile, stage: Stage): Stage[] {
  const chain = [stage];
  for (let s = stageNamed(file, stage.base, stage.index); s; s = stageNamed(file, s.base, s.index)) chain.push(s);
  return chain;
}

/** The external image a stage finally builds on. */
export const baseImage = (file: Dockerfile, stage: Stage): string => ancestry(file, stage).at(-1)!.base;

/** Every instruction that applies in a stage, inherited ones first (FROM parent stages). */
export function effectiveInstructions(file: Dockerfile, stage: Stage): Instruction[] {
  return ancestry(file, stage)
    .reverse()
    .flatMap((s) => s.instructions);
}

/** The WORKDIR in effect after the instructions (relative WORKDIRs resolve against the previous one). */
export function workdirAfter(list: readonly Instruction[], upTo = Infinity): string {
  let dir = '/';
  for (const ins of list) {
    if (ins.line > upTo) break;
    if (ins.keyword !== 'WORKDIR') continue;
    const w = unquote(ins.args);
    dir = w.startsWith('/') ? w : `${dir.replace(/\/$/, '')}/${w}`;
  }
  return normalize(dir);
}

/** `/app/./x/../y/` → `/app/y`. */
export function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/** Source and destination paths of COPY/ADD, in shell or JSON form. */
export function copyPaths(ins: Instruction): { sources: string[]; dest: string } {
  let words: string[];
  if (ins.args.startsWith('[')) {
    try {
      words = JSON.parse(ins.args) as string[];
    } catch {
      words = ins.args.split(/\s+/);
    }
  } else words = ins.args.split(/\s+/);
  return { sources: words.slice(0, -1), dest: words.at(-1) ?? '' };
}

/** The command text of RUN/CMD/ENTRYPOINT, JSON form joined by spaces. */
export function commandText(ins: Instruction): string {
  if (ins.args.startsWith('[')) {
    try {
      return (JSON.parse(ins.args) as string[]).join(' ');
    } catch {
      /* shell form after all */
    }
  }
  return ins.args;
}
