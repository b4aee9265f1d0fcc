/**
 * What happens to each finding: the `migration-policy` level of its worst kind, unless the migration
 * is named in `allow-migrations` or its statement carries `-- runway-ignore RULE reason`. Allowed
 * findings stay in the report, so an allowed drop is never silent. Pure.
 */
import type { MigrationFinding } from './classify';
import { FINDING_KINDS, type FindingKind } from './rules';

export const POLICY_LEVELS = ['error', 'warn', 'off'] as const;
export type PolicyLevel = (typeof POLICY_LEVELS)[number];
export type MigrationPolicy = Readonly<Record<FindingKind, PolicyLevel>>;

export const DEFAULT_POLICY: MigrationPolicy = { destructive: 'error', breaking: 'error', blocking: 'warn' };

/** `KIND=LEVEL` pairs over the defaults; throws a message naming what is allowed. */
export function parsePolicy(pairs: Readonly<Record<string, string>>): MigrationPolicy {
  const policy: Record<string, PolicyLevel> = { ...DEFAULT_POLICY };
  for (const [kind, level] of Object.entries(pairs)) {
    if (!(FINDING_KINDS as readonly string[]).includes(kind))
      throw new Error(`"${kind}" is not a kind of finding (${FINDING_KINDS.join(', ')})`);
    if (!(POLICY_LEVELS as readonly string[]).includes(level))
      throw new Error(`${kind}: "${level}" is not a level (${POLICY_LEVELS.join(', ')})`);
    policy[kind] = level as PolicyLevel;
  }
  return policy as MigrationPolicy;
}

export interface JudgedFinding extends MigrationFinding {
  /** What the policy makes of it before any allowance. */
  readonly level: PolicyLevel;
  /** Why it is let through: `allow-migrations`, or the ignore comment's reason. */
  readonly allowedBy?: string;
}

const RANK: Record<PolicyLevel, number> = { off: 0, warn: 1, error: 2 };

const worst = (kinds: readonly FindingKind[], policy: MigrationPolicy): PolicyLevel =>
  kinds.map((k) => policy[k]).reduce<PolicyLevel>((a, b) => (RANK[b] > RANK[a] ? b : a), 'off');

/** Each finding the policy does not turn off, with its level and what allows it. */
export function judge(
  findings: readonly MigrationFinding[],
  policy: MigrationPolicy,
  allowMigrations: readonly string[],
): JudgedFinding[] {
  return findings.flatMap((f) => {
    const level = worst(f.kinds, policy);
    if (level === 'off') return [];
    const ignore = f.ignores.find((i) => i.rule === f.rule && i.reason);
    const allowedBy = allowMigrations.includes(f.migration)
      ? 'allow-migrations'
      : ignore
        ? `runway-ignore (line ${ignore.line}): ${ignore.reason}`
        : undefined;
    const unreasoned = !allowedBy && f.ignores.some((i) => i.rule === f.rule && !i.reason);
    return [
      {
        ...f,
        level,
        ...(allowedBy ? { allowedBy } : {}),
        ...(unreasoned ? { message: `${f.message} (its runway-ignore gives no reason, so it does not count)` } : {}),
      },
    ];
  });
}

/** Findings that fail the check: error level and not allowed. */
export const blocking = (judged: readonly JudgedFinding[]): JudgedFinding[] =>
  judged.filter((f) => f.level === 'error' && !f.allowedBy);
