/**
 * Classifies each statement of a migration by what it does to data and to the revision that keeps
 * serving while and after it runs. Works on libpg_query's parse tree (`sql.ts`). Pure.
 */
import { MIGRATION_RULES, type FindingKind, type MigrationRuleId } from './rules';
import type { AstNode, IgnoreComment, Statement } from './sql';

export interface MigrationFile {
  /** The migration's name: its folder, e.g. `20260101000000_rename_name`. */
  readonly name: string;
  /** Where its SQL is, for annotations: e.g. `prisma/migrations/…/migration.sql`. */
  readonly file: string;
}

export interface MigrationFinding {
  readonly rule: MigrationRuleId;
  readonly kinds: readonly FindingKind[];
  readonly message: string;
  readonly safe: string;
  readonly migration: string;
  readonly file: string;
  readonly line: number;
  /** The ignore comments of its statement. */
  readonly ignores: readonly IgnoreComment[];
}

// libpg_query's JSON tree: every node a one-key wrapper (`{ AlterTableCmd: {...} }`) whose fields are
// read by name here; @pgsql/types describes them, but narrowing each wrapper would double this file.
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `schema.name` of a RangeVar. */
const relName = (r: Any | undefined): string => (r ? (r.schemaname ? `${r.schemaname}.${r.relname}` : r.relname) : '?');
const q = (s: string): string => `"${s}"`;

/** Names in a list of `{ String: { sval } }`. */
const strings = (list: Any[] | undefined): string[] => (list ?? []).map((n) => n.String?.sval).filter(Boolean);

const VOLATILE = new Set([
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v4',
  'random',
  'clock_timestamp',
  'timeofday',
  'nextval',
]);

/** Whether a default expression calls a volatile function (which rewrites the table on ADD COLUMN). */
function volatileCall(expr: unknown): string | undefined {
  if (!expr || typeof expr !== 'object') return undefined;
  const call = (expr as Any).FuncCall;
  if (call) {
    const name = strings(call.funcname).at(-1) ?? '';
    if (VOLATILE.has(name)) return name;
  }
  for (const v of Object.values(expr as Any)) {
    const found = Array.isArray(v) ? v.map(volatileCall).find(Boolean) : volatileCall(v);
    if (found) return found;
  }
  return undefined;
}

interface Hit {
  readonly rule: MigrationRuleId;
  readonly message: string;
  /** Where in the statement (a byte offset), when the statement spans several lines. */
  readonly location?: number;
}

/** What this migration created and dropped, to tell a new table's index from an existing one's and spot a Prisma rename. */
interface MigrationState {
  readonly created: Set<string>;
  /** Per table, the columns added anywhere in the migration. */
  readonly added: Map<string, string[]>;
}

/** Whether every column is one this migration adds: the old code never writes them, so cannot violate a constraint on them. */
const onlyNewColumns = (table: string, columns: string[], state: MigrationState): boolean =>
  columns.length > 0 && columns.every((c) => state.added.get(table)?.includes(c));

function constraintHits(table: string, c: Any, state: MigrationState): Hit[] {
  if (state.created.has(table)) return [];
  const columns = strings(c.contype === 'CONSTR_FOREIGN' ? c.fk_attrs : c.keys);
  const name = c.conname ? ` ${q(c.conname)}` : '';
  const hits: Hit[] = [];
  const validated = !c.skip_validation;
  switch (c.contype) {
    case 'CONSTR_FOREIGN':
      if (!onlyNewColumns(table, columns, state))
        hits.push({
          rule: 'new-constraint',
          message: `adds the foreign key${name} to ${q(table)}: the old code's writes may violate it`,
        });
      if (validated)
        hits.push({
          rule: 'adding-foreign-key-constraint',
          message: `adds the foreign key${name} with validation: ${q(table)} and ${q(relName(c.pktable))} are locked while every row is checked`,
        });
      break;
    case 'CONSTR_CHECK':
      hits.push({
        rule: 'new-constraint',
        message: `adds the check${name} to ${q(table)}: the old code's writes may violate it`,
      });
      if (validated)
        hits.push({
          rule: 'constraint-missing-not-valid',
          message: `adds the check${name} without NOT VALID: ${q(table)} is locked while every row is checked`,
        });
      break;
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
    case 'CONSTR_EXCLUSION':
      if (!onlyNewColumns(table, columns, state))
        hits.push({
          rule: 'new-constraint',
          message: `adds the constraint${name} to ${q(table)}: the old code's writes may violate it`,
        });
      if (!c.indexname)
        hits.push({
          rule: 'disallowed-unique-constraint',
          message: `builds the index of${name || ' a constraint'} on ${q(table)} under a lock that blocks writes`,
        });
      break;
  }
  return hits;
}

