/** Every action Runway ships: the docs generator, the command line and the tests walk this list. */
import { buildImage } from './image/inputs';
import { deployCloudRun } from './deploy/inputs';
import { healthGate } from './health/inputs';
import { promote } from './traffic/promote-inputs';
import { rollback } from './traffic/rollback-inputs';
import { githubDeploymentAction } from './github/inputs';

export const actions = [buildImage, deployCloudRun, healthGate, promote, rollback, githubDeploymentAction] as const;
