import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConfig } from './config.mts';

const base = { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('readConfig', () => {
  it('applies the defaults Cloud Run expects', () => {
    assert.deepEqual(readConfig(base), {
      host: '0.0.0.0',
      port: 8080,
      databaseUrl: base.DATABASE_URL,
      redisUrl: base.REDIS_URL,
      revision: 'local',
      healthTimeoutMs: 1500,
    });
  });

  it('reads PORT, HOST, K_REVISION and HEALTH_TIMEOUT_MS', () => {
    const config = readConfig({
      ...base,
      PORT: '3000',
      HOST: '127.0.0.1',
      K_REVISION: 'web-00003-xyz',
      HEALTH_TIMEOUT_MS: '250',
    });
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.revision, 'web-00003-xyz');
    assert.equal(config.healthTimeoutMs, 250);
  });

  const rejected: [string, Record<string, string | undefined>, string][] = [
    [
      'no DATABASE_URL',
      { DATABASE_URL: undefined },
      'DATABASE_URL is not set: give a URL starting with postgresql:// or postgres://',
    ],
    ['a MySQL DATABASE_URL', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must start with postgresql:// or postgres://'],
    ['no REDIS_URL', { REDIS_URL: '' }, 'REDIS_URL is not set: give a URL starting with redis:// or rediss://'],
    ['PORT 0', { PORT: '0' }, 'PORT="0" is not allowed: give a whole number from 1 to 65535'],
    ['PORT abc', { PORT: 'abc' }, 'PORT="abc" is not allowed: give a whole number from 1 to 65535'],
    [
      'HEALTH_TIMEOUT_MS 1.5',
      { HEALTH_TIMEOUT_MS: '1.5' },
      'HEALTH_TIMEOUT_MS="1.5" is not allowed: give a whole number from 50 to 30000',
    ],
  ];
  for (const [name, env, message] of rejected) {
    it(`rejects ${name}`, () => {
      assert.throws(() => readConfig({ ...base, ...env }), { message });
    });
  }
});
