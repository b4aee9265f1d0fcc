import { allowedAbove, allowedErrors, budgetOutcome, combine } from './budget';

describe('budgetOutcome (the early-stop rule)', () => {
  it.each([
    // [bad, done, total, allowed, outcome]
    [0, 0, 60, 6, 'open'],
    [7, 7, 60, 6, 'fail'], // always failing: certain after allowed + 1 requests
    [6, 10, 60, 6, 'open'],
    [0, 54, 60, 6, 'pass'], // even 6 more failures stay within 6
    [2, 53, 60, 6, 'open'], // 2 + 7 more could exceed 6; P(X <= 2 | 53, 0.1) = 0.09
    [3, 57, 60, 6, 'pass'],
    [6, 60, 60, 6, 'pass'],
    [7, 60, 60, 6, 'fail'],
    [1, 1, 60, 0, 'fail'],
    [0, 60, 60, 0, 'pass'],
    // Passing with 99 % confidence that the bad share is below allowed / total (10 %): 0.9^44 < 0.01 < 0.9^43.
    [0, 44, 100, 10, 'pass'],
    [0, 43, 100, 10, 'open'],
    [1, 63, 100, 10, 'open'], // P(X <= 1 | 63, 0.1) = 0.0105
    [1, 64, 100, 10, 'pass'], // 0.0095
    [5, 80, 100, 10, 'open'], // 6 % observed is not below 10 % with 99 % confidence; the budget decides at the end
    [0, 89, 100, 5, 'open'], // p95 limit: 5 slow allowed of 100, 0.95^89 = 0.0104
    [0, 90, 100, 5, 'pass'],
    [0, 1000, 1000, 0, 'pass'], // nothing allowed: only the full run can pass
    [0, 999, 1000, 0, 'open'],
  ] as const)('%d bad of %d done, %d planned, %d allowed: %s', (bad, done, total, allowed, outcome) => {
    expect(budgetOutcome({ bad, done, total, allowed })).toBe(outcome);
  });
});

it.each([
  [60, 0.1, 6],
  [60, 0.05, 3],
  [100, 0.07, 7],
  [10, 0.05, 0],
  [60, 0, 0],
  [60, 1, 60],
])('allowedErrors(%d, %d) = %d', (total, rate, allowed) => {
  expect(allowedErrors(total, rate)).toBe(allowed);
});

it.each([
  [60, 95, 3], // p95 of 60 is the 57th value
  [60, 99, 0], // p99 of 60 is the largest
  [100, 95, 5],
  [100, 99, 1],
  [200, 99, 2],
  [20, 95, 1],
])('allowedAbove(%d, p%d) = %d', (total, p, allowed) => {
  expect(allowedAbove(total, p)).toBe(allowed);
});

it.each([
  [['pass', 'pass'], 'pass'],
  [['pass', 'open'], 'open'],
  [['open', 'fail'], 'fail'],
  [[], 'pass'],
] as const)('combine(%j) = %s', (outcomes, expected) => {
  expect(combine(outcomes)).toBe(expected);
});
