import { status } from '@grpc/grpc-js';
import { described, describing, restoreFailed } from './api-errors';

const apiError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details });
// How a region's core that throws `e` fails once the fan-out runs it through describing.
const failing = (e: unknown) =>
  describing(async () => {
    throw e;
  })();

// Each code's own explanation is describeApiError's (src/cloudrun/errors.test.ts); here, that it is used.
describe('API error wording', () => {
  it('an API error is explained', async () => {
    const unavailable = apiError(status.UNAVAILABLE, 'connection reset');
    const wording = /^UNAVAILABLE: connection reset\n.*transient/;
    expect((described(unavailable) as Error).message).toMatch(wording);
    await expect(failing(unavailable)).rejects.toThrow(wording);
  });

  it('any other error is kept as it is', async () => {
    const refused = new Error('refusing to promote: web-b is not Ready');
    expect(described(refused)).toBe(refused);
    await expect(failing(refused)).rejects.toBe(refused);
  });

  it('a restore that failed names the service', () => {
    expect(restoreFailed('web', apiError(status.ABORTED, 'etag mismatch')).message).toMatch(
      /^Could not restore the traffic of web: ABORTED: etag mismatch/,
    );
  });
});
