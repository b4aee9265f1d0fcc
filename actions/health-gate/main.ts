import { runAction } from '../../src/runtime/github';
import { healthGate } from '../../src/health/inputs';
import { runHealthGate } from '../../src/health/action';

void runAction(healthGate, runHealthGate);
