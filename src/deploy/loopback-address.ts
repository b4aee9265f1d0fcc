/**
 * Finds environment values that name a loopback address (`127.*`, `localhost`, `::1`). On Cloud Run
 * a loopback address reaches only the instance itself: a database or Redis "at 127.0.0.1" is not
 * there, and an app told to listen on 127.0.0.1 gets no requests (the container contract wants
 * 0.0.0.0: https://cloud.google.com/run/docs/reference/container-contract). A value that works on
 * a laptop, in CI or in the emulator (whose revisions share the host's network) then fails in
 * production. A pure check of the text, as private-address.ts is.
 */

export interface LoopbackAddress {
  readonly name: string;
  readonly address: string;
}

/** A loopback host as a whole token: not part of a longer name or number (`localhost.example.com`, `1127.0.0.1`). */
const LOOPBACK = /(?<![\w.-])(127(?:\.\d{1,3}){3}|localhost|\[::1\]|::1)(?![\w-]|\.\w)/gi;

export function findLoopbackAddresses(env: Readonly<Record<string, string>>): LoopbackAddress[] {
  return Object.entries(env).flatMap(([name, value]) =>
    [...new Set([...value.matchAll(LOOPBACK)].map((m) => m[1].toLowerCase()))].map((address) => ({ name, address })),
  );
}

export function loopbackAddressWarning(l: LoopbackAddress): string {
  return `${l.name} names the loopback address ${l.address}. On Cloud Run it reaches only the instance itself: a database or cache there is not found, and an app listening on it gets no requests (listen on 0.0.0.0). Use the service's real address (e.g. Cloud SQL's /cloudsql socket, Memorystore's private IP with VPC access).`;
}
