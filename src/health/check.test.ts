import { kinds } from '../inputs';
import { assertion } from './assertion';
import { checkResponse, isColdStartFailure } from './check';
import { statusRange } from './status';

const checks = {
  expectedStatus: kinds.list(statusRange).parse('200-299'),
  assertions: kinds.lines(assertion).parse('$.database == "connected"\n$.redis == "connected"'),
};

it.each([
  ['healthy', 200, '{"database":"connected","redis":"connected"}', []],
  [
    'a 200 whose body says the database is down',
    200,
    '{"status":"ok","database":"error","redis":"connected"}',
    ['$.database: expected == "connected", got "error"'],
  ],
  [
    'both checks failing',
    200,
    '{"database":"error"}',
    ['$.database: expected == "connected", got "error"', '$.redis: expected == "connected", got missing'],
  ],
  ['a 503 with a healthy-looking body', 503, '{"database":"connected","redis":"connected"}', ['status 503 (expected 200-299)']],
  [
    'an HTML error page',
    200,
    '<html>Service Unavailable</html>',
    ['body is not JSON, so no assertion can hold (starts with "<html>Service Unavailable</html>")'],
  ],
])('%s', (_name, status, body, messages) => {
  expect(checkResponse(checks, status, body).map((f) => f.message)).toEqual(messages);
});

it('checks the body pattern without assertions', () => {
  const plain = { expectedStatus: checks.expectedStatus, assertions: [], bodyRegex: /^OK$/ };
  expect(checkResponse(plain, 200, 'OK')).toEqual([]);
  expect(checkResponse(plain, 200, 'NOT OK')).toEqual([{ kind: 'body', message: 'body does not match /^OK$/' }]);
});

it('an assertion failure carries the path, the expected and the actual value', () => {
  expect(checkResponse(checks, 200, '{"database":"error","redis":"connected"}')[0]).toMatchObject({
    kind: 'assertion',
    path: '$.database',
    expected: '== "connected"',
    actual: '"error"',
  });
});

it.each([
  [[{ kind: 'network', message: 'connection refused' }], undefined, true],
  [[{ kind: 'timeout', message: 'no response' }], undefined, true],
  [[{ kind: 'status', message: 'status 503' }], 503, true],
  [[{ kind: 'status', message: 'status 429' }], 429, true],
  [[{ kind: 'status', message: 'status 500' }], 500, false],
  [[{ kind: 'status', message: 'status 404' }], 404, false],
  [[{ kind: 'assertion', message: '$.database', assertion: '', path: '', expected: '', actual: '' }], 200, false],
] as const)('cold start %j (status %p): %p', (failures, status, cold) => {
  expect(isColdStartFailure(failures, status)).toBe(cold);
});
