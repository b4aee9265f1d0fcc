// The composite release's first step: validates every input before anything is built.
import { runAction } from '../../src/runtime/github';
import { releaseAction } from '../../src/release/inputs';

void runAction(releaseAction, async (_inputs, { reporter }) => {
  reporter.info('Release inputs are valid.');
  return {};
});
