import { runAction } from '../../src/runtime/github';
import { promote } from '../../src/traffic/promote-inputs';

// Placeholder until the promote issue lands: restores nothing yet.
void runAction(promote, async () => ({}));
