/**
 * The admin HTTP endpoint tests use to steer the emulator (JSON in, JSON out, 127.0.0.1 only):
 *   POST   /faults               {method, code, message?, times?, when?, validateOnly?}  make an RPC fail `times` times (default 1),
 *                                 before it is applied (default), after (`when: "after"`), or in its operation once applied (`when: "operation"`)
 *   GET    /faults               the faults still armed
 *   DELETE /faults               disarm every fault, the next-revision failure, the operation delay and denied permissions
 *   POST   /permissions/deny     {permission}  TestIamPermissions leaves it out for every caller
 *   POST   /operation-delay      {ms}        keep every operation open at least ms
 *   POST   /next-revision-fails  {message?}  the next revision fails its startup probe with this message
 *   GET    /state                the whole emulator state (services, revisions, jobs, executions, operations)
 *   GET    /identity-token?audience=URL  {token}: an ID token for URL, as `gcloud auth print-identity-token
 *                                 --audiences=URL` gives a person; private services accept it (runtime/identity-tokens.ts)
 * Bad input gets 400 with a message naming the field and what is allowed.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseLocation, type Faults } from './faults';
import type { Permissions } from './permissions';
import type { IdentityTokens } from '../runtime/identity-tokens';
import type { Operations } from '../state/operations-state';
import type { State } from '../state/store';

export const DEFAULT_REVISION_FAILURE =
  'The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable within the allocated timeout. ' +
  'This can happen when the port is misconfigured or if the timeout is too short. (Injected by the emulator admin endpoint.)';

export interface AdminDeps {
  faults: Faults;
  permissions: Permissions;
  operations: Operations;
  tokens: IdentityTokens;
  state: () => State;
}

class BadRequest extends Error {}

async function body(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString() || '{}';
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new BadRequest(`the request body must be a JSON object, got: ${text.slice(0, 100)}`);
}

async function handle(deps: AdminDeps, req: http.IncomingMessage): Promise<[number, unknown]> {
  const url = new URL(req.url ?? '/', 'http://x');
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case 'GET /identity-token': {
      const audience = url.searchParams.get('audience');
      if (!audience || !/^https?:\/\/\S+$/.test(audience))
        throw new BadRequest(
          `audience must be the URL of the service to call, e.g. ?audience=http://127.0.0.1:PORT, got ${JSON.stringify(audience)}`,
        );
      return [200, { token: deps.tokens.issue(audience) }];
    }
    case 'GET /state':
      return [200, deps.state()];
    case 'GET /faults':
      return [
        200,
        {
          faults: deps.faults.list(),
          nextRevisionFailure: deps.faults.nextRevisionFailure ?? null,
          nextRevisionFailureLocation: deps.faults.nextRevisionFailureLocation ?? null,
          operationDelayMs: deps.operations.delayMs,
          deniedPermissions: deps.permissions.list(),
        },
      ];
    case 'POST /faults': {
      const b = await body(req);
      try {
        return [201, deps.faults.add(b as Parameters<Faults['add']>[0])];
      } catch (e) {
        throw new BadRequest((e as Error).message);
      }
    }
    case 'DELETE /faults':
      deps.faults.clear();
      deps.permissions.clear();
      deps.operations.delayMs = 0;
      return [200, {}];
    case 'POST /permissions/deny': {
      const { permission } = await body(req);
      try {
        return [201, { denied: deps.permissions.deny(permission) }];
      } catch (e) {
        throw new BadRequest((e as Error).message);
      }
    }
    case 'POST /operation-delay': {
      const { ms } = await body(req);
      if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0)
        throw new BadRequest(`ms must be a non-negative integer, got ${JSON.stringify(ms)}`);
      deps.operations.delayMs = ms;
      return [200, { ms }];
    }
    case 'POST /next-revision-fails': {
      const { message, location } = await body(req);
      if (message !== undefined && typeof message !== 'string')
        throw new BadRequest(`message must be a string, got ${JSON.stringify(message)}`);
      try {
        deps.faults.nextRevisionFailureLocation = parseLocation(location);
      } catch (e) {
        throw new BadRequest((e as Error).message);
      }
      deps.faults.nextRevisionFailure = message || DEFAULT_REVISION_FAILURE;
      return [200, { message: deps.faults.nextRevisionFailure, location: deps.faults.nextRevisionFailureLocation ?? null }];
    }
    default:
      return [
        404,
        {
          error: `no admin route ${route}: use POST/GET/DELETE /faults, POST /permissions/deny, POST /operation-delay, POST /next-revision-fails, GET /state, GET /identity-token?audience=URL`,
        },
      ];
  }
}

/** Starts the admin server on a free port of 127.0.0.1; returns its URL and a close function. */
export async function startAdmin(deps: AdminDeps): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    handle(deps, req).then(
      ([status, value]) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value)),
      (e: unknown) =>
        res
          .writeHead(e instanceof BadRequest ? 400 : 500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: e instanceof Error ? e.message : String(e) })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
