/**
 * Splits requests by traffic percent with smooth weighted round robin (the nginx algorithm): each pick
 * adds every weight to its running score and takes the highest, so any window of 100 requests follows
 * the percents closely, without the variance of a random draw.
 */
export class WeightedRoundRobin<T> {
  private readonly entries: { value: T; weight: number; score: number }[];
  private readonly total: number;

  constructor(weighted: readonly { value: T; weight: number }[]) {
    this.entries = weighted.filter((w) => w.weight > 0).map((w) => ({ ...w, score: 0 }));
    this.total = this.entries.reduce((s, e) => s + e.weight, 0);
  }

  /** The next value, or undefined when nothing has weight. */
  next(): T | undefined {
    let best: (typeof this.entries)[number] | undefined;
    for (const e of this.entries) {
      e.score += e.weight;
      if (!best || e.score > best.score) best = e;
    }
    if (best) best.score -= this.total;
    return best?.value;
  }
}
