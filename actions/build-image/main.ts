import { runAction } from '../../src/runtime/github';
import { buildImage } from '../../src/image/inputs';

// Placeholder until the action's own issue lands: inputs are validated, nothing else runs.
void runAction(buildImage, async () => {
  throw new Error('build-image is not built yet');
});
