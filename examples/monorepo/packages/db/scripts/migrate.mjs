// Applies pending plain-SQL migrations (prisma/migrations/<timestamp>_<name>/migration.sql) in name
// order, each in its own transaction, recording them in _runway_migrations. This is what the Cloud Run
// migration job runs: `node packages/db/scripts/migrate.mjs` with DATABASE_URL set.
// The Prisma CLI is not used because its schema engine cannot be downloaded everywhere (and is not
// needed in the runtime image).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const TABLE = '_runway_migrations';
// Any constant works; it only has to be the same for every run so two jobs never migrate at once.
const ADVISORY_LOCK_KEY = 7_261_125;
const MIGRATION_NAME = /^\d{14}_[a-z0-9_]+$/;

const defaultDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'prisma', 'migrations');

async function readMigrations(dir) {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error) => {
    throw new Error(`MIGRATIONS_DIR ${dir} cannot be read: ${error.message}`);
  });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrations = [];
  for (const name of names) {
    if (!MIGRATION_NAME.test(name)) {
      throw new Error(`migration folder "${name}" in ${dir} must be named <14-digit timestamp>_<lowercase name>`);
    }
    const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
    migrations.push({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

async function migrate(databaseUrl, dir) {
  const migrations = await readMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query(`SELECT name, checksum FROM ${TABLE}`);
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    // An edited migration that already ran means the database no longer matches the files: stop.
    for (const m of migrations) {
      if (applied.has(m.name) && applied.get(m.name) !== m.checksum) {
        throw new Error(`migration ${m.name} was changed after it was applied; add a new migration instead`);
      }
    }
    const pending = migrations.filter((m) => !applied.has(m.name));
    for (const m of pending) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO ${TABLE} (name, checksum) VALUES ($1, $2)`, [m.name, m.checksum]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed and was rolled back: ${error.message}`);
      }
      console.log(`applied ${m.name}`);
    }
    console.log(`migrations: ${pending.length} applied, ${migrations.length - pending.length} already applied`);
  } finally {
    await client.end();
  }
}

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('migrate: DATABASE_URL is not set; give a PostgreSQL URL such as postgresql://user:password@host:5432/db');
  process.exit(2);
}
migrate(databaseUrl, process.env.MIGRATIONS_DIR || defaultDir).catch((error) => {
  console.error(`migrate: ${error.message}`);
  process.exit(1);
});
