import { runAction } from '../../src/runtime/github';
import { deployCloudRunAction } from '../../src/deploy/inputs';
import { runDeploy } from '../../src/deploy/deploy';

void runAction(deployCloudRunAction, runDeploy);
