/** Every action Runway ships: the docs generator (scripts/actions-docs.ts) and the tests walk this list. */
import { buildImageAction } from './image/inputs';
import { deployCloudRunAction } from './deploy/inputs';
import { healthGateAction } from './health/inputs';
import { promoteAction, rollbackAction } from './traffic/inputs';
import { githubDeploymentAction } from './github/inputs';

export const actions = [
  buildImageAction,
  deployCloudRunAction,
  healthGateAction,
  promoteAction,
  rollbackAction,
  githubDeploymentAction,
] as const;
