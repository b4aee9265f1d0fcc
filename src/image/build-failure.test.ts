import { explainBuildFailure } from './build-failure';
import { parseDockerfile } from './dockerfile';

const dockerfile = parseDockerfile(
  [
    'ARG NODE=node:24-bookworm', // 1
    'FROM ${NODE} AS deps', // 2
    'WORKDIR /app', // 3
    'COPY package.json package-lock.json ./', // 4
    'RUN npm ci', // 5
    'FROM deps AS build', // 6
    'COPY . .', // 7
    'RUN npm run build', // 8
  ].join('\n'),
);

describe('explainBuildFailure', () => {
  it('reads the classic builder: step N of the whole file, its stage, the first error line', () => {
    const log = [
      'Step 1/8 : ARG NODE=node:24-bookworm',
      'Step 2/8 : FROM ${NODE} AS deps',
      ' ---> 1a2b',
      'Step 5/8 : RUN npm ci',
      ' ---> Running in 9f',
      'npm error code SELF_SIGNED_CERT_IN_CHAIN',
      'npm error errno SELF_SIGNED_CERT_IN_CHAIN',
      "The command '/bin/sh -c npm ci' returned a non-zero code: 1",
    ].join('\n');
    expect(explainBuildFailure(log, dockerfile.all)).toEqual({
      stage: 'deps',
      step: 'RUN npm ci',
      line: 5,
      firstError: 'npm error code SELF_SIGNED_CERT_IN_CHAIN',
      hint: expect.stringContaining('build-secrets'),
    });
  });

  it('reads BuildKit plain progress: the stage and its step, the error of that step', () => {
    const log = [
      '#7 [deps 3/4] RUN npm ci',
      '#7 DONE 3.1s',
      '#9 [build 3/3] RUN npm run build',
      '#9 0.812 > tsc -p .',
      '#9 2.001 src/index.ts(3,1): error TS2304: Cannot find name x.',
      '#9 ERROR: process "/bin/sh -c npm run build" did not complete successfully: exit code: 2',
      'ERROR: failed to solve: process "/bin/sh -c npm run build" did not complete successfully: exit code: 2',
    ].join('\n');
    expect(explainBuildFailure(log, dockerfile.all)).toMatchObject({
      stage: 'build',
      step: 'RUN npm run build',
      line: 8,
      firstError: 'src/index.ts(3,1): error TS2304: Cannot find name x.',
      hint: 'Fix the command at line 8; the same `docker build` run locally shows the whole log.',
    });
  });

  it('says what to do about a COPY of a file the context does not have', () => {
    const log =
      'Step 7/8 : COPY . .\nCOPY failed: file not found in build context or excluded by .dockerignore: stat x: file does not exist\n';
    expect(explainBuildFailure(log, dockerfile.all)).toMatchObject({
      line: 7,
      stage: 'build',
      hint: expect.stringContaining('.dockerignore'),
    });
  });
});
