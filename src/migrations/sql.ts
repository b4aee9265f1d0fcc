/**
 * Reads SQL with PostgreSQL's own grammar: libpg_query (the parser of the PostgreSQL server, version
 * 18, built as WebAssembly). We use the npm package `libpg-query` because it is that parser with no
 * install script and no download (the .wasm ships in the package, so the action needs nothing
 * installed), its CommonJS entry bundles with ncc (which copies the .wasm next to the bundle), and its
 * lexer (`scanSync`) returns comments with their byte offsets, which is where `runway-ignore` lives.
 * `pgsql-parser` adds a deparser we do not need; `@libpg-query/parser` is the same parser at PG 17.
 */
import { loadModule, parseSync, scanSync } from 'libpg-query';

/** One node of libpg_query's JSON parse tree: `{ TypeName: { ...fields } }`. */
export type AstNode = Record<string, unknown>;

/** `-- runway-ignore RULE reason` in the comments right before a statement. */
export interface IgnoreComment {
  readonly rule: string;
  /** Empty when the comment gives none; an ignore without a reason is not honoured. */
  readonly reason: string;
  readonly line: number;
}

export interface Statement {
  /** The statement's node type, e.g. `AlterTableStmt`. */
  readonly type: string;
  /** The node's fields. */
  readonly node: AstNode;
  /** 1-based line of the statement's first token. */
  readonly line: number;
  /** The statement's text, as written. */
  readonly text: string;
  readonly ignores: readonly IgnoreComment[];
  /** The line of a node's `location` (a byte offset into the file), for a finding inside a long statement. */
  readonly lineOf: (location: number) => number;
}

/** A file that PostgreSQL itself would refuse, with the line it fails at. */
export class SqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const IGNORE = /^--\s*runway-ignore\s+([a-z0-9-]+)\s*(.*)$/;

let loaded: Promise<void> | undefined;

/** Loads the WebAssembly parser once per process. */
export function loadParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/** 1-based line of a byte offset (libpg_query's offsets count UTF-8 bytes). */
const lineAt = (bytes: Buffer, offset: number): number => {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
};

interface RawStatement {
  stmt: AstNode;
  stmt_location?: number;
  stmt_len?: number;
}

/**
 * Every statement of a SQL file with its line, text and the `runway-ignore` comments between the
 * previous statement and it. Call `loadParser()` once first. Throws SqlSyntaxError.
 */
export function parseStatements(sql: string): Statement[] {
  const bytes = Buffer.from(sql, 'utf8');
  let stmts: RawStatement[];
  try {
    stmts = (parseSync(sql) as unknown as { stmts?: RawStatement[] }).stmts ?? [];
  } catch (e) {
    const position = (e as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition ?? 0;
    const line = lineAt(bytes, position);
    throw new SqlSyntaxError(`line ${line}: ${(e as Error).message}`, line);
  }
  const comments = scanSync(sql).tokens.filter((t) => t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT');
  let previousEnd = 0;
  return stmts.map((raw) => {
    const start = raw.stmt_location ?? 0;
    // The last statement's length is 0 when it runs to the end of the input.
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    const ignores = comments
      .filter((c) => c.start >= previousEnd && c.end <= start)
      .flatMap((c) => {
        const m = IGNORE.exec(bytes.subarray(c.start, c.end).toString('utf8').trim());
        return m ? [{ rule: m[1], reason: m[2].trim(), line: lineAt(bytes, c.start) }] : [];
      });
    previousEnd = end;
    const [type, node] = Object.entries(raw.stmt)[0] as [string, AstNode];
    return {
      type,
      node,
      line: lineAt(bytes, start),
      text: bytes.subarray(start, end).toString('utf8').trim(),
      ignores,
      lineOf: (location: number) => lineAt(bytes, location),
    };
  });
}
