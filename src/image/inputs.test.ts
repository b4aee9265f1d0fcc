import { inputProblemLines } from '../../test/helpers/input-problems';
import { readInputs } from '../inputs';
import { buildImageAction } from './inputs';

const read = (raw: Record<string, string>, env: NodeJS.ProcessEnv = { GITHUB_SHA: 'abc' }) =>
  readInputs(buildImageAction, (n) => raw[n], env);

describe('build-image inputs', () => {
  it('defaults: linux/amd64, push, strict check, Dockerfile in the working directory', () => {
    expect(read({ image: '127.0.0.1:5000/acme/web' })).toMatchObject({
      context: '.',
      dockerfile: 'Dockerfile',
      platform: 'linux/amd64',
      push: true,
      'prisma-check': 'strict',
      'check-only': false,
    });
  });

  it.each([
    [
      { image: 'r.example/acme/web', platform: 'linux/arm64' },
      undefined,
      'platform: "linux/arm64" is not valid: expected linux/amd64, the only platform Cloud Run runs (multi-platform images are refused)',
    ],
    [
      { image: 'r.example/acme/web:latest' },
      undefined,
      'image: "r.example/acme/web:latest" must not carry a tag or digest; put tags in "tags"',
    ],
    [{ image: '127.0.0.1:5000/acme/web' }, {}, 'tags: is required when GITHUB_SHA is not set (nothing to tag the image with)'],
    [
      { image: 'r.example/a', 'prisma-check': 'loud' },
      undefined,
      'prisma-check: "loud" is not valid: expected one of strict, warn, off',
    ],
    [
      { image: 'r.example/a', 'build-secrets': 'ca' },
      undefined,
      'build-secrets: "ca" is not valid: line "ca": expected ID=FILE or ID=env:VARIABLE',
    ],
    [
      { image: 'r.example/a', 'build-secrets': '..=/etc/passwd' },
      undefined,
      'build-secrets: "..=/etc/passwd" is not valid: line "..=/etc/passwd": expected ID=FILE or ID=env:VARIABLE',
    ],
    [
      { image: 'r.example/a', cache: 'type=local' },
      undefined,
      'cache: "type=local" is not valid: expected gha or an image reference with a tag',
    ],
  ])('refuses %j', (raw, env, message) => {
    expect(inputProblemLines(() => read(raw, env))).toEqual([message]);
  });

  it('accepts extra tags, build args with = in values, and a registry port', () => {
    expect(
      read({ image: '127.0.0.1:5000/acme/web', tags: 'latest, v1.2.3', 'build-args': 'A=1\nURL=https://x/?a=b' }),
    ).toMatchObject({
      tags: ['latest', 'v1.2.3'],
      'build-args': ['A=1', 'URL=https://x/?a=b'],
    });
  });
});
