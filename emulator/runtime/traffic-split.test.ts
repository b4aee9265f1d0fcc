import { WeightedRoundRobin } from './traffic-split';

function counts(weights: [string, number][], n: number): Record<string, number> {
  const rr = new WeightedRoundRobin(weights.map(([value, weight]) => ({ value, weight })));
  const seen: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const v = rr.next() ?? 'none';
    seen[v] = (seen[v] ?? 0) + 1;
  }
  return seen;
}

it.each<[string, [string, number][], number, Record<string, number>]>([
  [
    '50/50',
    [
      ['a', 50],
      ['b', 50],
    ],
    100,
    { a: 50, b: 50 },
  ],
  [
    '90/10',
    [
      ['a', 90],
      ['b', 10],
    ],
    100,
    { a: 90, b: 10 },
  ],
  [
    'a zero weight gets nothing',
    [
      ['a', 100],
      ['b', 0],
    ],
    10,
    { a: 10 },
  ],
  [
    'three ways',
    [
      ['a', 20],
      ['b', 30],
      ['c', 50],
    ],
    10,
    { a: 2, b: 3, c: 5 },
  ],
  ['nothing with weight', [['a', 0]], 3, { none: 3 }],
])('%s', (_, weights, n, expected) => {
  expect(counts(weights, n)).toEqual(expected);
});

it('interleaves instead of sending runs', () => {
  const rr = new WeightedRoundRobin([
    { value: 'a', weight: 50 },
    { value: 'b', weight: 50 },
  ]);
  expect([rr.next(), rr.next(), rr.next(), rr.next()]).toEqual(['a', 'b', 'a', 'b']);
});
