import { runAction } from '../../src/runtime/github';
import { promote } from '../../src/traffic/promote-inputs';
import { restoreStep } from '../../src/traffic/promote-step';

void runAction(promote, restoreStep);
