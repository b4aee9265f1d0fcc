/**
 * deploy-cloudrun's migration check, before its migration job: the migrations the candidate image
 * has and the serving revision's image does not (both read from the registry), checked with the
 * policy. Failing findings stop the deploy with nothing changed.
 */
import type { Reporter } from '../report';
import type { TokenSource } from '../registry/login';
import { checkMigrations, type MigrationCheck } from './check';
import { imageMigrations, migrationFileWanted, newMigrations } from './image-migrations';
import type { MigrationPolicy } from './policy';
import { readImageFiles } from './registry-image';
import { reportCheck } from './report';

export interface ReleaseMigrations {
  /** The image to deploy, pinned to its digest. */
  readonly candidate: string;
  /** The serving revision's image; none on a first release. */
  readonly serving?: string;
  readonly policy: MigrationPolicy;
  readonly allow: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly tokens?: () => TokenSource;
}

/** The check of the new migrations; throws (after annotating every finding) when it fails. */
export async function checkReleaseMigrations(r: ReleaseMigrations, reporter: Reporter): Promise<MigrationCheck> {
  const read = (image: string) => readImageFiles(image, migrationFileWanted, r.env, r.tokens).then(imageMigrations);
  const [candidate, serving] = await Promise.all([read(r.candidate), r.serving ? read(r.serving) : undefined]);
  const fresh = newMigrations(candidate, serving);
  reporter.info(
    r.serving
      ? `Migrations in the image: ${candidate.length}; new since the serving revision's image (${r.serving}): ${fresh.length}`
      : `First release: all ${candidate.length} migrations in the image are new`,
  );
  for (const m of fresh) reporter.info(`  new: ${m.file}`);
  const check = await checkMigrations(fresh, r.policy, r.allow);
  const lines = reportCheck(check, 'Migrations new in this release', reporter);
  if (lines.length) {
    throw new Error(
      `The migration check refused ${lines.length === 1 ? 'a statement' : `${lines.length} statements`}; nothing was changed (the migration job did not run):\n` +
        lines.join('\n') +
        `\nTo let a migration through on purpose, name it in allow-migrations or add \`-- runway-ignore RULE reason\` above the statement; migration-policy sets what fails.`,
    );
  }
  return check;
}
