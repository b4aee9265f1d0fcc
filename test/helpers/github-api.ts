/**
 * A local stand-in for the GitHub REST API's Deployments endpoints that checks every request against
 * GitHub's published description (@octokit/openapi): the method and path must be an operation there,
 * path and query parameters must be declared with the right type, and the JSON body must match the
 * operation's request schema (types, enums, required fields, and no field the schema does not name).
 * A request that does not match is answered 422 and recorded in `violations`.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

type Schema = {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  nullable?: boolean;
  additionalProperties?: boolean | Schema;
};
interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

let description: Record<string, Record<string, Operation>> | undefined;
function paths(): Record<string, Record<string, Operation>> {
  description ??= (
    JSON.parse(
      readFileSync(
        join(__dirname, '..', '..', 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.deref.json'),
        'utf8',
      ),
    ) as { paths: Record<string, Record<string, Operation>> }
  ).paths;
  return description;
}

/** Problems of `value` against `schema` (the subset of OpenAPI 3.0 schemas GitHub's description uses here). */
export function schemaProblems(value: unknown, schema: Schema, at = 'body'): string[] {
  if (value === null) return schema.nullable ? [] : [`${at} is null`];
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives)
    return alternatives.some((s) => schemaProblems(value, s, at).length === 0) ? [] : [`${at} matches none of its alternatives`];
  if (schema.enum && !schema.enum.includes(value))
    return [`${at} is ${JSON.stringify(value)}, not one of ${schema.enum.join(', ')}`];
  const type = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (schema.type && schema.type !== type && !(schema.type === 'number' && type === 'integer'))
    return [`${at} is a ${type}, expected ${schema.type}`];
  if (type === 'array' && schema.items)
    return (value as unknown[]).flatMap((v, i) => schemaProblems(v, schema.items!, `${at}[${i}]`));
  if (type !== 'object') return [];
  const object = value as Record<string, unknown>;
  const problems = (schema.required ?? []).filter((k) => !(k in object)).map((k) => `${at}.${k} is required`);
  for (const [key, v] of Object.entries(object)) {
    const property = schema.properties?.[key];
    if (property) problems.push(...schemaProblems(v, property, `${at}.${key}`));
    else if (schema.properties && schema.additionalProperties !== true)
      problems.push(`${at}.${key} is not a field of this operation`);
  }
  return problems;
}

/** The operation for METHOD /path, with its path parameters, or undefined. */
function operationFor(
  method: string,
  path: string,
): { template: string; operation: Operation; params: Record<string, string> } | undefined {
  for (const [template, item] of Object.entries(paths())) {
    const names: string[] = [];
    const re = new RegExp(`^${template.replace(/\{([^}]+)\}/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`);
    const m = re.exec(path);
    const operation = item[method.toLowerCase()];
    if (m && operation)
      return { template, operation, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return undefined;
}

export function requestProblems(method: string, url: URL, body: unknown): string[] {
  const found = operationFor(method, url.pathname);
  if (!found) return [`${method} ${url.pathname} is not an operation of the GitHub REST API`];
  const problems: string[] = [];
  for (const p of found.operation.parameters ?? []) {
    const raw = p.in === 'path' ? found.params[p.name] : p.in === 'query' ? url.searchParams.get(p.name) : undefined;
    if (raw === undefined || raw === null) {
      if (p.required) problems.push(`${p.in} parameter ${p.name} is required`);
      continue;
    }
    if (p.schema.type === 'integer' && !/^\d+$/.test(raw))
      problems.push(`${p.in} parameter ${p.name}="${raw}" is not an integer`);
  }
  const declared = new Set((found.operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of url.searchParams.keys()) if (!declared.has(name)) problems.push(`query parameter ${name} is not declared`);
  const schema = found.operation.requestBody?.content['application/json']?.schema;
  if (schema) problems.push(...schemaProblems(body, schema));
  else if (body !== undefined) problems.push(`${method} ${found.template} takes no body`);
  return problems;
}

export interface DeploymentRecord {
  id: number;
  environment: string;
  ref: string;
  payload: unknown;
  description: string | null;
  statuses: { state: string; environment_url?: string; log_url?: string; description?: string }[];
}

export interface GitHubApiStandIn {
  url: string;
  deployments: DeploymentRecord[];
  requests: { method: string; path: string; body: unknown }[];
  violations: string[];
  /** Answer writes 403 as GitHub does for a token without deployments: write. */
  forbidWrites: boolean;
  close(): Promise<void>;
}

export async function startGitHubApi(): Promise<GitHubApiStandIn> {
  paths();
  const state: Omit<GitHubApiStandIn, 'url' | 'close'> = { deployments: [], requests: [], violations: [], forbidWrites: false };
  let next = 1000;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
      state.requests.push({ method, path: `${url.pathname}${url.search}`, body });
      const send = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      const problems = requestProblems(method, url, body);
      if (problems.length > 0) {
        state.violations.push(...problems.map((p) => `${method} ${url.pathname}: ${p}`));
        return send(422, { message: 'Validation Failed', errors: problems });
      }
      if (method === 'POST' && state.forbidWrites) return send(403, { message: 'Resource not accessible by integration' });
      const m = /^\/repos\/[^/]+\/[^/]+\/deployments(?:\/(\d+)\/statuses)?$/.exec(url.pathname);
      if (!m) return send(404, { message: 'Not Found' });
      const deployment = m[1] ? state.deployments.find((d) => d.id === Number(m[1])) : undefined;
      if (m[1] && !deployment) return send(404, { message: 'Not Found' });
      if (method === 'POST' && deployment) {
        const status = body as DeploymentRecord['statuses'][number];
        deployment.statuses.unshift(status);
        return send(201, { id: next++, ...status });
      }
      if (method === 'POST') {
        const b = body as Record<string, unknown>;
        const created: DeploymentRecord = {
          id: next++,
          environment: String(b.environment ?? 'production'),
          ref: String(b.ref),
          payload: b.payload,
          description: (b.description as string | undefined) ?? null,
          statuses: [],
        };
        state.deployments.unshift(created);
        return send(201, created);
      }
      if (deployment) return send(200, deployment.statuses.slice(0, Number(url.searchParams.get('per_page') ?? 30)));
      const environment = url.searchParams.get('environment');
      return send(
        200,
        state.deployments.filter((d) => !environment || d.environment === environment),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
