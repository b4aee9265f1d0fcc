/**
 * Free TCP ports, and a probe that waits until a revision's port accepts connections.
 *
 * Revisions share the host's network here, so each gets its own PORT (a free port). The emulator
 * reaches them at REVISION_HOST, a second loopback address: Linux routes all of 127.0.0.0/8 to the
 * loopback interface, and a socket bound to 127.0.0.1 does not accept connections to 127.0.0.2, while
 * one bound to 0.0.0.0 does. So an app that listens on 127.0.0.1 only fails its startup probe, as on
 * Cloud Run, whose container contract says the ingress container must listen on 0.0.0.0
 * (https://cloud.google.com/run/docs/reference/container-contract). Traffic stays on loopback.
 */
import * as http from 'node:http';
import * as net from 'node:net';

/** Where the probe and the router reach a revision's container (see above). */
export const REVISION_HOST = '127.0.0.2';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One TCP connect attempt. */
export function tcpOpen(port: number, timeoutMs: number, host = REVISION_HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** One HTTP GET; success is a 2xx or 3xx status, as Cloud Run's HTTP startup probe counts it. */
function httpOk(port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: REVISION_HOST, port, path, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export interface ProbeSpec {
  port: number;
  /** HTTP GET this path instead of a TCP connect. */
  httpPath?: string;
  deadlineMs: number;
  /** Stops early (false) when the process behind the port has died. */
  alive: () => Promise<boolean>;
}

/** Probes until success (true), the deadline, or the process dies (false). */
export async function probeUntilReady(spec: ProbeSpec): Promise<boolean> {
  const end = Date.now() + spec.deadlineMs;
  let lastAliveCheck = 0;
  while (Date.now() < end) {
    const ok = spec.httpPath ? await httpOk(spec.port, spec.httpPath, 1000) : await tcpOpen(spec.port, 1000);
    if (ok) return true;
    if (Date.now() - lastAliveCheck > 400) {
      lastAliveCheck = Date.now();
      if (!(await spec.alive())) return false;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
