import { InvalidValue } from '../inputs';
import { evaluateAssertion, parseAssertion, parsePath, select } from './assertion';

describe('parsePath', () => {
  it.each([
    ['$', []],
    ['$.database', ['database']],
    ['$.checks[0].status', ['checks', 0, 'status']],
    ["$['x-y'].z", ['x-y', 'z']],
    ['$["with space"][12]', ['with space', 12]],
    ["$['it\\'s']", ["it's"]],
    ['$.a_b.$c.d-e', ['a_b', '$c', 'd-e']],
  ])('%s', (path, segments) => {
    expect(parsePath(path).segments).toEqual(segments);
  });

  it.each([
    ['database', /starts with \$/],
    ['$..deep', /unsupported JSON path syntax at "..deep"/],
    ['$[*]', /unsupported/],
    ['$.a[?(@.x)]', /unsupported/],
  ])('rejects %s', (path, message) => {
    expect(() => parsePath(path)).toThrow(message);
  });
});

describe('parseAssertion', () => {
  it.each([
    ['$.database == "connected"', '==', 'connected'],
    ['$.database == connected', '==', 'connected'],
    ['$.ok == true', '==', true],
    ['$.count != 0', '!=', 0],
    ['$.items == [1,2]', '==', [1, 2]],
    ['$.latency_ms < 200', '<', 200],
    ['$.latency_ms<=200', '<=', 200],
    ['$.n > -1.5', '>', -1.5],
    ['$.n >= 3', '>=', 3],
    ['$.error == null', '==', null],
  ])('%s', (text, operator, value) => {
    const a = parseAssertion(text);
    expect(a.operator).toBe(operator);
    expect(a.value).toEqual(value);
    expect(a.text).toBe(text);
  });

  it('reads exists and regexes as JSON strings or /literals/', () => {
    expect(parseAssertion('$.redis exists').operator).toBe('exists');
    expect(parseAssertion('$.version =~ "^2\\\\."').regex!.test('2.1')).toBe(true);
    expect(parseAssertion('$.version =~ /^V2/i').regex!.test('v2.0')).toBe(true);
  });

  it.each([
    ['$.a', /expected an operator/],
    ['$.a === 1', /==, !=, =~/],
    ['$.a ==', /expected a value after ==/],
    ['$.a < "ten"', /compares numbers; "ten" is not a number/],
    ['$.a =~ /(/', /invalid regular expression/],
    ['a == 1', /starts with \$/],
  ])('rejects %s', (text, message) => {
    expect(() => parseAssertion(text)).toThrow(InvalidValue);
    expect(() => parseAssertion(text)).toThrow(message);
  });
});

describe('select', () => {
  const doc = { a: { b: [10, { c: 'x' }] }, 'x-y': 1, n: null };
  it.each([
    [[], doc],
    [['a', 'b', 0], 10],
    [['a', 'b', 1, 'c'], 'x'],
    [['x-y'], 1],
    [['n'], null],
    [['a', 'b', 5], undefined],
    [['a', 0], undefined],
    [['a', 'b', 'length'], undefined],
    [['missing', 'deeper'], undefined],
    [['toString'], undefined],
  ])('%j', (segments, expected) => {
    expect(select(doc, segments)).toEqual(expected);
  });
});

describe('evaluateAssertion', () => {
  const body = {
    status: 'ok',
    database: 'error',
    redis: 'connected',
    latency: 240,
    version: '2.3.1',
    checks: [{ ok: true }],
    tags: ['a'],
  };
  it.each([
    ['$.redis == "connected"', true],
    ['$.database == "connected"', false],
    ['$.database != "error"', false],
    ['$.database != "connected"', true],
    ['$.missing != "x"', false],
    ['$.checks[0].ok == true', true],
    ['$.checks[0] == {"ok": true}', true],
    ['$.tags == ["a"]', true],
    ['$.tags == ["a", "b"]', false],
    ['$.latency < 300', true],
    ['$.latency <= 240', true],
    ['$.latency > 240', false],
    ['$.latency >= 240', true],
    ['$.version < 3', false],
    ['$.version =~ "^2\\\\."', true],
    ['$.latency =~ "^24"', true],
    ['$.checks =~ "ok"', false],
    ['$.redis exists', true],
    ['$.cache exists', false],
  ])('%s holds: %p', (text, holds) => {
    expect(evaluateAssertion(parseAssertion(text), body) === null).toBe(holds);
  });

  it('names the path, the expectation and the offending value', () => {
    expect(evaluateAssertion(parseAssertion('$.database == "connected"'), body)).toEqual({
      assertion: '$.database == "connected"',
      path: '$.database',
      expected: '== "connected"',
      actual: '"error"',
    });
    expect(evaluateAssertion(parseAssertion('$.cache.hits > 0'), body)).toMatchObject({ expected: '> 0', actual: 'missing' });
    expect(evaluateAssertion(parseAssertion('$.version =~ /^3/'), body)).toMatchObject({
      expected: '=~ /^3/',
      actual: '"2.3.1"',
    });
  });
});
