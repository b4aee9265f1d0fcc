import { runAction } from '../../src/runtime/github';
import { rollbackAction } from '../../src/traffic/inputs';
import { runRollback } from '../../src/traffic/rollback';

void runAction(rollbackAction, runRollback);
