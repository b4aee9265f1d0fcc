import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check, healthVerdict, type CheckResult } from './health.mts';

describe('healthVerdict', () => {
  const cases: [CheckResult, CheckResult, number, string][] = [
    ['connected', 'connected', 200, 'ok'],
    ['error', 'connected', 503, 'degraded'],
    ['connected', 'error', 503, 'degraded'],
    ['error', 'error', 503, 'degraded'],
  ];
  for (const [database, redis, code, status] of cases) {
    it(`database ${database}, redis ${redis} -> ${code}`, () => {
      assert.deepEqual(healthVerdict(database, redis, 'web-00002-abc'), {
        code,
        body: { status, database, redis, revision: 'web-00002-abc' },
      });
    });
  }
});

describe('check', () => {
  const never = () => new Promise(() => undefined);
  const cases: [string, () => Promise<unknown>, CheckResult][] = [
    ['a probe that answers', () => Promise.resolve(1), 'connected'],
    ['a probe that fails', () => Promise.reject(new Error('ECONNREFUSED')), 'error'],
    ['a probe that never answers', never, 'error'],
    ['a probe that answers too late', () => new Promise((r) => setTimeout(r, 500)), 'error'],
  ];
  for (const [name, probe, expected] of cases) {
    it(`${name} -> ${expected}`, async () => {
      assert.equal(await check(probe, 50), expected);
    });
  }
});
