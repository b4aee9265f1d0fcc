/**
 * Where Prisma's migrations are in an image, and which are new. A Prisma migrations folder is
 * `migrations` next to a `schema.prisma` (Prisma's default), any folder holding `migration_lock.toml`
 * (Prisma writes it into every migrations folder, wherever `prisma.config.ts` puts it, so no config
 * file needs evaluating), and `prisma/migrations` under the image's working directory in any case. Pure.
 */
import { posix } from 'node:path';
import type { MigrationSource } from './check';
import type { ImageFiles } from './registry-image';

/** The files worth reading from an image's layers (dependencies' own fixtures are not the app's). */
export const migrationFileWanted = (path: string): boolean =>
  !path.includes('/node_modules/') &&
  ['/migration.sql', '/migration_lock.toml', '/schema.prisma'].some((name) => path.endsWith(name));

export interface ImageMigration extends MigrationSource {
  /** `FOLDER/NAME` relative to the working directory: the same migration in two images has the same key. */
  readonly key: string;
}

/** Every migration of every Prisma migrations folder in the image, with paths relative to its WORKDIR. */
export function imageMigrations({ workdir, files }: ImageFiles): ImageMigration[] {
  const folders = new Set([posix.join(workdir, 'prisma/migrations')]);
  for (const path of files.keys()) {
    if (path.endsWith('/migration_lock.toml')) folders.add(posix.dirname(path));
    if (path.endsWith('/schema.prisma')) folders.add(posix.join(posix.dirname(path), 'migrations'));
  }
  const migrations: ImageMigration[] = [];
  for (const [path, sql] of files) {
    if (!path.endsWith('/migration.sql')) continue;
    const dir = posix.dirname(path);
    if (!folders.has(posix.dirname(dir))) continue;
    const file = posix.relative(workdir, path);
    migrations.push({ name: posix.basename(dir), file, sql, key: posix.dirname(file) });
  }
  // Prisma applies them in name order (the timestamp prefix).
  return migrations.sort((a, b) => a.key.localeCompare(b.key));
}

/** The candidate's migrations the serving image does not have (all of them on a first release). */
export const newMigrations = (
  candidate: readonly ImageMigration[],
  serving: readonly ImageMigration[] | undefined,
): ImageMigration[] => {
  const known = new Set((serving ?? []).map((m) => m.key));
  return candidate.filter((m) => !known.has(m.key));
};