function columnDefHits(table: string, def: Any, state: MigrationState): Hit[] {
  const constraints: Any[] = (def.constraints ?? []).map((c: Any) => c.Constraint);
  const notNull = constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
  const dflt = constraints.find(
    (c) => c.contype === 'CONSTR_DEFAULT' || c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED',
  );
  const hits: Hit[] = [];
  if (notNull && !dflt)
    hits.push({
      rule: 'adding-required-field',
      message: `adds ${q(def.colname)} to ${q(table)} as NOT NULL without a default: it fails on a table with rows, and the old code's inserts (which do not set it) fail`,
    });
  const volatile = dflt ? volatileCall(dflt.raw_expr) : undefined;
  if (volatile)
    hits.push({
      rule: 'adding-field-with-default',
      message: `adds ${q(def.colname)} to ${q(table)} with the volatile default ${volatile}(): the whole table is rewritten under an exclusive lock`,
    });
  for (const c of constraints.filter((c) => c.contype !== 'CONSTR_NOTNULL' && c.contype !== 'CONSTR_DEFAULT'))
    hits.push(...constraintHits(table, c, state));
  return hits;
}

function alterTableHits(s: Any, state: MigrationState): Hit[] {
  const table = relName(s.relation);
  const hits: Hit[] = [];
  for (const { AlterTableCmd: cmd } of (s.cmds ?? []) as Any[]) {
    switch (cmd.subtype) {
      case 'AT_DropColumn': {
        const added = state.added.get(table) ?? [];
        hits.push(
          added.length
            ? {
                rule: 'prisma-rename',
                message: `drops ${q(cmd.name)} and adds ${added.map(q).join(', ')} on ${q(table)} in one migration, which is how Prisma writes a renamed field: the data in ${q(cmd.name)} is lost and the old code still reads it`,
              }
            : {
                rule: 'ban-drop-column',
                message: `drops the column ${q(cmd.name)} of ${q(table)}: its data is lost and the old code still reads it`,
              },
        );
        break;
      }
      case 'AT_AddColumn':
        if (!state.created.has(table))
          hits.push(
            ...columnDefHits(table, cmd.def.ColumnDef, state).map((h) => ({ location: cmd.def.ColumnDef.location, ...h })),
          );
        break;
      case 'AT_SetNotNull':
        hits.push({
          rule: 'adding-not-nullable-field',
          message: `sets ${q(cmd.name)} of ${q(table)} NOT NULL: every row is scanned under an exclusive lock, and the old code's writes without it fail`,
        });
        break;
      case 'AT_ColumnDefault':
        if (!cmd.def)
          hits.push({
            rule: 'dropping-default',
            message: `drops the default of ${q(cmd.name)} on ${q(table)}: the old code's inserts that leave it out fail or store NULL`,
          });
        break;
      case 'AT_AlterColumnType': {
        const using = cmd.def?.ColumnDef?.raw_default;
        hits.push(
          using
            ? {
                rule: 'lossy-type-change',
                message: `changes the type of ${q(cmd.name)} on ${q(table)} with USING: values are converted (and may be cut) while the table is rewritten under an exclusive lock`,
              }
            : {
                rule: 'changing-column-type',
                message: `changes the type of ${q(cmd.name)} on ${q(table)}: the table may be rewritten under an exclusive lock`,
              },
        );
        break;
      }
      case 'AT_AddConstraint':
        hits.push(...constraintHits(table, cmd.def.Constraint, state));
        break;
    }
  }
  return hits;
}

function dropHits(s: Any): Hit[] {
  const objects: Any[] = s.objects ?? [];
  const names = objects.map((o) =>
    o.List ? strings(o.List.items).join('.') : (o.String?.sval ?? strings(o.TypeName?.names).join('.')),
  );
  const list = names.map(q).join(', ');
  switch (s.removeType) {
    case 'OBJECT_TABLE':
      return [{ rule: 'ban-drop-table', message: `drops the table ${list}: its data is lost and the old code still uses it` }];
    case 'OBJECT_SCHEMA':
      return [{ rule: 'ban-drop-schema', message: `drops the schema ${list} and everything in it` }];
    case 'OBJECT_TYPE':
      return [
        { rule: 'drop-type', message: `drops the type ${list}: an enum value removed, or a type the old code may still write` },
      ];
    case 'OBJECT_INDEX':
      return s.concurrent
        ? []
        : [
            {
              rule: 'require-concurrent-index-deletion',
              message: `drops the index ${list} under a lock that blocks reads and writes of its table`,
            },
          ];
    default:
      return [];
  }
}

