import { servingVerdict } from './serving-probe';

describe('servingVerdict', () => {
  it.each([
    ['pass', 'pass', false, undefined],
    [
      'pass',
      'fail',
      true,
      /passed before the migration and fails after it \(fail\): 20260103000000_rename_field broke the code that serves now\. Rolling back to web-1 will not restore the schema: roll forward/,
    ],
    ['pass', 'inconclusive', true, /fails after it \(inconclusive\)/],
    ['fail', 'fail', false, /did not pass before the migration \(fail\), so whether the migration broke it cannot be told/],
  ] as const)('before %s, after %s', (before, after, broken, message) => {
    const v = servingVerdict(before, after, ['20260103000000_rename_field'], 'web-1');
    expect(v.broken).toBe(broken);
    if (message) expect(v.message).toMatch(message);
    else expect(v.message).toBeUndefined();
  });
});
