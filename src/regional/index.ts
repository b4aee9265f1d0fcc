/**
 * The regional layer: which services an action works on (project, service, regions), per-region
 * values, the fan-out over regions, per-region outputs and the wording of API errors.
 */
export * from './inputs';
export * from './legs';
export * from './fan-out';
export * from './outputs';
export * from './api-errors';