function statementHits({ type, node }: { type: string; node: AstNode }, state: MigrationState): Hit[] {
  const s = node as Any;
  switch (type) {
    case 'AlterTableStmt':
      return s.objtype === 'OBJECT_TABLE' ? alterTableHits(s, state) : [];
    case 'DropStmt':
      return dropHits(s);
    case 'DropdbStmt':
      return [{ rule: 'ban-drop-database', message: `drops the database ${q(s.dbname)}` }];
    case 'TruncateStmt':
      return [
        { rule: 'ban-truncate', message: `empties ${(s.relations ?? []).map((r: Any) => q(relName(r.RangeVar))).join(', ')}` },
      ];
    case 'RenameStmt':
      if (s.renameType === 'OBJECT_COLUMN')
        return [
          {
            rule: 'renaming-column',
            message: `renames the column ${q(s.subname)} of ${q(relName(s.relation))} to ${q(s.newname)}: the old code still uses the old name`,
          },
        ];
      if (s.renameType === 'OBJECT_TABLE')
        return [
          {
            rule: 'renaming-table',
            message: `renames the table ${q(relName(s.relation))} to ${q(s.newname)}: the old code still uses the old name`,
          },
        ];
      return [];
    case 'AlterEnumStmt':
      return s.oldVal
        ? [
            {
              rule: 'renaming-enum-value',
              message: `renames the enum value '${s.oldVal}' to '${s.newVal}': the old code still writes '${s.oldVal}'`,
            },
          ]
        : [];
    case 'IndexStmt': {
      const table = relName(s.relation);
      if (state.created.has(table)) return [];
      const hits: Hit[] = [];
      const columns = ((s.indexParams ?? []) as Any[]).map((p) => p.IndexElem?.name).filter(Boolean);
      if (s.unique && !onlyNewColumns(table, columns, state))
        hits.push({
          rule: 'new-constraint',
          message: `adds a unique index on ${q(table)}: the old code's writes may violate it`,
        });
      if (!s.concurrent)
        hits.push({
          rule: 'require-concurrent-index-creation',
          message: `builds the index ${s.idxname ? q(s.idxname) : ''} on ${q(table)} without CONCURRENTLY: writes to it are blocked until it is built`,
        });
      return hits;
    }
    case 'VacuumStmt':
      return (s.options ?? []).some((o: Any) => o.DefElem?.defname === 'full')
        ? [{ rule: 'vacuum-full', message: 'VACUUM FULL rewrites tables under an exclusive lock' }]
        : [];
    case 'ClusterStmt':
      return [{ rule: 'cluster', message: `CLUSTER rewrites ${q(relName(s.relation))} under an exclusive lock` }];
    case 'ReindexStmt':
      return (s.params ?? []).some((o: Any) => o.DefElem?.defname === 'concurrently')
        ? []
        : [
            {
              rule: 'require-concurrent-reindex',
              message: 'REINDEX without CONCURRENTLY locks out writes (and reads through the index)',
            },
          ];
    default:
      return [];
  }
}

/** Tables this migration creates, and the columns it adds per table, before any finding. */
function migrationState(statements: readonly Statement[]): MigrationState {
  const state: MigrationState = { created: new Set(), added: new Map() };
  for (const { type, node } of statements) {
    const s = node as Any;
    if (type === 'CreateStmt') state.created.add(relName(s.relation));
    if (type === 'AlterTableStmt')
      for (const { AlterTableCmd: cmd } of (s.cmds ?? []) as Any[])
        if (cmd.subtype === 'AT_AddColumn') {
          const table = relName(s.relation);
          state.added.set(table, [...(state.added.get(table) ?? []), cmd.def.ColumnDef.colname]);
        }
  }
  return state;
}

/** Every finding of one migration's statements, in statement order. */
export function classifyMigration(migration: MigrationFile, statements: readonly Statement[]): MigrationFinding[] {
  const state = migrationState(statements);
  return statements.flatMap((statement) =>
    statementHits(statement, state).map(({ location, ...hit }) => ({
      ...hit,
      kinds: MIGRATION_RULES[hit.rule].kinds,
      safe: MIGRATION_RULES[hit.rule].safe,
      migration: migration.name,
      file: migration.file,
      line: location === undefined ? statement.line : statement.lineOf(location),
      ignores: statement.ignores,
    })),
  );
}
