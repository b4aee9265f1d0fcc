/** Runtime settings, all from the environment (Cloud Run sets PORT and K_REVISION). */
export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  redisUrl: string;
  revision: string;
  healthTimeoutMs: number;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}="${raw}" is not allowed: give a whole number from ${min} to ${max}`);
  }
  return value;
}

function url(env: NodeJS.ProcessEnv, name: string, schemes: string[]): string {
  const raw = env[name];
  if (!raw) throw new Error(`${name} is not set: give a URL starting with ${schemes.join(' or ')}`);
  if (!schemes.some((s) => raw.startsWith(s))) {
    throw new Error(`${name} must start with ${schemes.join(' or ')}`);
  }
  return raw;
}

export function readConfig(env: NodeJS.ProcessEnv): Config {
  return {
    // Cloud Run needs 0.0.0.0; local tests pass HOST=127.0.0.1.
    host: env.HOST || '0.0.0.0',
    port: integer(env, 'PORT', 8080, 1, 65535),
    databaseUrl: url(env, 'DATABASE_URL', ['postgresql://', 'postgres://']),
    redisUrl: url(env, 'REDIS_URL', ['redis://', 'rediss://']),
    revision: env.K_REVISION || 'local',
    healthTimeoutMs: integer(env, 'HEALTH_TIMEOUT_MS', 1500, 50, 30000),
  };
}
