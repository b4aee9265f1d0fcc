/**
 * Body assertions: `$.database == "connected"`, `$.checks[0].ok == true`, `$['x-y'] exists`,
 * `$.version =~ "^2\."`, `$.latency_ms < 200`. A small JSON-path subset ($, .name, [0], ['name'])
 * followed by an operator and a JSON value (bare words are taken as strings).
 */
import { isDeepStrictEqual } from 'node:util';
import { InvalidValue, type Kind } from '../inputs';

export type Operator = '==' | '!=' | '=~' | '<' | '<=' | '>' | '>=' | 'exists';
export type PathSegment = string | number;

export interface Assertion {
  /** The line as the user wrote it, for messages. */
  readonly text: string;
  readonly path: string;
  readonly segments: readonly PathSegment[];
  readonly operator: Operator;
  /** The JSON value to compare with (a number for ordering operators); unused for `exists` and `=~`. */
  readonly value?: unknown;
  readonly regex?: RegExp;
}

export interface AssertionFailure {
  readonly assertion: string;
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
}

/** Parses `$`, `.name`, `[0]`, `['name']`, `["name"]`; returns the segments and where the path ends. */
export function parsePath(text: string): { segments: PathSegment[]; end: number } {
  if (text[0] !== '$') throw new InvalidValue('a JSON path starts with $ (e.g. $.database or $.checks[0].status)');
  const segments: PathSegment[] = [];
  let i = 1;
  for (;;) {
    const rest = text.slice(i);
    const m =
      /^\.([A-Za-z_$][\w$-]*)/.exec(rest) ??
      /^\[(\d+)\]/.exec(rest) ??
      /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest) ??
      /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest);
    if (!m) break;
    segments.push(m[0].startsWith('[') && /^\d+$/.test(m[1]) ? Number(m[1]) : m[1].replace(/\\(.)/g, '$1'));
    i += m[0].length;
  }
  const next = text[i];
  if (next !== undefined && !/[\s=!<>]/.test(next))
    throw new InvalidValue(`unsupported JSON path syntax at "${text.slice(i)}" (use .name, [0] or ['name'])`);
  return { segments, end: i };
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function parseRegex(raw: string): RegExp {
  const literal = /^\/(.*)\/([dgimsuy]*)$/.exec(raw);
  const value = parseValue(raw);
  const [source, flags] = literal ? [literal[1], literal[2]] : [typeof value === 'string' ? value : raw, ''];
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new InvalidValue(`invalid regular expression: ${(e as Error).message}`);
  }
}

export function parseAssertion(text: string): Assertion {
  const { segments, end } = parsePath(text);
  const path = text.slice(0, end);
  const rest = text.slice(end).trim();
  if (rest === 'exists') return { text, path, segments, operator: 'exists' };
  const m = /^(==|!=|=~|<=|>=|<|>)\s*(.*)$/.exec(rest);
  if (!m) throw new InvalidValue('expected an operator after the path: ==, !=, =~, <, <=, >, >= or exists');
  const operator = m[1] as Operator;
  const raw = m[2].trim();
  if (raw === '') throw new InvalidValue(`expected a value after ${operator}`);
  if (raw.startsWith('=')) throw new InvalidValue(`unknown operator ${operator}=; use ==, !=, =~, <, <=, >, >= or exists`);
  if (operator === '=~') return { text, path, segments, operator, regex: parseRegex(raw) };
  const value = parseValue(raw);
  if (['<', '<=', '>', '>='].includes(operator) && typeof value !== 'number')
    throw new InvalidValue(`${operator} compares numbers; ${raw} is not a number`);
  return { text, path, segments, operator, value };
}

export const assertion: Kind<Assertion> = {
  allowed: "a JSON path ($.a.b, $.a[0], $['x']), an operator (==, !=, =~, <, <=, >, >=, exists) and a JSON value",
  parse: parseAssertion,
};

/** Follows the path; undefined when any step is missing. */
export function select(document: unknown, segments: readonly PathSegment[]): unknown {
  let current = document;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function holds(a: Assertion, actual: unknown): boolean {
  switch (a.operator) {
    case 'exists':
      return actual !== undefined;
    case '==':
      return isDeepStrictEqual(actual, a.value);
    case '!=':
      return actual !== undefined && !isDeepStrictEqual(actual, a.value);
    case '=~':
      return (typeof actual === 'string' || typeof actual === 'number') && a.regex!.test(String(actual));
    case '<':
      return typeof actual === 'number' && actual < (a.value as number);
    case '<=':
      return typeof actual === 'number' && actual <= (a.value as number);
    case '>':
      return typeof actual === 'number' && actual > (a.value as number);
    case '>=':
      return typeof actual === 'number' && actual >= (a.value as number);
  }
}

function expectedText(a: Assertion): string {
  if (a.operator === 'exists') return 'exists';
  if (a.operator === '=~') return `=~ ${String(a.regex)}`;
  return `${a.operator} ${show(a.value)}`;
}

/** Null when the assertion holds for the parsed body; otherwise the path, the expectation and the actual value. */
export function evaluateAssertion(a: Assertion, document: unknown): AssertionFailure | null {
  const actual = select(document, a.segments);
  if (holds(a, actual)) return null;
  return { assertion: a.text, path: a.path, expected: expectedText(a), actual: show(actual) };
}
