/**
 * What the promote and rollback integration tests share: the emulator stack (emulator/stack.ts, which
 * the bench uses too) and Jest hooks that give each test a fresh one.
 */
import { startStack, type Stack } from '../../emulator/stack';
import { ensureTestImage } from '../helpers/test-images';

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
