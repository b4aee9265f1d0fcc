import { runAction } from '../../src/runtime/github';
import { healthGateAction } from '../../src/health/inputs';
import { runHealthGate } from '../../src/health/action';

void runAction(healthGateAction, runHealthGate);
