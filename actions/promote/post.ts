import { runAction } from '../../src/runtime/github';
import { promoteAction } from '../../src/traffic/inputs';
import { runPromotePost } from '../../src/traffic/promote-step';

void runAction(promoteAction, runPromotePost);
