import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

// deploy checks the `template` input against its copy of the client's RevisionTemplate descriptor;
// after an upgrade of @google-cloud/run the copy must follow the descriptor the client ships. The
// script runs as its own process: it formats with Prettier, an ES module Jest's CommonJS cannot load.
it('revision-template.json is the RevisionTemplate descriptor the installed @google-cloud/run ships', () => {
  const run = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'revision-template.ts'), '--check'], {
    encoding: 'utf8',
  });
  expect(run.stderr.match(/is out of date[^\n]*/)?.[0] ?? '').toBe('');
  expect(run.status).toBe(0);
}, 60_000);
