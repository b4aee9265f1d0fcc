/**
 * Cloud Monitoring filter expressions (the `filter` of ListTimeSeries), parsed into a tree and
 * evaluated against a time series' fields. The subset Runway and typical users write:
 *
 *   metric.type = "run.googleapis.com/request_count" AND resource.labels.service_name = "web"
 *   metric.labels.response_code_class = one_of("4xx", "5xx") AND NOT resource.labels.revision_name = starts_with("web-0000")
 *
 * Comparisons `=`, `!=`, `:` (has substring), `<`, `<=`, `>`, `>=`; AND (also implicit, by adjacency),
 * OR, NOT (or a leading `-`), parentheses; values as "strings", 'strings', bare words or numbers, and
 * the functions starts_with, ends_with, has_substring, one_of and monitoring.regex.full_match.
 * Selectors: metric.type, resource.type, project, metric.label(s).KEY, resource.label(s).KEY
 * (KEY may be quoted). Pure: no I/O.
 */

export type Comparator = '=' | '!=' | ':' | '<' | '<=' | '>' | '>=';

export type Value = { kind: 'text'; text: string } | { kind: 'call'; name: FunctionName; args: string[] };

export type Filter =
  | { kind: 'and'; items: Filter[] }
  | { kind: 'or'; items: Filter[] }
  | { kind: 'not'; item: Filter }
  | { kind: 'compare'; selector: string; op: Comparator; value: Value };

