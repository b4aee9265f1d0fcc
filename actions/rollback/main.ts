import { runAction } from '../../src/runtime/github';
import { rollback } from '../../src/traffic/rollback-inputs';

// Placeholder until the action's own issue lands: inputs are validated, nothing else runs.
void runAction(rollback, async () => {
  throw new Error('rollback is not built yet');
});
