import { runAction } from '../../src/runtime/github';
import { deployCloudRun } from '../../src/deploy/inputs';

// Placeholder until the action's own issue lands: inputs are validated, nothing else runs.
void runAction(deployCloudRun, async () => {
  throw new Error('deploy-cloudrun is not built yet');
});
