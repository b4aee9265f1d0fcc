/** What every check reports, and the IDs of every rule (the `ignore` input takes them). Pure. */

export type Level = 'error' | 'warning' | 'notice' | 'pass';

export interface Finding {
  /** Stable rule ID, e.g. `binary-targets`; printed on every annotation. */
  readonly rule: RuleId;
  /** What was checked, for the summary table. */
  readonly check: string;
  readonly level: Level;
  readonly message: string;
  readonly fix?: string;
  readonly file?: string;
  readonly line?: number;
}

/** Every rule, in the order the README lists them: before building, then on the built image. */
export const RULE_IDS = [
  'schema-generator',
  'openssl-at-generate',
  'binary-targets',
  'runtime-openssl',
  'client-in-runtime',
  'migrations-in-runtime',
  'non-root',
  'context-secret',
  'secret-in-runtime',
  'swallowed-failure',
  'next-public-build',
  'base-image',
  'image-platform',
  'image-openssl',
  'image-engines',
  'image-schema-engine',
  'image-client',
  'image-migration-program',
  'image-load',
  'image-engine-load',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/** `ignore` turns a rule's findings into notes: still shown, never failing the check. */
export function applyIgnore<F extends Finding>(findings: readonly F[], ignore: readonly string[]): F[] {
  return findings.map((f) =>
    ignore.includes(f.rule) && f.level !== 'pass'
      ? { ...f, level: 'notice', message: `(ignored: was ${f.level}) ${f.message}` }
      : f,
  );
}
