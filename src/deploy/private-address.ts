/**
 * Finds environment values that point at a private-range Redis or database address (Memorystore,
 * Cloud SQL private IP). Cloud Run reaches those only through a VPC connector or Direct VPC egress;
 * without one the revision starts and then times out on every request that needs them. A pure
 * check of the text: nothing connects to the address.
 */

export interface PrivateAddress {
  readonly name: string;
  readonly address: string;
}

const IPV4 = String.raw`(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})`;
/** URL schemes of data stores: redis://u:p@10.0.0.3:6379, postgresql://...@192.168.1.2/db */
const URL_HOST = new RegExp(
  String.raw`\b(?:rediss?|postgres(?:ql)?|mysql|mongodb(?:\+srv)?|memcached?|amqps?)://(?:[^@/\s]*@)?${IPV4}`,
  'gi',
);
/** libpq key/value strings: "host=10.0.0.5 dbname=app" */
const KEY_VALUE_HOST = new RegExp(String.raw`\b(?:host|hostaddr|server)\s*=\s*${IPV4}`, 'gi');
/** Variables whose whole value is a host: REDIS_HOST=10.0.0.3, DB_HOST=10.1.2.3:5432 */
const HOST_NAME =
  /(REDIS|CACHE|MEMCACHE|VALKEY|DB|DATABASE|PG|POSTGRES|MYSQL|SQL|MONGO).*(HOST|ADDR|ADDRESS|SERVER|ENDPOINT)|^(PGHOST|REDISHOST)$/i;
const BARE_HOST = new RegExp(String.raw`^${IPV4}(?::\d+)?$`, 'g');

export function isPrivateIPv4(octets: readonly number[]): boolean {
  const [a, b] = octets;
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return false;
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

function privateMatches(re: RegExp, value: string): string[] {
  return [...value.matchAll(re)]
    .map((m) => m.slice(1, 5).map(Number))
    .filter(isPrivateIPv4)
    .map((o) => o.join('.'));
}

/** Every environment value that points a data store at a private-range IPv4 address. */
export function findPrivateAddresses(env: Readonly<Record<string, string>>): PrivateAddress[] {
  const found: PrivateAddress[] = [];
  for (const [name, value] of Object.entries(env)) {
    const addresses = new Set([...privateMatches(URL_HOST, value), ...privateMatches(KEY_VALUE_HOST, value)]);
    if (HOST_NAME.test(name)) for (const a of privateMatches(BARE_HOST, value.trim())) addresses.add(a);
    for (const address of addresses) found.push({ name, address });
  }
  return found;
}

export function privateAddressWarning(p: PrivateAddress): string {
  return `${p.name} points at the private address ${p.address}, but no VPC access is configured (vpc-connector, or network/subnet for Direct VPC egress). Cloud Run cannot reach private ranges without it: the revision would start, then time out on every request that needs ${p.address}.`;
}
