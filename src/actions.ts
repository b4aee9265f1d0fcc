/** Every action Runway ships: the docs generator, the command line and the tests walk this list. */
import { buildImageAction } from './image/inputs';
import { deployCloudRun } from './deploy/inputs';
import { healthGateAction } from './health/inputs';
import { promote } from './traffic/promote-inputs';
import { rollback } from './traffic/rollback-inputs';

export const actions = [buildImageAction, deployCloudRun, healthGateAction, promote, rollback] as const;
