/** Every action Runway ships: the docs generator (scripts/actions-docs.ts) and the tests walk this list. */
import { buildImage } from './image/inputs';
import { deployCloudRun } from './deploy/inputs';
import { healthGate } from './health/inputs';
import { promote } from './traffic/promote-inputs';
import { rollback } from './traffic/rollback-inputs';

export const actions = [buildImage, deployCloudRun, healthGate, promote, rollback] as const;
