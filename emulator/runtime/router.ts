/**
 * Each service's URL and each traffic tag's URL: one node:http listener per URL on 127.0.0.1. The
 * service URL splits requests by traffic percent (smooth weighted round robin); a tag URL always goes
 * to its revision. Every request first passes the service's access rules (ingress, invoker check:
 * `RouteGuard.admit`), and one that has no complete answer within its revision's request timeout ends
 * with 504. Bodies are streamed both ways over keep-alive connections, and every proxied request is
 * recorded for the Monitoring API (request_count, request_latencies).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { REVISION_HOST } from './ports';
import { WeightedRoundRobin } from './traffic-split';

export interface RequestRecord {
  project: string;
  location: string;
  service: string;
  revision: string;
  code: number;
  latencyMs: number;
  at?: Date;
}

/** What the router reports each request to (RequestMetrics, state/monitoring-state.ts). */
export interface RequestRecorder {
  record(r: RequestRecord): void;
}

export interface Route {
  /** Full revision name. */
  revision: string;
  percent: number;
  tag?: string;
}

interface Listener {
  server: http.Server;
  port: number;
}

/** A refused request: the status and the page Cloud Run serves for it. */
export interface Refusal {
  status: number;
  body: string;
}

/** The per-service rules the router asks before and while it proxies. */
export interface RouteGuard {
  /** Undefined lets the request in (to the service's URL or one of its tag URLs). */
  admit(service: string, req: http.IncomingMessage): Promise<Refusal | undefined>;
  /** The revision's request timeout (template `timeout`), or undefined for none. */
  timeoutMs(revision: string): number | undefined;
}

const OPEN: RouteGuard = { admit: async () => undefined, timeoutMs: () => undefined };

interface ServiceRoutes {
  main: Listener;
  split: WeightedRoundRobin<string>;
  tags: Map<string, { listener: Listener; revision: string }>;
}

export class Router {
  private readonly services = new Map<string, ServiceRoutes>();
  /** Keep-alive connections to the containers, per router so one emulator's stop never cuts another's. */
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  /** Requests proxied to each revision and not yet finished, and who waits for them to end. */
  private readonly inFlight = new Map<string, number>();
  private readonly drainWaiters = new Map<string, (() => void)[]>();

  constructor(
    /** The port a revision's container listens on, or undefined when it is not running. */
    private readonly upstream: (revision: string) => number | undefined,
    private readonly recorder: RequestRecorder | undefined,
    /** Remembered ports (service name, or `SERVICE#TAG`), reused so URLs survive restarts. */
    private readonly ports: Record<string, number>,
    /** Told when a revision did not answer (its container may have crashed). */
    private readonly onUnreachable: (revision: string) => void = () => undefined,
    private readonly guard: RouteGuard = OPEN,
  ) {}

  /** The service's URL, listening from now on (503 until it has routes). */
  async ensureService(service: string): Promise<string> {
    let routes = this.services.get(service);
    if (!routes) {
      const main = await this.listen(service, service, () => routes?.split.next());
      routes = { main, split: new WeightedRoundRobin<string>([]), tags: new Map() };
      this.services.set(service, routes);
    }
    return `http://127.0.0.1:${routes.main.port}`;
  }

  /** Replaces a service's routes; returns the URL of each tag. */
  async setRoutes(service: string, routes: readonly Route[]): Promise<Record<string, string>> {
    await this.ensureService(service);
    const s = this.services.get(service)!;
    const weights = new Map<string, number>();
    for (const r of routes) weights.set(r.revision, (weights.get(r.revision) ?? 0) + r.percent);
    s.split = new WeightedRoundRobin([...weights].map(([value, weight]) => ({ value, weight })));
    const wanted = new Map(routes.filter((r) => r.tag).map((r) => [r.tag!, r.revision]));
    for (const [tag, t] of s.tags) {
      if (!wanted.has(tag)) {
        s.tags.delete(tag);
        delete this.ports[`${service}#${tag}`];
        await close(t.listener.server);
      }
    }
    const urls: Record<string, string> = {};
    for (const [tag, revision] of wanted) {
      let t = s.tags.get(tag);
      if (!t) {
        const entry: { listener: Listener; revision: string } = { listener: undefined as unknown as Listener, revision };
        entry.listener = await this.listen(service, `${service}#${tag}`, () => entry.revision);
        t = entry;
        s.tags.set(tag, t);
      }
      t.revision = revision;
      urls[tag] = `http://127.0.0.1:${t.listener.port}`;
    }
    return urls;
  }

