/**
 * The release chain as a workflow runs it, bundle after bundle on the emulator: deploy-cloudrun
 * (tagged, no traffic), promote with its outputs, then a manual rollback given only the service.
 */
import { ensureTestImage } from '../helpers/test-images';
import { runBundle } from '../helpers/run-action';
import { decodeHistory, HISTORY_ANNOTATION } from '../../src/traffic/history';
import { readService } from '../../src/cloudrun/service-state';
import { parseSnapshot } from '../../src/traffic/snapshot';
import { releaseEnv, releaseSha, revisionsAt, startStack, type Stack } from './rollback.fixtures';

jest.setTimeout(240_000);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

const sha = releaseSha;
const env = (n: number) => releaseEnv(stack, n);
const GATE = { paths: '/', samples: '8', interval: '0', 'startup-timeout': '5s' };

async function release(n: number, image: string) {
  const deploy = await runBundle('dist/deploy-cloudrun/index.js', {
    inputs: {
      service: stack.target.service,
      region: stack.target.region,
      image,
      'env-vars': `APP_RELEASE=${n}`,
      'wait-timeout': '60s',
    },
    env: env(n),
    timeoutMs: 150_000,
  });
  expect(deploy.errors).toEqual([]);
  const promote = await runBundle('dist/promote/index.js', {
    inputs: {
      service: stack.target.service,
      region: stack.target.region,
      revision: deploy.outputs.revision,
      'previous-traffic': deploy.outputs['previous-traffic'],
      steps: '25,100',
      bake: '0',
      ...GATE,
    },
    env: env(n),
    timeoutMs: 150_000,
  });
  return { deploy, promote };
}

it('deploys, promotes with deploy-cloudrun outputs, and rolls back by hand to the release before', async () => {
  const hello = await ensureTestImage('hello');
  const first = await release(1, hello);
  // The very first deploy already takes all traffic; promote confirms it and records the release.
  expect(first.promote.outputs.verdict).toBe('pass');
  const second = await release(2, hello);
  expect(second.promote.errors).toEqual([]);
  expect(second.promote.outputs.verdict).toBe('pass');

  const service = await readService(stack.clients, stack.target);
  expect(parseSnapshot(second.promote.outputs.traffic)).toEqual(service.traffic);
  expect(await revisionsAt(stack, service.url!, 3)).toEqual({ [second.deploy.outputs.revision]: 3 });
  expect(decodeHistory(service.annotations[HISTORY_ANNOTATION]).map((r) => [r.revision, r.commit])).toEqual([
    [second.deploy.outputs.revision, sha(2)],
    [first.deploy.outputs.revision, sha(1)],
  ]);

  const rollback = await runBundle('dist/rollback/index.js', {
    inputs: { service: stack.target.service, region: stack.target.region },
    env: env(3),
  });
  expect(rollback.errors).toEqual([]);
  expect(rollback.outputs.revision).toBe(first.deploy.outputs.revision);
  const after = await readService(stack.clients, stack.target);
  expect(await revisionsAt(stack, after.url!, 3)).toEqual({ [first.deploy.outputs.revision]: 3 });
  // The deploy's tag URL of the rolled-back release still reaches it, for debugging.
  expect(await revisionsAt(stack, second.deploy.outputs['tag-url'], 1)).toEqual({ [second.deploy.outputs.revision]: 1 });
});
