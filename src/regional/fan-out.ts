/**
 * Running a single-region core in every region at once (issue 14): preflight everywhere before any
 * change, act everywhere, and undo where it succeeded when any region failed. With one region the
 * core runs as it always did: same reporter, same errors.
 */
import { md, prefixedReporter, type Reporter } from '../report';
import type { Leg } from './legs';

/** The reporter for one region's work: its lines start with `[region] ` when several regions run at once. */
export const regionReporter = (reporter: Reporter, region: string, several: boolean): Reporter =>
  several ? prefixedReporter(reporter, `[${region}] `) : reporter;

/** Runs `work` for every leg at once and waits for all of them, failed or not. */
export function inEveryRegion<L extends Leg, T>(
  legs: readonly L[],
  reporter: Reporter,
  work: (leg: L, reporter: Reporter, index: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  const several = legs.length > 1;
  return Promise.allSettled(legs.map((l, i) => work(l, regionReporter(reporter, l.target.region, several), i)));
}

/** The regions that failed, each with its reason, in the order of the legs. */
function regionFailures(
  legs: readonly Leg[],
  settled: readonly PromiseSettledResult<unknown>[],
): { region: string; reason: unknown }[] {
  return settled.flatMap((s, i) => (s.status === 'rejected' ? [{ region: legs[i].target.region, reason: s.reason }] : []));
}

/** Thrown when one or more regions failed: names each and says why. */
export class RegionsFailed extends Error {
  constructor(
    readonly what: string,
    readonly failures: readonly { region: string; reason: unknown }[],
  ) {
    super(
      `${what} failed in ${failures.map((f) => f.region).join(', ')}:\n` +
        failures.map((f) => `[${f.region}] ${reasonText(f.reason)}`).join('\n'),
    );
    this.name = 'RegionsFailed';
  }

  /** Job-summary Markdown: which region failed and why. */
  summary(): string {
    return md.table(
      ['Region', 'Why'],
      this.failures.map((f) => [md.code(f.region), reasonText(f.reason)]),
    );
  }
}

const reasonText = (reason: unknown): string => (reason instanceof Error ? reason.message : String(reason));

/**
 * Every region's value when all succeeded. A failure throws: with one region its own error, as
 * before multi-region; with several a RegionsFailed naming each failed region.
 */
export function valuesOrThrow<T>(what: string, legs: readonly Leg[], settled: readonly PromiseSettledResult<T>[]): T[] {
  const failures = regionFailures(legs, settled);
  if (failures.length === 0) return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  if (legs.length === 1) throw failures[0].reason;
  throw new RegionsFailed(what, failures);
}

/** `work` in every region at once: every region's value, or the failure as valuesOrThrow throws it. */
export async function everywhere<L extends Leg, T>(
  what: string,
  legs: readonly L[],
  reporter: Reporter,
  work: (leg: L, reporter: Reporter, index: number) => Promise<T>,
): Promise<T[]> {
  return valuesOrThrow(what, legs, await inEveryRegion(legs, reporter, work));
}

/**
 * `act` in every region at once; when any region fails, `undo` runs in every region where `act`
 * succeeded (a failed undo is the undo's to report), then the failure is thrown. With one region
 * nothing is undone here: a single-region core cleans up after itself.
 */
export async function actEverywhere<L extends Leg, T>(
  what: string,
  legs: readonly L[],
  reporter: Reporter,
  act: (leg: L, reporter: Reporter, index: number) => Promise<T>,
  undo: (leg: L, done: T, reporter: Reporter, index: number) => Promise<void>,
): Promise<T[]> {
  const settled = await inEveryRegion(legs, reporter, act);
  if (legs.length > 1 && settled.some((s) => s.status === 'rejected')) {
    await inEveryRegion(legs, reporter, async (leg, r, i) => {
      const s = settled[i];
      if (s.status === 'fulfilled') await undo(leg, s.value, r, i);
    });
  }
  return valuesOrThrow(what, legs, settled);
}
