import { status } from '@grpc/grpc-js';
import { backoffDelay, sendOnce, withRetry } from './retry';

const grpcError = (code: number) => Object.assign(new Error(`code ${code}`), { code });
const noSleep = async () => {};

describe('withRetry', () => {
  it.each([
    { failures: [status.UNAVAILABLE, status.DEADLINE_EXCEEDED], calls: 3, result: 'ok' },
    {
      failures: [status.UNAVAILABLE, status.UNAVAILABLE, status.UNAVAILABLE, status.UNAVAILABLE, status.UNAVAILABLE],
      calls: 5,
      result: 'code 14',
    },
    { failures: [status.ABORTED], calls: 1, result: 'code 10' },
    { failures: [status.PERMISSION_DENIED], calls: 1, result: 'code 7' },
    { failures: [status.UNAVAILABLE, status.INVALID_ARGUMENT], calls: 2, result: 'code 3' },
  ])('fails with $failures -> $calls calls, $result', async ({ failures, calls, result }) => {
    let n = 0;
    const retried: number[] = [];
    const outcome = await withRetry(
      async () => {
        const code = failures[n++];
        if (code !== undefined) throw grpcError(code);
        return 'ok';
      },
      { sleep: noSleep, onRetry: (_e, attempt) => retried.push(attempt) },
    ).catch((e: Error) => e.message);
    expect(outcome).toBe(result);
    expect(n).toBe(calls);
    expect(retried).toEqual(
      Array.from({ length: calls - 1 }, (_, i) => i + 1).slice(0, Math.max(0, calls - (result === 'ok' ? 1 : 1))),
    );
  });
});

describe('backoffDelay', () => {
  it.each([
    [1, 0.5, 500],
    [2, 0.5, 1000],
    [4, 0.5, 4000],
    [6, 0.5, 8000],
    [1, 0, 400],
    [1, 1, 600],
  ])('attempt %i, jitter %f -> %i ms', (attempt, random, ms) => {
    expect(backoffDelay(attempt, 500, 8000, random)).toBe(ms);
  });
});

describe('sendOnce', () => {
  const run = async (failures: number[], appliedAfter: number | undefined) => {
    const log: string[] = [];
    let sends = 0;
    const result = await sendOnce(
      async () => {
        log.push('send');
        const code = failures[sends++];
        if (code !== undefined) throw grpcError(code);
        return 'sent';
      },
      async () => {
        log.push('read');
        return appliedAfter !== undefined && sends >= appliedAfter ? 'applied' : undefined;
      },
      { sleep: noSleep },
    ).catch((e: Error) => e.message);
    return { result, log };
  };

  it.each([
    { name: 'no error: one send, no read', failures: [], appliedAfter: undefined, log: 'send', result: { sent: 'sent' } },
    {
      name: 'a timeout that was applied: read, never sent again',
      failures: [status.DEADLINE_EXCEEDED],
      appliedAfter: 1,
      log: 'send read',
      result: { applied: 'applied' },
    },
    {
      name: 'unavailable and not applied: read, then sent again',
      failures: [status.UNAVAILABLE],
      appliedAfter: undefined,
      log: 'send read send',
      result: { sent: 'sent' },
    },
    {
      name: 'a final error after the change was applied: the change stands',
      failures: [status.ABORTED],
      appliedAfter: 1,
      log: 'send read',
      result: { applied: 'applied' },
    },
    {
      name: 'permission denied, not applied: final, never sent again',
      failures: [status.PERMISSION_DENIED],
      appliedAfter: undefined,
      log: 'send read',
      result: 'code 7',
    },
    {
      name: 'transient errors up to the last attempt, never applied',
      failures: [status.UNAVAILABLE, status.UNAVAILABLE, status.UNAVAILABLE, status.UNAVAILABLE, status.UNAVAILABLE],
      appliedAfter: undefined,
      log: 'send read send read send read send read send read',
      result: 'code 14',
    },
  ])('$name', async ({ failures, appliedAfter, log, result }) => {
    const outcome = await run(failures, appliedAfter);
    expect(outcome.log.join(' ')).toBe(log);
    expect(outcome.result).toEqual(result);
  });
});
