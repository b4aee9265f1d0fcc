import { runAction } from '../../src/runtime/github';
import { promote } from '../../src/traffic/promote-inputs';

// Placeholder until the action's own issue lands: inputs are validated, nothing else runs.
void runAction(promote, async () => {
  throw new Error('promote is not built yet');
});
