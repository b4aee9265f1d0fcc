/** Every action Runway ships: the docs generator, the command line and the tests walk this list. */
import { buildImage } from './image/inputs';
import { deployCloudRunAction } from './deploy/inputs';
import { healthGate } from './health/inputs';
import { promoteAction, rollbackAction } from './traffic/inputs';

export const actions = [buildImage, deployCloudRunAction, healthGate, promoteAction, rollbackAction] as const;
