import * as kinds from './kinds';
import { InvalidValue, type Kind } from './spec';

const ok = <T>(kind: Kind<T>, raw: string, value: T) => ({ kind, raw, value });
const bad = (kind: Kind<unknown>, raw: string, message: RegExp) => ({ kind, raw, message });

describe('kinds parse valid values', () => {
  it.each([
    ok(kinds.bool, 'true', true),
    ok(kinds.bool, 'False', false),
    ok(kinds.integer(0, 100), '42', 42),
    ok(kinds.integer(1), '7', 7),
    ok(kinds.decimal(0, 1), '0.05', 0.05),
    ok(kinds.oneOf('merge', 'overwrite'), 'merge', 'merge'),
    ok(kinds.duration(1, 3600), '90', 90),
    ok(kinds.duration(1, 3600), '5m', 300),
    ok(kinds.duration(0, 10), '500ms', 0.5),
    ok(kinds.duration(1, 3600), '10m5s', 605),
    ok(kinds.duration(1, 7200), '1h30m', 5400),
    ok(kinds.duration(0, 10), '1s500ms', 1.5),
    ok(kinds.list(kinds.text), 'a, b\nc,,', ['a', 'b', 'c']),
    ok(kinds.list(kinds.integer(0, 100)), '10,50,100', [10, 50, 100]),
    ok(kinds.lines(kinds.text), '$.a == "x,y"\n\n $.b exists ', ['$.a == "x,y"', '$.b exists']),
    ok(kinds.json('an object'), '{"a":1}', { a: 1 }),
    ok(
      kinds.parsedBy('an even number', (raw) => Number(raw)),
      '4',
      4,
    ),
  ])('$raw', ({ kind, raw, value }) => {
    expect(kind.parse(raw)).toEqual(value);
  });
});

describe('kinds reject invalid values with what is allowed', () => {
  it.each([
    bad(kinds.bool, 'maybe', /true or false/),
    bad(kinds.integer(0, 100), '101', /from 0 to 100/),
    bad(kinds.integer(0, 100), '1.5', /whole number/),
    bad(kinds.decimal(0, 1), 'abc', /number from 0 to 1/),
    bad(kinds.oneOf('merge', 'overwrite'), 'replace', /one of merge, overwrite/),
    bad(kinds.duration(1, 60), '2h', /from 1s to 60s/),
    bad(kinds.duration(1, 60), 'soon', /500ms, 30s/),
    bad(kinds.duration(1, 3600), '10m5', /10m5s/),
    bad(kinds.duration(1, 3600), '5s10x', /10m5s/),
    bad(kinds.list(kinds.integer(0, 100)), '10,x', /item "x"/),
    bad(kinds.list(kinds.text), ' , ', /at least 1/),
    bad(kinds.lines(kinds.pattern(/^\$/, 'a JSON path')), 'x', /line "x": expected a JSON path/),
    bad(kinds.json('an object'), '{', /not valid JSON/),
    bad(
      kinds.parsedBy('an even number', () => {
        throw new Error('3 is odd');
      }),
      '3',
      /^3 is odd$/,
    ),
  ])('$raw', ({ kind, raw, message }) => {
    expect(() => kind.parse(raw)).toThrow(InvalidValue);
    expect(() => kind.parse(raw)).toThrow(message);
  });
});
