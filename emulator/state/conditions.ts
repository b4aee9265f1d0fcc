/** Condition messages as Cloud Run reports them on services, revisions, jobs and executions. */
import { now, type Condition } from './store';

type Reason = { reason: string } | { revisionReason: string } | { executionReason: string } | Record<string, never>;

export function condition(type: string, state: Condition['state'], message = '', reason: Reason = {}): Condition {
  return {
    type,
    state,
    message,
    lastTransitionTime: now(),
    severity: state === 'CONDITION_FAILED' ? 'ERROR' : 'SEVERITY_UNSPECIFIED',
    ...reason,
  };
}

export const succeeded = (type: string) => condition(type, 'CONDITION_SUCCEEDED');
export const reconciling = (type: string) => condition(type, 'CONDITION_RECONCILING');

export const isReady = (conditions: readonly Condition[]): boolean =>
  conditions.some((c) => c.type === 'Ready' && c.state === 'CONDITION_SUCCEEDED');

/** The Ready condition's failure message, if it failed. */
export const failure = (conditions: readonly Condition[]): string | undefined =>
  conditions.find((c) => c.type === 'Ready' && c.state === 'CONDITION_FAILED')?.message;
