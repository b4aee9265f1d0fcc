/**
 * `npm run release -- vX.Y.Z`: points every `uses:` of Runway's own actions and workflows at
 * vX.Y.Z (scripts/release-refs.ts), sets package.json's version, commits, tags vX.Y.Z and moves the
 * major tag vX to it. Nothing is pushed: it prints the push commands. Run it from a clean work tree
 * whose dist/ is current (`npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseReleaseTag, REF_FOLDERS, repositoryOf, setRefs } from './release-refs';

const root = process.cwd();
const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

function main(): void {
  const release = parseReleaseTag(process.argv[2]);
  if (git('status', '--porcelain') !== '') throw new Error('the work tree has uncommitted changes: commit or stash them first');
  if (git('tag', '--list', release.tag) !== '') throw new Error(`tag ${release.tag} exists already`);

  const pkgPath = join(root, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { repository?: string };
  const repository = repositoryOf(pkg);
  const changed: string[] = [];
  const files = REF_FOLDERS.flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(folder, f)),
  );
  for (const file of files) {
    const before = readFileSync(join(root, file), 'utf8');
    const after = setRefs(before, repository, release.tag);
    if (after !== before) {
      writeFileSync(join(root, file), after);
      changed.push(file);
    }
  }
  // npm sets the version in package.json and package-lock.json alike.
  execFileSync('npm', ['version', release.version, '--no-git-tag-version', '--allow-same-version'], {
    cwd: root,
    stdio: 'ignore',
  });
  git(
    'add',
    '--update',
    'package.json',
    ...(existsSync(join(root, 'package-lock.json')) ? ['package-lock.json'] : []),
    ...changed,
  );
  git('commit', '-m', `release ${release.tag}`);
  git('tag', '-a', release.tag, '-m', `Runway ${release.tag}`);
  git('tag', '-f', release.major, `${release.tag}^{commit}`);
  console.log(`${release.tag}: ${changed.length} file(s) now use ${repository}@${release.tag}; ${release.major} moved to it.`);
  console.log(`Push with: git push origin HEAD ${release.tag} && git push --force origin ${release.major}`);
}

try {
  main();
} catch (e) {
  console.error(`release: ${(e as Error).message}`);
  process.exit(1);
}
