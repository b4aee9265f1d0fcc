/**
 * This repository as its workflows, actions and READMEs name it in `uses:` lines (owner/name from
 * package.json's `repository`), worked out once here for every test and for parse-workflows.mjs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryOf } from '../../scripts/release-refs';
import { node24, repoRoot } from './run-action';

export const PACKAGE_JSON = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  repository: string;
};
export const REPOSITORY = repositoryOf(PACKAGE_JSON);

/**
 * Each file's errors from GitHub's own parser (parse-workflows.mjs, ESM-only, so Node 24 in a child
 * process); a call of one of REPOSITORY's workflows is resolved to its file here.
 */
export function workflowErrors(files: string[]): Record<string, string[]> {
  const out = execFileSync(node24, [join(repoRoot, 'test', 'helpers', 'parse-workflows.mjs'), REPOSITORY, ...files], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return JSON.parse(out) as Record<string, string[]>;
}