  /** Resolves when no request to the revision is in flight (at once when none is). */
  drained(revision: string): Promise<void> {
    if (!this.inFlight.get(revision)) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.set(revision, [...(this.drainWaiters.get(revision) ?? []), resolve]));
  }

  private track(revision: string, res: http.ServerResponse): void {
    this.inFlight.set(revision, (this.inFlight.get(revision) ?? 0) + 1);
    res.once('close', () => {
      const left = (this.inFlight.get(revision) ?? 1) - 1;
      if (left > 0) return void this.inFlight.set(revision, left);
      this.inFlight.delete(revision);
      for (const wake of this.drainWaiters.get(revision) ?? []) wake();
      this.drainWaiters.delete(revision);
    });
  }

  async removeService(service: string): Promise<void> {
    const s = this.services.get(service);
    if (!s) return;
    this.services.delete(service);
    for (const key of Object.keys(this.ports)) if (key === service || key.startsWith(`${service}#`)) delete this.ports[key];
    await Promise.all([close(s.main.server), ...[...s.tags.values()].map((t) => close(t.listener.server))]);
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.services.values()].flatMap((s) => [
        close(s.main.server),
        ...[...s.tags.values()].map((t) => close(t.listener.server)),
      ]),
    );
    this.services.clear();
    this.agent.destroy();
  }

  private async listen(service: string, key: string, pick: () => string | undefined): Promise<Listener> {
    const server = http.createServer((req, res) => {
      this.guard.admit(service, req).then(
        (refusal) => {
          if (!refusal) return this.proxy(req, res, pick());
          req.resume();
          res.writeHead(refusal.status, { 'content-type': 'text/html; charset=UTF-8' }).end(refusal.body);
        },
        () => res.writeHead(500).end('Internal error of the emulator\n'),
      );
    });
    server.keepAliveTimeout = 5000;
    const port = await listenOn(server, this.ports[key]).catch(() => listenOn(server, 0));
    this.ports[key] = port;
    return { server, port };
  }

  private proxy(req: http.IncomingMessage, res: http.ServerResponse, revision: string | undefined): void {
    const started = performance.now();
    const port = revision ? this.upstream(revision) : undefined;
    let recorded = false;
    const finish = (code: number) => {
      if (recorded || !revision || !this.recorder) return;
      recorded = true;
      const m = /^projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)\/revisions\/([^/]+)$/.exec(revision);
      if (m)
        this.recorder.record({
          project: m[1],
          location: m[2],
          service: m[3],
          revision: m[4],
          code,
          latencyMs: performance.now() - started,
        });
    };
    if (!port) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable: no ready revision serves this URL\n');
      finish(503);
      return;
    }
    this.track(revision!, res);
    // "If your service doesn't respond within this limit, Cloud Run closes the network connection and
    // returns an HTTP 504 error" (https://cloud.google.com/run/docs/configuring/request-timeout). The
    // container keeps running, as there. An answer already under way is cut off (no 504 can follow its
    // status line) and recorded as 504 all the same, the code Cloud Run gives a timed-out request, so
    // Monitoring and the health gate count it as failed.
    const timeoutMs = this.guard.timeoutMs(revision!);
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            upstream.destroy();
            if (res.headersSent) res.destroy();
            else res.writeHead(504, { 'content-type': 'text/plain' }).end('upstream request timeout\n');
            finish(504);
          }, timeoutMs);
    res.once('close', () => clearTimeout(timer));
    const upstream = http.request(
      { host: REVISION_HOST, port, method: req.method, path: req.url, headers: req.headers, agent: this.agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.rawHeaders as unknown as http.OutgoingHttpHeaders);
        up.pipe(res);
        up.on('end', () => finish(up.statusCode ?? 502));
      },
    );
    upstream.on('error', () => {
      if (res.writableEnded || res.destroyed) return;
      this.onUnreachable(revision!);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('Bad Gateway: the revision did not answer\n');
      finish(502);
    });
    req.pipe(upstream);
  }
}

function listenOn(server: http.Server, port: number | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
