/**
 * The migration rules: what each finds, which kinds of harm it does, and the safe way. IDs are
 * squawk's where a squawk rule finds the same thing (https://squawkhq.com/docs/rules); the others are
 * Runway's own (`squawk: false`). Pure.
 */

/**
 * destructive: data a rollback cannot bring back; breaking: the serving revision (old code) fails on
 * the new schema; blocking: locks that stall the serving revision while the migration runs.
 */
export const FINDING_KINDS = ['destructive', 'breaking', 'blocking'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

interface Rule {
  readonly kinds: readonly FindingKind[];
  /** Whether squawk has a rule with this ID. */
  readonly squawk: boolean;
  readonly safe: string;
}

const EXPAND_CONTRACT =
  'expand/contract: release code that no longer uses it first, then drop it in a later release whose migration is named in allow-migrations';

export const MIGRATION_RULES = {
  'ban-drop-table': { kinds: ['destructive', 'breaking'], squawk: true, safe: EXPAND_CONTRACT },
  'ban-drop-column': { kinds: ['destructive', 'breaking'], squawk: true, safe: EXPAND_CONTRACT },
  'ban-drop-database': { kinds: ['destructive'], squawk: true, safe: 'never from a release; drop a database by hand' },
  'ban-drop-schema': { kinds: ['destructive', 'breaking'], squawk: false, safe: EXPAND_CONTRACT },
  'ban-truncate': {
    kinds: ['destructive'],
    squawk: false,
    safe: 'delete rows on purpose in a data task, not in a schema migration',
  },
  'prisma-rename': {
    kinds: ['destructive', 'breaking'],
    squawk: false,
    safe: 'keep the column and rename only the field: `newName Type @map("old_name")`; or expand/contract (add the new column, write both, backfill, switch reads, drop the old one in a later release)',
  },
  'renaming-column': {
    kinds: ['breaking'],
    squawk: true,
    safe: 'rename the Prisma field only, with @map("old_name"); or add the new column, write both, backfill, switch reads, drop the old one later',
  },
  'renaming-table': {
    kinds: ['breaking'],
    squawk: true,
    safe: 'rename the Prisma model only, with @@map("OldName"); or create the new table, write both, backfill, switch, drop later',
  },
  'adding-required-field': {
    kinds: ['breaking'],
    squawk: true,
    safe: 'add the column nullable or with a DEFAULT; make it NOT NULL in a later release, once every writer sets it',
  },
  'adding-not-nullable-field': {
    kinds: ['breaking', 'blocking'],
    squawk: true,
    safe: 'in a later release than the code that always writes it: ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL',
  },
  'dropping-default': {
    kinds: ['breaking'],
    squawk: false,
    safe: 'drop the default in a later release than the code that always writes the column',
  },
  'drop-type': {
    kinds: ['breaking'],
    squawk: false,
    safe: 'remove an enum value (or a type) only after a release whose code no longer writes or reads it',
  },
  'renaming-enum-value': {
    kinds: ['breaking'],
    squawk: false,
    safe: 'add the new value, release code that writes it, migrate the rows, remove the old value later',
  },
  'new-constraint': {
    kinds: ['breaking'],
    squawk: false,
    safe: 'release code whose writes satisfy the constraint first; add it (NOT VALID, then VALIDATE) in a later release',
  },
  'constraint-missing-not-valid': {
    kinds: ['blocking'],
    squawk: true,
    safe: 'ADD CONSTRAINT … NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT … in a separate statement',
  },
  'adding-foreign-key-constraint': {
    kinds: ['blocking'],
    squawk: true,
    safe: 'ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a separate statement',
  },
  'disallowed-unique-constraint': {
    kinds: ['blocking'],
    squawk: true,
    safe: 'CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX',
  },
  'require-concurrent-index-creation': {
    kinds: ['blocking'],
    squawk: true,
    safe: 'CREATE INDEX CONCURRENTLY (outside a transaction: a migration of its own)',
  },
  'require-concurrent-index-deletion': {
    kinds: ['blocking'],
    squawk: true,
    safe: 'DROP INDEX CONCURRENTLY (outside a transaction: a migration of its own)',
  },
  'changing-column-type': {
    kinds: ['blocking'],
    squawk: true,
    safe: 'add a column of the new type, write both, backfill, switch reads, drop the old one later',
  },
  'lossy-type-change': {
    kinds: ['destructive', 'blocking'],
    squawk: false,
    safe: 'add a column of the new type, backfill it with the conversion, keep the old column until the new one is proven',
  },
  'adding-field-with-default': {
    kinds: ['blocking'],
    squawk: true,
    safe: 'add the column without the volatile default (or with a constant one), backfill in batches, then set the default',
  },
  'vacuum-full': {
    kinds: ['blocking'],
    squawk: false,
    safe: 'plain VACUUM, or pg_repack; never VACUUM FULL while the service serves',
  },
  cluster: { kinds: ['blocking'], squawk: false, safe: 'pg_repack, outside a release' },
  'require-concurrent-reindex': { kinds: ['blocking'], squawk: false, safe: 'REINDEX … CONCURRENTLY' },
} as const satisfies Record<string, Rule>;

export type MigrationRuleId = keyof typeof MIGRATION_RULES;

export const isMigrationRule = (id: string): id is MigrationRuleId => Object.hasOwn(MIGRATION_RULES, id);
