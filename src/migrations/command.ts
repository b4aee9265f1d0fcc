/**
 * The migration command: a shell form (a string, run through `/bin/sh -c`) or an exec form (a JSON
 * array, run as it is, for images without a shell such as distroless). Commands that lose data are
 * refused before anything changes. Pure.
 */
export type MigrationCommand =
  { readonly form: 'shell'; readonly script: string } | { readonly form: 'exec'; readonly argv: readonly string[] };

/** `["npx","prisma","migrate","deploy"]` is the exec form; anything else is a shell script. */
export function parseMigrationCommand(raw: string): MigrationCommand {
  const text = raw.trim();
  if (!text.startsWith('[')) return { form: 'shell', script: text };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`starts with [ but is not a JSON array (${(e as Error).message})`);
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== ''))
    throw new Error('the exec form is a non-empty JSON array of non-empty strings, e.g. ["npx","prisma","migrate","deploy"]');
  return { form: 'exec', argv: value };
}

/** The container command of the migration job. */
export const commandArgv = (c: MigrationCommand): string[] => (c.form === 'exec' ? [...c.argv] : ['/bin/sh', '-c', c.script]);

/** The words of the command (a shell script split at blanks and operators: enough to spot a program and flags). */
const words = (c: MigrationCommand): string[] => (c.form === 'exec' ? [...c.argv] : c.script.split(/[\s;&|()]+/).filter(Boolean));

const SAFE = 'prisma migrate deploy (it applies only the migration files, in order, and never resets or pushes)';

/** Why the command loses data, naming the safe one; undefined when it does not. */
export function dataLosingCommand(c: MigrationCommand): string | undefined {
  const w = words(c);
  const has = (...seq: string[]) => w.some((_, i) => seq.every((s, j) => w[i + j] === s));
  const found = has('db', 'push')
    ? 'prisma db push (it changes the schema to match schema.prisma directly and drops what is not in it)'
    : w.includes('--accept-data-loss')
      ? '--accept-data-loss'
      : has('migrate', 'reset')
        ? 'prisma migrate reset (it drops the database)'
        : w.includes('--force-reset')
          ? '--force-reset (it drops the database)'
          : undefined;
  return found && `loses data: ${found}. Use ${SAFE}.`;
}

/** Whether the command runs the Prisma CLI (then the image must hold it). */
export const runsPrismaCli = (c: MigrationCommand): boolean =>
  words(c).some((word) => word === 'prisma' || /(^|\/)prisma(\/build\/index\.js)?$/.test(word));
