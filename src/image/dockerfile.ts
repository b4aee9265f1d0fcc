/**
 * The Dockerfile as the readiness rules see it: stages, instructions with their line numbers, flags,
 * heredocs, and ARG substitution in FROM. Parsing is dockerfile-ast's (the parser of the Docker VS Code
 * extension: continuation lines, comments inside them, `# escape=`, heredocs); this file maps its tree
 * to the small model the rules need. Pure.
 */
import { DockerfileParser, type Instruction as AstInstruction } from 'dockerfile-ast';

/** A here-document: `RUN <<EOF` … `EOF` (its body is the script) or `COPY <<EOT /file` (inline content). */
export interface Heredoc {
  readonly name: string;
  readonly body: string;
}

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, USER, ... */
  readonly keyword: string;
  /** Arguments with continuations joined and flags removed; for a heredoc, the first line only. */
  readonly args: string;
  /** `--from=build` → { from: 'build' }. */
  readonly flags: Readonly<Record<string, string>>;
  /** 1-based line where the instruction starts, and where it ends. */
  readonly line: number;
  readonly endLine: number;
  readonly heredocs: readonly Heredoc[];
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
  /** Every instruction in file order, global ARGs included (what the classic builder numbers as steps). */
  readonly all: readonly Instruction[];
  /** ARG defaults declared before the first FROM, overridden by build args. */
  readonly globalArgs: Readonly<Record<string, string>>;
}

export class DockerfileError extends Error {}

interface AstHeredoc {
  getName(): string;
  getContentRange(): { start: { line: number }; end: { line: number } } | null;
}

function heredocsOf(lines: readonly string[], ins: AstInstruction): Heredoc[] {
  // RUN and COPY expose getHeredocs (ADD is a COPY in dockerfile-ast); other instructions have none.
  const docs = (ins as unknown as { getHeredocs?: () => AstHeredoc[] }).getHeredocs?.() ?? [];
  return docs.map((d) => {
    const range = d.getContentRange();
    return { name: d.getName(), body: range ? lines.slice(range.start.line, range.end.line + 1).join('\n') : '' };
  });
}

function toInstruction(lines: readonly string[], ins: AstInstruction): Instruction {
  const range = ins.getRange();
  const flags: Record<string, string> = {};
  const withFlags = ins as { getFlags?: () => { getName(): string; getValue(): string | null }[] };
  for (const f of withFlags.getFlags?.() ?? []) flags[f.getName()] = f.getValue() ?? 'true';
  const heredocs = heredocsOf(lines, ins);
  // The argument words, without comment lines inside continuations; a heredoc's body is kept apart.
  const args =
    heredocs.length > 0
      ? (ins.getArgumentsContent() ?? '').split('\n')[0].trim()
      : ins
          .getArguments()
          .map((a) => a.getValue())
          .join(' ');
  return {
    keyword: ins.getKeyword().toUpperCase(),
    args,
    flags,
    line: range.start.line + 1,
    endLine: range.end.line + 1,
    heredocs,
  };
}

/** Every instruction with the line numbers people see in their editor. */
export function instructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  return DockerfileParser.parse(text)
    .getInstructions()
    .map((ins) => toInstruction(lines, ins));
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
  return { stages, all, globalArgs };
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

/** Source and destination paths of COPY/ADD, in shell or JSON form; heredoc sources are inline content, not paths. */
export function copyPaths(ins: Instruction): { sources: string[]; dest: string } {
  let words: string[];
  if (ins.args.startsWith('[')) {
    try {
      words = JSON.parse(ins.args) as string[];
    } catch {
      words = ins.args.split(/\s+/);
    }
  } else words = ins.args.split(/\s+/);
  const sources = words.slice(0, -1).filter((w) => !/^<<-?/.test(w));
  return { sources, dest: words.at(-1) ?? '' };
}

/**
 * The command text of RUN/CMD/ENTRYPOINT, JSON form joined by spaces. A heredoc RUN runs its body as the
 * script (`RUN <<EOF`), or feeds it to the command on the first line (`RUN python3 <<EOF`): both count.
 */
export function commandText(ins: Instruction): string {
  if (ins.heredocs.length > 0) {
    const first = ins.args.replace(/<<-?\s*["']?\w+["']?/g, '').trim();
    return [first, ...ins.heredocs.map((h) => h.body)].filter((t) => t !== '').join('\n');
  }
  if (ins.args.startsWith('[')) {
    try {
      return (JSON.parse(ins.args) as string[]).join(' ');
    } catch {
      /* shell form after all */
    }
  }
  return ins.args;
}
