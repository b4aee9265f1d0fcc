import { pollDelayMs } from './services';

describe('pollDelayMs', () => {
  it.each([
    [0, 0, 25],
    [25, 25, 50],
    [75, 50, 100],
    [4999, 100, 100],
    [5000, 100, 150],
    [6000, 150, 225],
    [20_000, 1500, 2000],
    [600_000, 2000, 2000],
  ])('%i ms after the start, after a %i ms wait: %i ms', (elapsed, previous, expected) => {
    expect(pollDelayMs(elapsed, previous)).toBe(expected);
  });
});
