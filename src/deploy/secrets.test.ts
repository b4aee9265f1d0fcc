import { parseKeyValues } from '../inputs/key-values';
import { parseSecretRefs } from './secrets';

describe('parseSecretRefs', () => {
  it.each([
    ['DATABASE_URL=db-url:latest', { env: [{ env: 'DATABASE_URL', secret: 'db-url', version: 'latest' }], files: [] }],
    [
      'API_KEY=projects/acme/secrets/api-key:3',
      { env: [{ env: 'API_KEY', secret: 'projects/acme/secrets/api-key', version: '3' }], files: [] },
    ],
    [
      'API_KEY=projects/acme/secrets/api-key/versions/7',
      { env: [{ env: 'API_KEY', secret: 'projects/acme/secrets/api-key', version: '7' }], files: [] },
    ],
    [
      '/secrets/api/key=api-key:latest\n/secrets/api/old=api-key:2',
      {
        env: [],
        files: [
          { directory: '/secrets/api', file: 'key', secret: 'api-key', version: 'latest' },
          { directory: '/secrets/api', file: 'old', secret: 'api-key', version: '2' },
        ],
      },
    ],
    ['{}', { env: [], files: [] }],
  ])('%j', (raw, expected) => expect(parseSecretRefs(parseKeyValues(raw))).toEqual(expected));

  it.each([
    ['DATABASE_URL=db-url', /DATABASE_URL=db-url has no version: write DATABASE_URL=db-url:latest/],
    ['DATABASE_URL=db-url:', /has no version/],
    ['DATABASE_URL=db-url:v1', /version "v1" must be latest or a number/],
    ['DATABASE_URL=db url:1', /"db url" is not a secret name/],
    ['1BAD=db-url:1', /"1BAD" is neither an environment variable name nor a \/mount\/path/],
    ['/key=db-url:1', /not a mount path/],
    ['/dir/=db-url:1', /not a mount path/],
    ['/s/a=one:1,/s/b=two:1', /mount different secrets in \/s; Cloud Run mounts one secret per directory/],
  ])('%j fails', (raw, message) => expect(() => parseSecretRefs(parseKeyValues(raw))).toThrow(message));
});
