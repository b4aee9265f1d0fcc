import { runAction } from '../../src/runtime/github';
import { deployCloudRun } from '../../src/deploy/inputs';
import { deploy } from '../../src/deploy/deploy';

void runAction(deployCloudRun, deploy);
