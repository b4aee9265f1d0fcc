/** Expected HTTP statuses: `200`, `200-299`, `2xx`, in a list. */
import { InvalidValue, type Kind } from '../inputs';

export interface StatusRange {
  readonly from: number;
  readonly to: number;
}

function code(text: string): number {
  const n = Number(text);
  if (n < 100 || n > 599) throw new InvalidValue(`${text} is not an HTTP status (100-599)`);
  return n;
}

export function parseStatusRange(raw: string): StatusRange {
  const single = /^(\d{3})$/.exec(raw);
  if (single) return { from: code(single[1]), to: code(single[1]) };
  const span = /^(\d{3})\s*-\s*(\d{3})$/.exec(raw);
  if (span) {
    const range = { from: code(span[1]), to: code(span[2]) };
    if (range.from > range.to) throw new InvalidValue(`range ${raw} ends before it starts`);
    return range;
  }
  const klass = /^([1-5])xx$/i.exec(raw);
  if (klass) return { from: Number(klass[1]) * 100, to: Number(klass[1]) * 100 + 99 };
  throw new InvalidValue('expected a status (200), a range (200-299) or a class (2xx)');
}

export const statusRange: Kind<StatusRange> = {
  allowed: 'an HTTP status (200), a range (200-299) or a class (2xx)',
  parse: parseStatusRange,
};

export function statusMatches(ranges: readonly StatusRange[], status: number): boolean {
  return ranges.some((r) => status >= r.from && status <= r.to);
}

export function formatStatusRanges(ranges: readonly StatusRange[]): string {
  return ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(', ');
}
