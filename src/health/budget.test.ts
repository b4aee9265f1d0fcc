import { allowedAbove, allowedErrors, budgetOutcome, combine } from './budget';

describe('budgetOutcome (the early-stop rule)', () => {
  it.each([
    // [bad, done, total, allowed, outcome]
    [0, 0, 60, 6, 'open'],
    [7, 7, 60, 6, 'fail'], // always failing: certain after allowed + 1 requests
    [6, 10, 60, 6, 'open'],
    [0, 54, 60, 6, 'pass'], // even 6 more failures stay within 6
    [0, 53, 60, 6, 'open'],
    [3, 57, 60, 6, 'pass'],
    [6, 60, 60, 6, 'pass'],
    [7, 60, 60, 6, 'fail'],
    [1, 1, 60, 0, 'fail'],
    [0, 60, 60, 0, 'pass'],
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
