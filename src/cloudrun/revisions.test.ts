import type { GoogleClients } from './clients';
import { readiness, revisionLogsUrl, waitForRevision } from './revisions';

const cond = (type: string, state: string | number, extra: Record<string, unknown> = {}) => ({ type, state, ...extra });

describe('readiness', () => {
  it.each([
    { name: 'no conditions yet', conditions: [], state: 'pending', reason: undefined },
    {
      name: 'Ready succeeded',
      conditions: [cond('Ready', 'CONDITION_SUCCEEDED'), cond('ContainerHealthy', 'CONDITION_SUCCEEDED')],
      state: 'ready',
      reason: undefined,
    },
    { name: 'numeric enum from another transport', conditions: [cond('Ready', 4)], state: 'ready', reason: undefined },
    {
      name: 'container failed its health check',
      conditions: [
        cond('Ready', 'CONDITION_FAILED', { reason: 'REVISION_FAILED', message: 'Revision is not ready' }),
        cond('ContainerHealthy', 'CONDITION_FAILED', {
          revisionReason: 'HEALTH_CHECK_CONTAINER_ERROR',
          message: 'The user-provided container failed to start and listen on the port defined by PORT=8080',
        }),
      ],
      state: 'failed',
      reason: 'HEALTH_CHECK_CONTAINER_ERROR',
      message: /failed to start and listen on the port/,
    },
    {
      name: 'no resources',
      conditions: [cond('Ready', 'CONDITION_RECONCILING'), cond('ResourcesAvailable', 'CONDITION_FAILED', { message: 'quota' })],
      state: 'failed',
      reason: 'ResourcesAvailable failed',
      message: /quota/,
    },
    {
      name: 'still starting, undefined reasons ignored',
      conditions: [
        cond('Ready', 'CONDITION_RECONCILING', { reason: 'COMMON_REASON_UNDEFINED', revisionReason: 'PENDING' }),
        cond('ContainerHealthy', 'CONDITION_PENDING'),
      ],
      state: 'pending',
      reason: 'PENDING',
    },
    {
      name: 'an unrelated failed condition does not fail the revision',
      conditions: [cond('Ready', 'CONDITION_SUCCEEDED'), cond('MinInstancesProvisioned', 'CONDITION_FAILED')],
      state: 'ready',
      reason: undefined,
    },
  ])('$name -> $state', ({ conditions, state, reason, message }) => {
    const r = readiness({ conditions } as never);
    expect(r.state).toBe(state);
    expect(r.reason).toBe(reason);
    if (message) expect(r.message).toMatch(message);
  });
});

describe('revisionLogsUrl', () => {
  it('prefers the logUri the API returns', () => {
    expect(revisionLogsUrl({ logUri: 'https://logs.example/x' }, 'p', 's', 'r')).toBe('https://logs.example/x');
  });
  it('builds a Cloud Logging query for the revision', () => {
    const url = revisionLogsUrl(undefined, 'acme-prod', 'web', 'web-sha-abc-x1y2');
    expect(url).toMatch(/^https:\/\/console\.cloud\.google\.com\/logs\/query;query=.*\?project=acme-prod$/);
    expect(decodeURIComponent(url)).toContain('resource.labels.revision_name="web-sha-abc-x1y2"');
    expect(decodeURIComponent(url)).toContain('resource.type="cloud_run_revision"');
  });
});

describe('waitForRevision', () => {
  const pending = { conditions: [cond('Ready', 'CONDITION_RECONCILING')] };
  const ready = { conditions: [cond('Ready', 'CONDITION_SUCCEEDED')] };
  /** Clients whose revision reads answer `answers` in turn. */
  const clientsAnswering = (answers: object[]) =>
    ({ revisions: { getRevision: async () => [answers.shift()] } }) as unknown as GoogleClients;

  it('polls a starting revision within 100 ms by default (it is Ready in about a second), at intervalMs when given', async () => {
    for (const [intervalMs, expected] of [
      [undefined, [25, 50, 100]],
      [1000, [1000, 1000, 1000]],
    ] as const) {
      const waits: number[] = [];
      const result = await waitForRevision(clientsAnswering([pending, pending, pending, ready]), 'r', {
        timeoutSeconds: 60,
        intervalMs,
        sleep: async (ms) => void waits.push(ms),
      });
      expect([result.readiness.state, waits]).toEqual(['ready', expected]);
    }
  });
});
