import { findPrivateAddresses, isPrivateIPv4, privateAddressWarning } from './private-address';

describe('findPrivateAddresses', () => {
  it.each([
    [{ REDIS_URL: 'redis://10.0.0.3:6379' }, [{ name: 'REDIS_URL', address: '10.0.0.3' }]],
    [{ REDIS_URL: 'rediss://:secret@10.20.30.40:6378/0' }, [{ name: 'REDIS_URL', address: '10.20.30.40' }]],
    [{ DATABASE_URL: 'postgresql://app:pw@172.16.0.5:5432/app' }, [{ name: 'DATABASE_URL', address: '172.16.0.5' }]],
    [{ DATABASE_URL: 'postgres://app@192.168.1.20/app' }, [{ name: 'DATABASE_URL', address: '192.168.1.20' }]],
    [{ PG_DSN: 'host=172.31.255.1 port=5432 dbname=app' }, [{ name: 'PG_DSN', address: '172.31.255.1' }]],
    [{ REDIS_HOST: '10.1.2.3' }, [{ name: 'REDIS_HOST', address: '10.1.2.3' }]],
    [{ DB_HOST: '10.1.2.3:5432' }, [{ name: 'DB_HOST', address: '10.1.2.3' }]],
    [{ PGHOST: '192.168.0.9' }, [{ name: 'PGHOST', address: '192.168.0.9' }]],
    // Not private, not a data store, or not a host variable: no warning.
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, []],
    [{ DATABASE_URL: 'postgres://app@172.32.0.1/app' }, []],
    [{ DATABASE_URL: 'postgres://app@/app?host=/cloudsql/acme:us-central1:db' }, []],
    [{ API_URL: 'https://10.0.0.8/api' }, []],
    [{ BUILD_ID: '10.0.0.1' }, []],
    [{ REDIS_URL: 'redis://10.0.0.300:6379' }, []],
  ])('%j', (env, expected) => expect(findPrivateAddresses(env)).toEqual(expected));

  it.each([
    [[10, 255, 0, 1], true],
    [[172, 15, 0, 1], false],
    [[172, 16, 0, 1], true],
    [[172, 31, 0, 1], true],
    [[192, 168, 5, 5], true],
    [[192, 169, 5, 5], false],
    [[8, 8, 8, 8], false],
  ])('isPrivateIPv4(%j) = %s', (octets, expected) => expect(isPrivateIPv4(octets)).toBe(expected));

  it('the warning names the variable, the address and the inputs that fix it', () => {
    const text = privateAddressWarning({ name: 'REDIS_URL', address: '10.0.0.3' });
    expect(text).toMatch(/REDIS_URL points at the private address 10\.0\.0\.3/);
    expect(text).toMatch(/vpc-connector.*network\/subnet/);
  });
});
