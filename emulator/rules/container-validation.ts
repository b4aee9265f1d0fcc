/**
 * Container rules Cloud Run checks on a template: at least one container, each with an image, and no
 * env var the system sets itself (for services: "The following reserved env names were provided:
 * PORT. These values are automatically set by the system.").
 */
import type { ContainerSpec } from '../state/store';

export const SERVICE_RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION'];
export const JOB_RESERVED_ENV = [
  'CLOUD_RUN_JOB',
  'CLOUD_RUN_EXECUTION',
  'CLOUD_RUN_TASK_INDEX',
  'CLOUD_RUN_TASK_ATTEMPT',
  'CLOUD_RUN_TASK_COUNT',
];

/** Problems with the containers at `field` (e.g. `template.containers`). */
export function containerProblems(field: string, containers: readonly ContainerSpec[], reservedEnv: readonly string[]): string[] {
  if (containers.length === 0) return [`${field}: at least one container is required`];
  return containers.flatMap((c, i) => {
    const reserved = (c.env ?? []).map((e) => e.name).filter((name) => reservedEnv.includes(name));
    return [
      ...(c.image ? [] : [`${field}[${i}].image: must be set`]),
      ...(reserved.length
        ? [
            `${field}[${i}].env: The following reserved env names were provided: ${reserved.join(', ')}. These values are automatically set by the system.`,
          ]
        : []),
    ];
  });
}
