/**
 * A regional action's inputs, resolved once before its step runs: what every region shares, and one
 * leg per region (its target and its own value of each per-region input). Every problem (no project,
 * a region a per-region value misses) is an input problem, reported before anything runs.
 */
import type { ServiceTarget } from '../cloudrun/target';
import { InputError, type InputProblem } from '../inputs';
import { ByRegion, PROJECT_ENV_VARS, projectFromEnv, type PerRegion } from './inputs';

/** One region's share of a regional action; `target.region` names it ('' for a gate given one plain URL). */
export interface Leg {
  readonly target: { readonly region: string };
}

/** What a regional action's step receives: the shared values and its legs, in the order of the region input. */
export interface Regional<S, L extends Leg> {
  readonly shared: S;
  readonly legs: readonly L[];
}

/** A per-region input's value in one region: the input's type without its ByRegion. */
type InRegion<T> = T extends ByRegion<unknown> ? never : T;

interface TargetValues {
  readonly service: string;
  readonly region: readonly string[];
  readonly 'project-id'?: string;
}

/** A leg of an action on a Cloud Run service: its target and its value of each per-region input `K`. */
export type ServiceLeg<V, K extends keyof V> = { readonly target: ServiceTarget } & { readonly [P in K]: InRegion<V[P]> };

/** The inputs every region shares: all but the target inputs and the per-region ones. */
export type SharedInputs<V, K extends keyof V> = Omit<V, K | keyof TargetValues>;

/** A per-region value in `region`: the one value for every region, or that region's. */
export function inRegion<T>(value: PerRegion<T>, region: string): T | undefined {
  return value instanceof ByRegion ? value.values.get(region) : value;
}

/** The problem of a per-region value that misses a region given in the region input, if any. */
function missingRegionProblem(input: string, value: unknown, regions: readonly string[]): InputProblem[] {
  if (!(value instanceof ByRegion)) return [];
  const missing = regions.filter((r) => !value.values.has(r));
  return missing.length
    ? [{ input, message: `has no value for region ${missing.join(', ')} (region is ${regions.join(', ')})` }]
    : [];
}

/**
 * The legs of an action on one service in every region of the region input, in its order; the
 * project is the input's, else the one google-github-actions/auth exported.
 */
export function serviceLegs<V extends TargetValues, K extends keyof V & string>(
  values: V,
  perRegion: readonly K[],
  env: NodeJS.ProcessEnv,
): Regional<SharedInputs<V, K>, ServiceLeg<V, K>> {
  const project = values['project-id'] ?? projectFromEnv(env);
  const problems: InputProblem[] = project
    ? []
    : [
        {
          input: 'project-id',
          message: `is required when none of ${PROJECT_ENV_VARS.join(', ')} is set (run google-github-actions/auth first, or pass project-id)`,
        },
      ];
  for (const name of perRegion) problems.push(...missingRegionProblem(name, values[name], values.region));
  if (problems.length) throw new InputError(problems);
  const legs = values.region.map((region) => {
    const own = perRegion.map((name) => [name, inRegion(values[name] as PerRegion<unknown>, region)]);
    return { target: { project: project!, region, service: values.service }, ...Object.fromEntries(own) };
  });
  const regional = new Set<string>([...perRegion, 'service', 'region', 'project-id']);
  const shared = Object.fromEntries(Object.entries(values).filter(([name]) => !regional.has(name)));
  return { shared: shared as SharedInputs<V, K>, legs: legs as ServiceLeg<V, K>[] };
}
