import { secretLooking, secretLookingVars } from './secret-looking';

describe('secretLooking', () => {
  it.each<[string, string, string | undefined]>([
    ['DATABASE_URL', 'postgres://app:s3cret@10.0.0.3:5432/app', 'a password in a URL'],
    ['REDIS_URL', 'redis://:hunter2@10.0.0.4:6379', 'a password in a URL'],
    ['REDIS_URL', 'rediss://default:hunter2@10.0.0.4:6379', 'a password in a URL'],
    ['DATABASE_URL', 'postgres://app@10.0.0.3:5432/app', undefined],
    ['DATABASE_URL', 'postgres://app:${DB_PASSWORD}@db/app', undefined],
    ['STRIPE_SECRET', 'sk_live_abc', 'a name ending in SECRET'],
    ['SESSION_KEY', 'abc', 'a name ending in KEY'],
    ['GITHUB_TOKEN', 'ghp_abc', 'a name ending in TOKEN'],
    ['DB_PASSWORD', 'x', 'a name ending in PASSWORD'],
    ['API_TOKEN', '', undefined],
    ['API_TOKEN', 'changeme', undefined],
    ['NEXT_PUBLIC_MAPS_KEY', 'AIza-public', undefined],
    ['KEYCLOAK_REALM', 'main', undefined],
    ['TOKEN_TTL', '3600', undefined],
    ['LOG_LEVEL', 'info', undefined],
  ])('%s=%s', (name, value, why) => {
    expect(secretLooking(name, value)?.why).toBe(why);
  });

  it('suggests secrets with the variable name', () => {
    const [w] = secretLookingVars({ LOG_LEVEL: 'info', DATABASE_URL: 'postgres://u:p@h/db' });
    expect(w.name).toBe('DATABASE_URL');
    expect(w.message).toContain('secrets: DATABASE_URL=SECRET_NAME:latest');
  });
});
