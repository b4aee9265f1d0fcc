/**
 * What the promote and rollback integration tests share: the emulator stack (emulator/stack.ts, which
 * the bench uses too) and Jest hooks that give each test a fresh one.
 */
import { startStack, type Stack } from '../../emulator/stack';
import { ensureTestImage } from '../helpers/test-images';
import { runBundle, type ActionRun, type BundleOptions } from '../helpers/run-action';

export * from '../../emulator/stack';

/** Jest hooks: the hello test image once, a new emulator and service for every test. */
export function freshStackPerTest(): { readonly stack: Stack; readonly hello: string } {
  const made: { stack?: Stack; hello?: string } = {};
  beforeAll(async () => {
    made.hello = await ensureTestImage('hello');
  });
  beforeEach(async () => {
    made.stack = await startStack();
  });
  afterEach(async () => made.stack?.stop());
  return {
    get stack() {
      return made.stack!;
    },
    get hello() {
      return made.hello!;
    },
  };
}

/** Small, fast gates for promote: a few samples per URL, a short startup wait. */
export const FAST_GATE = {
  paths: '/',
  samples: '8',
  interval: '0',
  concurrency: '2',
  'startup-timeout': '3s',
  'request-timeout': '2s',
};

/** The promote bundle's main step on this stack's service, with fast gates, as release-bot at a fixed commit. */
export const promoteBundle = (
  stack: Stack,
  inputs: Record<string, string>,
  options: Pick<BundleOptions, 'onStart' | 'onStdout'> = {},
): Promise<ActionRun> =>
  runBundle('dist/promote/index.js', {
    inputs: { ...stack.where, ...FAST_GATE, ...inputs },
    env: { ...stack.env, GITHUB_SHA: 'c0ffee'.repeat(6) + 'abcd', GITHUB_ACTOR: 'release-bot' },
    timeoutMs: 180_000,
    ...options,
  });

/** The promote bundle's post step with the state its main step left. */
export const promotePost = (stack: Stack, revision: string, state: Record<string, string>): Promise<ActionRun> =>
  runBundle('dist/promote/post/index.js', { inputs: { ...stack.where, ...FAST_GATE, revision }, env: stack.env, state });
