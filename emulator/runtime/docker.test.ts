import { demuxLogs, engineAddress, splitReference, streamError } from './docker';

it.each<[string | undefined, ReturnType<typeof engineAddress>]>([
  [undefined, { socketPath: '/var/run/docker.sock' }],
  ['', { socketPath: '/var/run/docker.sock' }],
  ['unix:///run/user/1000/docker.sock', { socketPath: '/run/user/1000/docker.sock' }],
  ['tcp://127.0.0.1:2375', { host: '127.0.0.1', port: 2375 }],
  ['tcp://[::1]:2375/', { host: '::1', port: 2375 }],
])('DOCKER_HOST %p is %p', (value, address) => {
  expect(engineAddress(value)).toEqual(address);
});

it.each(['ssh://user@host', 'tcp://127.0.0.1', '/var/run/docker.sock', 'unix://relative.sock'])(
  'DOCKER_HOST %p is refused, naming the forms allowed',
  (value) => {
    expect(() => engineAddress(value)).toThrow(
      `DOCKER_HOST="${value}" is not valid: use unix:///path/to/docker.sock or tcp://HOST:PORT`,
    );
  },
);

it.each<[string, { name: string; tag: string }]>([
  ['node', { name: 'node', tag: 'latest' }],
  ['node:24-slim', { name: 'node', tag: '24-slim' }],
  ['127.0.0.1:5000/app/web', { name: '127.0.0.1:5000/app/web', tag: 'latest' }],
  ['127.0.0.1:5000/app/web:v1', { name: '127.0.0.1:5000/app/web', tag: 'v1' }],
  ['127.0.0.1:5000/app/web@sha256:abc', { name: '127.0.0.1:5000/app/web', tag: 'sha256:abc' }],
])('reference %p pulls %p', (ref, parts) => {
  expect(splitReference(ref)).toEqual(parts);
});

const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

it.each<[string, Buffer, string]>([
  ['nothing', Buffer.alloc(0), ''],
  ['stdout then stderr, in order', Buffer.concat([frame(1, 'starting\n'), frame(2, 'Error: boom\n')]), 'starting\nError: boom\n'],
  ['stderr first', Buffer.concat([frame(2, 'a\n'), frame(1, 'b\n')]), 'a\nb\n'],
  ['a cut last frame keeps what arrived', Buffer.concat([frame(1, 'x\n'), frame(1, 'yz').subarray(0, 9)]), 'x\ny'],
])('log stream: %s', (_, raw, text) => {
  expect(demuxLogs(raw)).toBe(text);
});

it.each<[string, string, string | undefined]>([
  ['progress only', '{"status":"Pulling from app/web"}\n{"status":"Digest: sha256:abc"}\n', undefined],
  [
    'an error mid-stream',
    '{"status":"Pulling"}\n{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\n',
    'manifest unknown',
  ],
  ['a partial line', '{"status":"Pull', undefined],
])('pull stream: %s', (_, body, error) => {
  expect(streamError(body)).toBe(error);
});
