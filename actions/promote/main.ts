import { runAction } from '../../src/runtime/github';
import { promote } from '../../src/traffic/promote-inputs';
import { promoteStep } from '../../src/traffic/promote-step';

void runAction(promote, promoteStep);
