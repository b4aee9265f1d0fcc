/** TRANSITIONAL (issue 22): the old per-action resolution, removed once every action resolves its legs. */
import type { ServiceTarget } from '../cloudrun/target';
import type { InputProblem } from '../inputs';
import { projectFromEnv, type PerRegion } from './inputs';
import { inRegion, missingRegionProblem, serviceLegs } from './legs';

export function checkProject(projectId: string | undefined, env: NodeJS.ProcessEnv): InputProblem[] {
  try {
    serviceLegs({ service: 'x', region: [], 'project-id': projectId }, [], env);
    return [];
  } catch (e) {
    return (e as { problems: InputProblem[] }).problems;
  }
}

export function resolveTargets(
  values: { service: string; region: readonly string[]; 'project-id'?: string },
  env: NodeJS.ProcessEnv,
): ServiceTarget[] {
  const project = values['project-id'] ?? projectFromEnv(env);
  return values.region.map((region) => ({ project: project!, region, service: values.service }));
}

export function valuesFor<T>(input: string, value: PerRegion<T>, targets: readonly ServiceTarget[]): T[] {
  const problems = missingRegionProblem(
    input,
    value,
    targets.map((t) => t.region),
  );
  if (problems.length) throw new Error(`Input "${input}" ${problems[0].message}`);
  return targets.map((t) => inRegion(value, t.region)!);
}

export const checkRegionKeys = (input: string, value: unknown, regions: readonly string[]): InputProblem[] =>
  missingRegionProblem(input, value, regions);
