/**
 * Running a single-region core in every region of a release at once (issue 14). With one region the
 * core runs as it always did: same reporter, same errors.
 */
import { md, prefixedReporter, type Reporter } from '../report';

/** What these helpers need of a target (a ServiceTarget, or a health gate's region). */
interface Region {
  readonly region: string;
}

/** The reporter for one region's work: its lines start with `[region] ` when several regions run at once. */
export const regionReporter = (reporter: Reporter, region: string, several: boolean): Reporter =>
  several ? prefixedReporter(reporter, `[${region}] `) : reporter;

/** Runs `work` for every target at once and waits for all of them, failed or not. */
export function inEveryRegion<R extends Region, T>(
  targets: readonly R[],
  reporter: Reporter,
  work: (target: R, reporter: Reporter, index: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  const several = targets.length > 1;
  return Promise.allSettled(targets.map((t, i) => work(t, regionReporter(reporter, t.region, several), i)));
}

/** The regions that failed, each with its reason, in the order of the targets. */
export function regionFailures(
  targets: readonly Region[],
  settled: readonly PromiseSettledResult<unknown>[],
): { region: string; reason: unknown }[] {
  return settled.flatMap((s, i) => (s.status === 'rejected' ? [{ region: targets[i].region, reason: s.reason }] : []));
}

/** Thrown when one or more regions failed: names each and says why. */
export class RegionsFailed extends Error {
  constructor(
    what: string,
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
export function valuesOrThrow<T>(what: string, targets: readonly Region[], settled: readonly PromiseSettledResult<T>[]): T[] {
  const failures = regionFailures(targets, settled);
  if (failures.length === 0) return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  if (targets.length === 1) throw failures[0].reason;
  throw new RegionsFailed(what, failures);
}