const FUNCTIONS = ['starts_with', 'ends_with', 'has_substring', 'one_of', 'monitoring.regex.full_match'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

export class FilterError extends Error {}

type Token = { type: 'word' | 'string' | 'op' | 'punct'; text: string; at: number };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const c = filter[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let text = '';
      let j = i + 1;
      while (j < filter.length && filter[j] !== c) {
        if (filter[j] === '\\' && j + 1 < filter.length) j++;
        text += filter[j++];
      }
      if (j >= filter.length) throw new FilterError(`unterminated string starting at position ${i + 1}`);
      tokens.push({ type: 'string', text, at: i });
      i = j + 1;
    } else if (/[!<>=:]/.test(c)) {
      const two = filter.slice(i, i + 2);
      const op = ['!=', '<=', '>='].includes(two) ? two : c;
      if (op === '!') throw new FilterError(`unexpected '!' at position ${i + 1} (did you mean != ?)`);
      tokens.push({ type: 'op', text: op, at: i });
      i += op.length;
    } else if (/[(),.-]/.test(c) && !(c === '-' && /[0-9]/.test(filter[i + 1] ?? ''))) {
      tokens.push({ type: 'punct', text: c, at: i });
      i++;
    } else {
      const m = /^-?[A-Za-z0-9_/+*%@][A-Za-z0-9_/+*%@-]*/.exec(filter.slice(i));
      if (!m) throw new FilterError(`unexpected '${c}' at position ${i + 1}`);
      tokens.push({ type: 'word', text: m[0], at: i });
      i += m[0].length;
    }
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  parse(): Filter {
    if (this.tokens.length === 0) throw new FilterError('the filter is empty');
    const filter = this.or();
    const extra = this.peek();
    if (extra) throw this.error(`unexpected '${extra.text}'`, extra);
    return filter;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token | undefined {
    return this.tokens[this.i++];
  }

  private error(message: string, token = this.peek()): FilterError {
    return new FilterError(`${message} at position ${(token?.at ?? this.length) + 1}`);
  }

  private isWord(text: string): boolean {
    const t = this.peek();
    return t?.type === 'word' && t.text === text;
  }

  private or(): Filter {
    const items = [this.and()];
    while (this.isWord('OR')) {
      this.next();
      items.push(this.and());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  private and(): Filter {
    const items = [this.unary()];
    for (;;) {
      if (this.isWord('AND')) this.next();
      else if (!this.peek() || this.isWord('OR') || this.peek()?.text === ')') break;
      items.push(this.unary());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  private unary(): Filter {
    const t = this.peek();
    if (t?.type === 'word' && t.text === 'NOT') {
      this.next();
      return { kind: 'not', item: this.unary() };
    }
    if (t?.type === 'punct' && t.text === '-') {
      this.next();
      return { kind: 'not', item: this.unary() };
    }
    if (t?.type === 'punct' && t.text === '(') {
      this.next();
      const inner = this.or();
      if (this.next()?.text !== ')') throw this.error("expected ')'");
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Filter {
    const selector = this.selector();
    const op = this.next();
    if (op?.type !== 'op') throw this.error(`expected a comparison (=, !=, :, <, <=, >, >=) after ${selector}`, op);
    const value = this.value(selector);
    if (value.kind === 'call' && op.text !== '=' && op.text !== '!=') {
      throw this.error(`${value.name}(...) can only be compared with = or !=`, op);
    }
    return { kind: 'compare', selector, op: op.text as Comparator, value };
  }

  /** `a.b."c"` → `a.b.c`, with `metric.label.` / `resource.label.` normalized to `.labels.`. */
  private selector(): string {
    const first = this.next();
    if (first?.type !== 'word')
      throw this.error('expected a selector such as metric.type or resource.labels.service_name', first);
    const parts = [first.text];
    while (this.peek()?.text === '.') {
      this.next();
      const part = this.next();
      if (part?.type !== 'word' && part?.type !== 'string') throw this.error("expected a name after '.'", part);
      parts.push(part.text);
    }
    if ((parts[0] === 'metric' || parts[0] === 'resource') && parts[1] === 'label') parts[1] = 'labels';
    const selector = parts.join('.');
    const known =
      ['metric.type', 'resource.type', 'project'].includes(selector) || /^(metric|resource)\.labels\.[^.]+$/.test(selector);
    if (!known) {
      throw new FilterError(
        `unsupported selector '${selector}': use metric.type, resource.type, project, metric.labels.KEY or resource.labels.KEY`,
      );
    }
    return selector;
  }

  private value(selector: string): Value {
    const t = this.next();
    if (t?.type === 'string') return { kind: 'text', text: t.text };
    if (t?.type !== 'word') throw this.error(`expected a value for ${selector}`, t);
    let name = t.text;
    while (this.peek()?.text === '.' && this.tokens[this.i + 1]?.type === 'word') {
      this.next();
      name += `.${this.next()!.text}`;
    }
    if (this.peek()?.text !== '(') return { kind: 'text', text: name };
    if (!(FUNCTIONS as readonly string[]).includes(name)) {
      throw this.error(`unknown function '${name}': use ${FUNCTIONS.join(', ')}`, t);
    }
    this.next();
    const args: string[] = [];
    while (this.peek()?.text !== ')') {
      const arg = this.next();
      if (arg?.type !== 'string' && arg?.type !== 'word') throw this.error(`expected a string argument to ${name}`, arg);
      args.push(arg.text);
      if (this.peek()?.text === ',') this.next();
      else if (this.peek()?.text !== ')') throw this.error(`expected ',' or ')' in ${name}(...)`);
    }
    this.next();
    const want = name === 'one_of' ? args.length >= 1 : args.length === 1;
    if (!want) throw this.error(`${name} takes ${name === 'one_of' ? 'one or more arguments' : 'exactly one argument'}`, t);
    return { kind: 'call', name: name as FunctionName, args };
  }
}

/** Parses a filter; throws FilterError saying what is wrong and where. */
export function parseFilter(filter: string): Filter {
  return new Parser(tokenize(filter), filter.length).parse();
}

/** The single metric type a ListTimeSeries filter must name (`metric.type = "..."` at top level). */
export function metricTypeOf(filter: Filter): string {
  const items = filter.kind === 'and' ? filter.items : [filter];
  const types = items.flatMap((f) =>
    f.kind === 'compare' && f.selector === 'metric.type' && f.op === '=' && f.value.kind === 'text' ? [f.value.text] : [],
  );
  if (types.length !== 1) {
    throw new FilterError('the filter must name exactly one metric type, e.g. metric.type = "run.googleapis.com/request_count"');
  }
  return types[0];
}

function matchValue(actual: string, value: Value): boolean {
  if (value.kind === 'text') return actual === value.text;
  const [arg] = value.args;
  switch (value.name) {
    case 'starts_with':
      return actual.startsWith(arg);
    case 'ends_with':
      return actual.endsWith(arg);
    case 'has_substring':
      return actual.includes(arg);
    case 'one_of':
      return value.args.includes(actual);
    case 'monitoring.regex.full_match':
      return new RegExp(`^(?:${arg})$`).test(actual);
  }
}

function order(actual: string, text: string): number {
  const [a, b] = [Number(actual), Number(text)];
  return actual !== '' && text !== '' && !Number.isNaN(a) && !Number.isNaN(b) ? a - b : actual.localeCompare(text);
}

/** Whether a time series with these fields (`metric.type`, `resource.labels.x`, ...) matches. */
export function matches(filter: Filter, fields: Readonly<Record<string, string>>): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.items.every((f) => matches(f, fields));
    case 'or':
      return filter.items.some((f) => matches(f, fields));
    case 'not':
      return !matches(filter.item, fields);
    case 'compare': {
      const actual = fields[filter.selector];
      if (actual === undefined) return filter.op === '!=';
      const { op, value } = filter;
      if (op === '=') return matchValue(actual, value);
      if (op === '!=') return !matchValue(actual, value);
      if (value.kind !== 'text') return false; // parseFilter allows calls only with = and !=
      if (op === ':') return actual.includes(value.text);
      const c = order(actual, value.text);
      return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
    }
  }
}
