import { status } from '@grpc/grpc-js';
import { described, restoreFailed } from './api-errors';

const apiError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details });

describe('API error wording', () => {
  it.each([
    [
      apiError(status.PERMISSION_DENIED, 'run.services.update denied'),
      /^PERMISSION_DENIED: run.services.update denied\n.*roles\/run.developer/,
    ],
    [apiError(status.UNAVAILABLE, 'connection reset'), /^UNAVAILABLE: connection reset\n.*transient/],
  ])('an API error is explained: %s', (error, wording) => {
    expect((described(error) as Error).message).toMatch(wording);
  });

  it('any other error is kept as it is', () => {
    const refused = new Error('refusing to promote: web-b is not Ready');
    expect(described(refused)).toBe(refused);
  });

  it('a restore that failed names the service', () => {
    expect(restoreFailed('web', apiError(status.ABORTED, 'etag mismatch')).message).toMatch(
      /^Could not restore the traffic of web: ABORTED: etag mismatch/,
    );
  });
});
