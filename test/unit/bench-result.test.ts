import { median, meets, percentileOf, seeded } from '../../bench/result';

it.each([
  [[3], 3],
  [[5, 1, 3], 3],
  [[4, 1, 3, 2], 2.5],
])('median(%j) = %d', (values, expected) => {
  expect(median(values)).toBe(expected);
});

it.each([
  [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 10],
  [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
  [[7], 99, 7],
])('percentileOf(%j, %d) = %d (nearest rank)', (values, p, expected) => {
  expect(percentileOf(values, p)).toBe(expected);
});

it.each([
  [{ value: 5000, goal: 5000, better: 'lower' }, true],
  [{ value: 5001, goal: 5000, better: 'lower' }, false],
  [{ value: 0, goal: 0, better: 'lower' }, true],
  [{ value: 80, goal: 80, better: 'higher' }, true],
  [{ value: 79, goal: 80, better: 'higher' }, false],
  [{ value: 900, better: 'lower' }, true],
] as const)('meets(%j) = %p', (result, expected) => {
  expect(meets(result)).toBe(expected);
});

it('a seeded generator repeats its numbers', () => {
  const a = seeded(7);
  const b = seeded(7);
  const draws = Array.from({ length: 5 }, () => a());
  expect(draws).toEqual(Array.from({ length: 5 }, () => b()));
  for (const d of draws) expect(d).toBeGreaterThanOrEqual(0);
  expect(new Set(draws).size).toBe(5);
});
