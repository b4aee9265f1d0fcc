import {
  binomialCdf,
  boschlooGreater,
  fisherExactGreater,
  hodgesLehmannShift,
  mannWhitneyGreater,
  median,
  normalCdf,
  percentile,
} from './stats';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
  it.each([
    [[], 50, null],
    [[7], 99, 7],
    [[15, 20, 35, 40, 50], 5, 15],
    [[15, 20, 35, 40, 50], 30, 20],
    [[15, 20, 35, 40, 50], 40, 20],
    [[15, 20, 35, 40, 50], 50, 35],
    [[15, 20, 35, 40, 50], 100, 50],
    [hundred, 95, 95],
    [hundred, 99, 99],
    [hundred, 50, 50],
  ])('%j p%d = %p', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

it.each([
  [[], null],
  [[3, 1, 2], 2],
  [[4, 1, 3, 2], 2.5],
])('median(%j) = %p', (values, expected) => {
  expect(median(values)).toBe(expected);
});

// Reference values from scipy.stats.norm.cdf.
it.each([
  [0, 0.5],
  [1, 0.841344746],
  [1.96, 0.975002105],
  [-3, 0.00134989803],
  [-6, 9.86587645e-10],
])('normalCdf(%d) = %d', (z, expected) => {
  expect(normalCdf(z)).toBeCloseTo(expected, 7);
  expect(Math.abs(normalCdf(z) - expected) / expected).toBeLessThan(2e-7);
});

describe('Mann-Whitney U, one-sided "x greater"', () => {
  // Hollander & Wolfe (1973) p. 69, the example of R's ?wilcox.test: W = 35, exact p = 0.1272.
  const hwX = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const hwY = [1.15, 0.88, 0.9, 0.74, 1.21];
  // A shifted pair without ties, deterministic so scipy can recompute it.
  const x60 = Array.from({ length: 60 }, (_, i) => ((i * 37) % 101) + 0.5 + 8);
  const y60 = Array.from({ length: 60 }, (_, j) => ((j * 53) % 97) + 0.25);
  const x30 = [
    108.456, 113.216, 108.304, 91.968, 114.054, 109.464, 99.63, 110.811, 108.646, 107.941, 105.284, 110.467, 97.635, 103.371,
    100.179, 110.988, 105.397, 102.075, 97.181, 102.428, 105.081, 102.244, 117.941, 115.067, 77.888, 86.11, 103.252, 100.778,
    107.136, 107.173,
  ];
  const y30 = [
    121.178, 88.88, 96.224, 120.428, 106.467, 106.631, 94.86, 83.519, 101.675, 101.09, 87.726, 93.168, 99.28, 90.552, 99.017,
    100.955, 100.356, 94.937, 105.937, 108.912, 103.208, 91.818, 107.317, 94.986, 108.792, 89.282, 109.145, 99.799, 87.513,
    96.861,
  ];
  it.each([
    // [name, x, y, U, p, exact] — p from scipy.stats.mannwhitneyu(x, y, alternative='greater') / R
    ['all of x above y, n=3+3: 1/C(6,3)', [3, 4, 5], [0, 1, 2], 9, 0.05, true],
    ['n=3+3, U=7: (2+1+1)/20', [1, 4, 5], [0, 2, 3], 7, 0.2, true],
    ['Hollander & Wolfe, R exact', hwX, hwY, 35, 0.1272061272, true],
    ['n=30+30 without ties, scipy exact', x30, y30, 619, 0.005992902205965364, true],
    [
      'ties: normal approximation with tie and continuity correction',
      [2, 3, 4, 4, 5, 5, 6, 7, 7, 8, 9],
      [1, 2, 2, 3, 3, 3, 4, 5, 6, 6],
      83.5,
      0.02333870250697751,
      false,
    ],
    ['ties, other direction', [1, 2, 2, 3, 3, 3, 4, 5, 6, 6], [2, 3, 4, 4, 5, 5, 6, 7, 7, 8, 9], 26.5, 0.9803131096324298, false],
    ['n=60+60 (3600 pairs): normal approximation', x60, y60, 2234, 0.01144442160150063, false],
  ] as const)('%s', (_name, x, y, u, p, exact) => {
    const result = mannWhitneyGreater(x, y);
    expect(result.u).toBe(u);
    expect(result.exact).toBe(exact);
    expect(result.pValue).toBeCloseTo(p, 6);
  });

  it('is 1 when every value is tied', () => {
    expect(mannWhitneyGreater([5, 5, 5], [5, 5]).pValue).toBe(1);
  });

  it('refuses empty samples', () => {
    expect(() => mannWhitneyGreater([], [1])).toThrow(/both samples/);
  });

  it('Hodges-Lehmann shift is the median pairwise difference (numpy: 12.25)', () => {
    expect(hodgesLehmannShift(x60, y60)).toBe(12.25);
    expect(hodgesLehmannShift([10, 20], [1, 2])).toBe(13.5);
  });
});

describe('Fisher exact, one-sided "first proportion greater"', () => {
  it.each([
    // [a, n1, c, n2, p] — R fisher.test(alternative = "greater") / scipy.stats.fisher_exact
    [3, 4, 1, 4, 0.2428571429], // Fisher's tea tasting: 17/70
    [6, 60, 0, 60, 0.013705816774870485], // = C(60,6)/C(120,6)
    [4, 60, 0, 60, 0.05936220642102994],
    [5, 60, 2, 60, 0.21948980261000725],
    [0, 60, 5, 60, 1],
    [0, 10, 0, 10, 1],
    [1, 60, 0, 60, 0.5],
    [10, 10, 0, 10, 5.412544112234515e-6],
    [30, 1000, 10, 1000, 0.0010041667809150047],
  ])('%d/%d vs %d/%d: p = %d', (a, n1, c, n2, p) => {
    expect(fisherExactGreater(a, n1, c, n2)).toBeCloseTo(p, 9);
    expect(Math.abs(fisherExactGreater(a, n1, c, n2) - p) / p).toBeLessThan(1e-9);
  });

  it('6/60 vs 0/60 equals the closed form C(60,6)/C(120,6)', () => {
    let closed = 1;
    for (let i = 0; i < 6; i++) closed *= (60 - i) / (120 - i);
    expect(fisherExactGreater(6, 60, 0, 60)).toBeCloseTo(closed, 12);
  });

  it('refuses an impossible table', () => {
    expect(() => fisherExactGreater(5, 4, 0, 4)).toThrow(/invalid 2x2 table/);
  });
});

describe('Boschloo exact, one-sided "first proportion greater"', () => {
  it.each([
    // [a, n1, c, n2, p] — scipy.stats.boschloo_exact([[a, c], [n1 - a, n2 - c]], alternative='greater')
    [6, 60, 0, 60, 0.009196867687136293],
    [4, 60, 0, 60, 0.0414827466662954],
    [5, 60, 2, 60, 0.17540641376255953],
    [3, 4, 1, 4, 0.14453125],
    [2, 60, 0, 60, 0.2057116101340751],
    [7, 30, 1, 30, 0.013704203860911288],
    [1, 5, 0, 5, 0.376953125],
    [20, 400, 5, 400, 0.0014716389969025461],
    [0, 60, 0, 60, 1],
  ])('%d/%d vs %d/%d: p = %d', (a, n1, c, n2, p) => {
    const result = boschlooGreater(a, n1, c, n2);
    expect(result.test).toBe('boschloo');
    expect(Math.abs(result.pValue - p) / p).toBeLessThan(1e-6);
  });

  it('is never less powerful than Fisher', () => {
    for (const [a, c] of [
      [1, 0],
      [3, 1],
      [8, 2],
      [15, 5],
    ])
      expect(boschlooGreater(a, 40, c, 40).pValue).toBeLessThanOrEqual(fisherExactGreater(a, 40, c, 40));
  });

  it('falls back to Fisher for very large samples', () => {
    expect(boschlooGreater(30, 1000, 10, 1000)).toEqual({ pValue: fisherExactGreater(30, 1000, 10, 1000), test: 'fisher' });
  });
});

describe('binomialCdf', () => {
  // Reference values: R's pbinom(x, n, p).
  it.each([
    [10, 100, 0.05, 0.9885276],
    [3, 20, 0.3, 0.1070868],
    [0, 44, 0.1, 0.009697737],
    [1, 64, 0.1, 0.00956315],
    [0, 0, 0.5, 1],
    [5, 5, 0.9, 1],
    [2, 10, 0, 1],
    [2, 10, 1, 0],
    [-1, 10, 0.5, 0],
  ])('P(X <= %d | n %d, p %d) = %d', (x, n, p, expected) => {
    expect(binomialCdf(x, n, p)).toBeCloseTo(expected, 7);
  });
});
