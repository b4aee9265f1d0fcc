/** The migration inputs deploy-cloudrun and build-image share: the command, the policy, what is allowed. */
import { input, InvalidValue, kinds, type Kind } from '../inputs';
import { parseKeyValues } from '../inputs/key-values';
import { dataLosingCommand, parseMigrationCommand, type MigrationCommand } from './command';
import { DEFAULT_POLICY, parsePolicy, type MigrationPolicy } from './policy';

/** A shell command, or the exec form (a JSON array); one that loses data is refused here, before anything changes. */
export const migrationCommand: Kind<MigrationCommand> = {
  allowed:
    'a shell command (run through /bin/sh -c) or a JSON array run as it is (exec form, for images without a shell), e.g. ["npx","prisma","migrate","deploy"]',
  parse(raw) {
    let command: MigrationCommand;
    try {
      command = parseMigrationCommand(raw);
    } catch (e) {
      throw new InvalidValue((e as Error).message);
    }
    const losing = dataLosingCommand(command);
    if (losing) throw new InvalidValue(`refused: it ${losing}`);
    return command;
  },
};

export const migrationPolicy: Kind<MigrationPolicy> = {
  allowed: 'KIND=LEVEL pairs separated by commas or newlines; kinds destructive, breaking, blocking; levels error, warn, off',
  parse(raw) {
    try {
      return parsePolicy(parseKeyValues(raw));
    } catch (e) {
      throw new InvalidValue((e as Error).message);
    }
  },
};

export const POLICY_DEFAULT = Object.entries(DEFAULT_POLICY)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');

export const allowMigrations = kinds.list(kinds.pattern(/^[^\s,/]+$/, 'a migration folder name'));

/** deploy-cloudrun's migration inputs. */
export const migrationInputs = {
  'migration-command': input(
    'Command run first as a Cloud Run job with the same image, env, secrets and Cloud SQL instances; a string runs through /bin/sh -c, a JSON array runs as it is (no shell). Commands that lose data (prisma db push, --accept-data-loss, migrate reset, --force-reset) are refused. The deploy stops if it fails',
    migrationCommand,
  ),
  'migration-policy': input(
    "What fails the deploy before the migration job runs, per kind of finding in the migrations new to the serving image: destructive (data a rollback cannot bring back), breaking (the serving revision's code fails on the new schema), blocking (locks that stall it while the migration runs)",
    migrationPolicy,
  ).default(POLICY_DEFAULT),
  'allow-migrations': input(
    'Migrations (folder names) let through on purpose, e.g. the contract step of an expand/contract; their findings are still listed in the summary',
    allowMigrations,
  ),
  'migration-probe': input(
    'Paths (e.g. /healthz, /items) of the serving revision to probe just before and just after the migration job, through the service URL, before any traffic moves: failing after where it passed before fails the deploy (the old code broke on the new schema; a rollback will not restore the schema)',
    kinds.list(kinds.pattern(/^\//, 'a path starting with /')),
  ),
};
