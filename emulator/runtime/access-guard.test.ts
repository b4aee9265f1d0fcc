import { durationMs } from './access-guard';

it.each([
  [{ seconds: '300', nanos: 0 }, 300_000],
  [{ seconds: 2 }, 2000],
  [{ seconds: '1', nanos: 500_000_000 }, 1500],
  [{ seconds: '0' }, undefined],
  [null, undefined],
  [undefined, undefined],
])('durationMs(%j) = %j', (duration, ms) => expect(durationMs(duration)).toBe(ms));
