/**
 * The ESLint rules that keep imports at dependencies' public entry points, product code out of
 * emulator/, test/ and bench/, and src/'s imports pointing down its layers (eslint.config.mjs), run on
 * small sources as if they sat in the tree.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

type Case = readonly [file: string, code: string];

const deep: Case[] = [
  ['src/cloudrun/x.ts', "import { status } from '@grpc/grpc-js/build/src/constants';\nexport { status };\n"],
  ['src/runtime/x.ts', "import { summary } from '@actions/core/lib/summary';\nexport { summary };\n"],
  [
    'bench/x.ts',
    "import type { ServicesClient } from '@google-cloud/run/build/src/v2/services_client';\nexport type C = ServicesClient;\n",
  ],
  [
    'emulator/x.ts',
    "// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const p = require('@google-cloud/run/build/protos/protos.json');\n",
  ],
  ['src/cloudrun/x.ts', "export type M = typeof import('@google-cloud/run/build/src/v2/services_client');\n"],
];
const intoTools: Case[] = [
  ['src/registry/x.ts', "import { localImageRef } from '../../emulator/runtime/image-mirror';\nexport { localImageRef };\n"],
  ['src/x.ts', "import { median } from '../bench/result';\nexport { median };\n"],
  ['actions/rollback/x.ts', "import { startStack } from '../../test/integration/rollback.fixtures';\nexport { startStack };\n"],
];
/** A unit test beside its code may share test/helpers/, nothing else of those folders. */
const testIntoTools: Case[] = [
  ['src/deploy/x.test.ts', "import { startStack } from '../../test/integration/rollback.fixtures';\nexport { startStack };\n"],
  ['src/deploy/x.test.ts', "import { startStack } from '../../emulator/stack';\nexport { startStack };\n"],
];
const upward: Case[] = [
  ['src/migrations/x.ts', "import { resolveDigest } from '../deploy/deploy';\nexport { resolveDigest };\n"],
  ['src/cloudrun/x.ts', "import type { TrafficEntry } from '../traffic/snapshot';\nexport type E = TrafficEntry;\n"],
  ['src/image/x.ts', "import { buildService } from '../deploy/service-template';\nexport { buildService };\n"],
  ['src/regional/x.ts', "import { gate } from '../health';\nexport { gate };\n"],
  ['src/inputs/x.ts', "import type { Reporter } from '../report';\nexport type R = Reporter;\n"],
  ['src/registry/x.ts', "import { gate } from '../health/gate';\nexport { gate };\n"],
  ['src/deploy/x.ts', "import { runStep } from '../runtime/step-runner';\nexport { runStep };\n"],
  ['src/github/octokit.ts', "import { getService } from '../cloudrun/services';\nexport { getService };\n"],
  ['src/actions.ts', "import { runStep } from './runtime/step-runner';\nexport { runStep };\n"],
];
const allowed: Case[] = [
  [
    'src/cloudrun/x.ts',
    "import { status } from '@grpc/grpc-js';\nimport { readFileSync } from 'node:fs';\nexport { status, readFileSync };\n",
  ],
  ['src/cloudrun/x.ts', "export type M = typeof import('@google-cloud/run');\n"],
  ['scripts/x.mjs', "import { truthy } from '@actions/expressions/result';\nexport { truthy };\n"],
  [
    'bench/x.ts',
    "import { startStack } from '../emulator/stack';\nimport { median } from './result';\nexport { startStack, median };\n",
  ],
  ['src/migrations/x.ts', "import { resolveDigest } from '../registry/image-digest';\nexport { resolveDigest };\n"],
  [
    'src/deploy/x.ts',
    "import { readService } from '../cloudrun/service-state';\nimport { plan } from '../traffic/plan';\nexport { readService, plan };\n",
  ],
  [
    'src/image/x.ts',
    "import { login } from '../registry/login';\nimport { check } from '../migrations/pr-check';\nexport { login, check };\n",
  ],
  [
    'src/regional/x.ts',
    "import { getService } from '../cloudrun/services';\nimport { kinds } from '../inputs';\nexport { getService, kinds };\n",
  ],
  [
    'src/runtime/x.ts',
    "import { actions } from '../actions';\nimport { runDeploy } from '../deploy/deploy';\nexport { actions, runDeploy };\n",
  ],
  ['src/traffic/x.test.ts', "import { resolveDigest } from '../deploy/deploy';\nexport { resolveDigest };\n"],
  ['src/deploy/x.test.ts', "import { inputProblems } from '../../test/helpers/input-problems';\nexport { inputProblems };\n"],
  ['emulator/x.ts', "import { RESOURCE_OUTPUT_ONLY } from '../src/cloudrun/output-only';\nexport { RESOURCE_OUTPUT_ONLY };\n"],
];

// ESLint loads its ESM config by a dynamic import, which Jest's module system does not allow: one
// Node process lints every case instead.
const LINT = `
import { ESLint } from 'eslint';
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const [file, code] of JSON.parse(process.argv[1])) {
  const [r] = await eslint.lintText(code, { filePath: file });
  out.push(r.messages.map((m) => m.ruleId + ': ' + m.message).join('\\n'));
}
console.log(JSON.stringify(out));
`;
const found = new Map<Case, string>();
beforeAll(() => {
  const all = [...deep, ...intoTools, ...testIntoTools, ...upward, ...allowed];
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', LINT, JSON.stringify(all)], {
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  (JSON.parse(out) as string[]).forEach((messages, i) => found.set(all[i], messages));
}, 120_000);

it.each(deep.map((c) => [c[0], c]))('%s: a path inside a package fails', (_file, c) => {
  expect(found.get(c)).toMatch(/public entry point/);
});

it.each(intoTools.map((c) => [c[0], c]))('%s: product code importing emulator/, test/ or bench/ fails', (_file, c) => {
  expect(found.get(c)).toMatch(/never imports emulator\/, test\/ or bench\//);
});

it.each(testIntoTools.map((c) => [c[0], c]))('%s: a unit test importing test/ other than test/helpers/ fails', (_file, c) => {
  expect(found.get(c)).toMatch(/imports only test\/helpers\//);
});

it.each(upward.map((c) => [c[0], c]))('%s: an import up the layers of src/ (or across one) fails', (_file, c) => {
  expect(found.get(c)).toMatch(/src\/ depends downwards only/);
});

it.each(allowed.map((c) => [c[0], c]))(
  '%s: public entry points, imports down the layers and a test setting up a higher layer pass',
  (_file, c) => {
    expect(found.get(c)).toBe('');
  },
);
