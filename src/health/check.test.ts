import { kinds } from '../inputs';
import { assertion } from './assertion';
import { checkResponse, isPlatformUnavailable, isRetried } from './check';
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

/** Cloud Run's own page when no instance takes the request (see isPlatformUnavailable for sources). */
const cloudRunPage =
  '<html><head>\n<meta http-equiv="content-type" content="text/html;charset=utf-8">\n<title>503 Server Error</title>\n</head>\n' +
  '<body text=#000000 bgcolor=#ffffff>\n<h1>Error: Server Error</h1>\n' +
  '<h2>The service you requested is not available yet.<p>Please try again in 30 seconds.</h2>\n<h2></h2>\n</body></html>\n';
const googlePage =
  '<!DOCTYPE html>\n<html lang=en>\n<meta charset=utf-8>\n<title>Error 503 (Service Unavailable)!!1</title>\n' +
  '<p><b>503.</b> <ins>That’s an error.</ins>';

describe('isPlatformUnavailable: the platform did not reach the app, or the app answered', () => {
  it.each([
    ["Cloud Run's own 503 page", 503, cloudRunPage, true],
    ["Cloud Run's page with 429 (no instance in time)", 429, cloudRunPage.replace('503', '429'), true],
    ["Google's front-end 503 page", 503, googlePage, true],
    ['an empty 503', 503, '', true],
    ['an empty 502', 502, '  \n', true],
    ["the emulator's router", 503, 'Service Unavailable: no ready revision serves this URL\n', true],
    ["the app's own 503 with a JSON body", 503, '{"status":"unavailable","database":"error"}', false],
    ["the app's own 503 in plain text", 503, 'Service Unavailable', false],
    ["the app's own HTML 503 page", 503, '<html><title>Maintenance</title><h1>Back soon</h1></html>', false],
    ['a 500 with the platform-looking page (the instance crashed: an answer)', 500, cloudRunPage.replace('503', '500'), false],
    ['an empty 500', 500, '', false],
    ['an empty 200', 200, '', false],
  ] as const)('%s: %p', (_name, status, body, platform) => {
    expect(isPlatformUnavailable(status, body)).toBe(platform);
  });
});

it('names the platform page in the status failure', () => {
  expect(checkResponse({ expectedStatus: checks.expectedStatus, assertions: [] }, 503, cloudRunPage)).toEqual([
    { kind: 'status', message: "status 503, the platform's own page: no instance took the request (expected 200-299)" },
  ]);
});

it.each([
  ['network', true],
  ['platform', true],
  ['timeout', false],
  [undefined, false],
] as const)('a measured request unanswered by %p is asked again: %p', (unanswered, retried) => {
  expect(isRetried(unanswered)).toBe(retried);
});
