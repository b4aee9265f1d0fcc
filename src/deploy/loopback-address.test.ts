import { findLoopbackAddresses, loopbackAddressWarning } from './loopback-address';

it.each<[Record<string, string>, { name: string; address: string }[]]>([
  [{ DATABASE_URL: 'postgresql://app:pw@127.0.0.1:5432/app' }, [{ name: 'DATABASE_URL', address: '127.0.0.1' }]],
  [{ REDIS_URL: 'redis://localhost:6379' }, [{ name: 'REDIS_URL', address: 'localhost' }]],
  [{ LISTEN_HOST: '127.0.0.1' }, [{ name: 'LISTEN_HOST', address: '127.0.0.1' }]],
  [{ HOST: '127.1.2.3:8080' }, [{ name: 'HOST', address: '127.1.2.3' }]],
  [{ API: 'http://[::1]:3000/x' }, [{ name: 'API', address: '[::1]' }]],
  [{ BIND: '::1' }, [{ name: 'BIND', address: '::1' }]],
  [{ PG: 'host=LOCALHOST dbname=app' }, [{ name: 'PG', address: 'localhost' }]],
  [
    { A: 'redis://127.0.0.1:6379', B: 'redis://127.0.0.1:6380,127.0.0.1:6381' },
    [
      { name: 'A', address: '127.0.0.1' },
      { name: 'B', address: '127.0.0.1' },
    ],
  ],
  // Not loopback: other addresses, longer names and numbers.
  [{ DATABASE_URL: 'postgres://app@10.0.0.5/app' }, []],
  [{ HOST: '0.0.0.0' }, []],
  [{ API: 'https://localhost.example.com/x' }, []],
  [{ API: 'https://my-localhost/x' }, []],
  [{ VERSION: '1127.0.0.1' }, []],
  [{ IPV6: 'fe80::1' }, []],
  [{ IPV6: '2001:db8::1:2' }, []],
])('%j', (env, found) => expect(findLoopbackAddresses(env)).toEqual(found));

it('the warning names the variable and the address, and says why', () => {
  const text = loopbackAddressWarning({ name: 'LISTEN_HOST', address: '127.0.0.1' });
  expect(text).toMatch(/^LISTEN_HOST names the loopback address 127\.0\.0\.1\. On Cloud Run it reaches only the instance itself/);
  expect(text).toMatch(/0\.0\.0\.0/);
});
