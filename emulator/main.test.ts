import { parseArgs } from './main';

it.each<[string[], object]>([
  [[], { port: 8090 }],
  [['--port', '0'], { port: 0 }],
  [['--port=9000', '--state-dir', '/tmp/s'], { port: 9000, stateDir: '/tmp/s' }],
  [
    ['--secrets-dir', 's', '--registry', '127.0.0.1:5001', '--startup-timeout-ms', '5000'],
    { port: 8090, secretsDir: 's', registry: '127.0.0.1:5001', startupTimeoutMs: 5000 },
  ],
  [['--metrics-delay-ms', '0'], { port: 8090, metricsDelayMs: 0 }],
  [['--idle-instance-ms', '0'], { port: 8090, idleInstanceMs: 0 }],
  [['--max-revisions', '3'], { port: 8090, maxRevisions: 3 }],
])('%j', (argv, options) => {
  expect(parseArgs(argv)).toEqual(options);
});

it.each([
  [['--port', 'x'], /--port must be a non-negative integer, got 'x'/],
  [['--port', '70000'], /--port must be at most 65535/],
  [['--state-dir'], /--state-dir needs a value/],
  [['--verbose', '1'], /unknown option --verbose; usage: npm run emulator/],
])('%j is rejected', (argv, message) => {
  expect(() => parseArgs(argv)).toThrow(message);
});
