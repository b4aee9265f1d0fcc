import { formatStatusRanges, parseStatusRange, statusMatches, statusRange } from './status';
import { kinds } from '../inputs';

it.each([
  ['200', { from: 200, to: 200 }],
  ['200-299', { from: 200, to: 299 }],
  ['301 - 302', { from: 301, to: 302 }],
  ['2xx', { from: 200, to: 299 }],
  ['4XX', { from: 400, to: 499 }],
])('parses %s', (raw, range) => {
  expect(parseStatusRange(raw)).toEqual(range);
});

it.each([
  ['99', /expected a status/],
  ['600', /600 is not an HTTP status/],
  ['299-200', /ends before it starts/],
  ['6xx', /expected a status/],
  ['ok', /expected a status/],
])('rejects %s', (raw, message) => {
  expect(() => parseStatusRange(raw)).toThrow(message);
});

it.each([
  ['200-299', 204, true],
  ['200-299', 301, false],
  ['200, 204', 204, true],
  ['200,204', 201, false],
  ['2xx,404', 404, true],
])('%s matches %d: %p', (raw, status, matches) => {
  expect(statusMatches(kinds.list(statusRange).parse(raw), status)).toBe(matches);
});

it('formats ranges for messages', () => {
  expect(formatStatusRanges(kinds.list(statusRange).parse('200-299, 304'))).toBe('200-299, 304');
});
