import { runAction } from '../../src/runtime/github';
import { rollback } from '../../src/traffic/rollback-inputs';
import { rollbackStep } from '../../src/traffic/rollback';

void runAction(rollback, rollbackStep);
