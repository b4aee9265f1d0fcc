/**
 * Prunes a protobuf JSON descriptor (protobufjs's format, as the Google client packages ship it in
 * `protos.json`) to some services and the types they reach. A client parses its whole descriptor
 * when it is made: @google-cloud/run's holds every Cloud Run API (builds, jobs, worker pools, …) and
 * takes most of a step's start-up; a client needs only its own service's messages.
 */

/** A namespace, message (`fields`), enum (`values`), service (`methods`) or extension (`extend`). */
export interface DescriptorNode {
  nested?: Record<string, DescriptorNode>;
  fields?: Record<string, { type: string }>;
  methods?: Record<string, { requestType: string; responseType: string; options?: Record<string, unknown> }>;
  values?: unknown;
  extend?: string;
  [other: string]: unknown;
}

/** Types a long-running method names in its options: the operation's result and metadata. */
const OPERATION_INFO = ['response_type', 'metadata_type'].map((k) => `(google.longrunning.operation_info).${k}`);

/** Every definition by full name ('' is the root). */
export function definitions(root: DescriptorNode): Map<string, DescriptorNode> {
  const all = new Map<string, DescriptorNode>();
  const walk = (node: DescriptorNode, name: string) => {
    all.set(name, node);
    for (const [key, child] of Object.entries(node.nested ?? {})) walk(child, name ? `${name}.${key}` : key);
  };
  walk(root, '');
  return all;
}

const parentOf = (name: string) => name.slice(0, Math.max(0, name.lastIndexOf('.')));

/**
 * The full name a reference in `scope` means: `.a.b` is absolute; otherwise the innermost enclosing
 * scope that defines it wins, as protoc resolves names. A scalar (`string`) resolves to nothing.
 */
export function resolveName(all: ReadonlyMap<string, DescriptorNode>, reference: string, scope: string): string | undefined {
  const isType = (name: string) => {
    const node = all.get(name);
    return node !== undefined && (node.fields !== undefined || node.values !== undefined);
  };
  if (reference.startsWith('.')) return isType(reference.slice(1)) ? reference.slice(1) : undefined;
  for (let s = scope; ; s = parentOf(s)) {
    const candidate = s ? `${s}.${reference}` : reference;
    if (isType(candidate)) return candidate;
    if (!s) return undefined;
  }
}

/**
 * The descriptor with only `services` (full names, e.g. google.cloud.run.v2.Services) and every
 * message and enum they reach: requests, responses, long-running results, field types, and the
 * nested definitions of each message kept. Services absent from the descriptor are ignored; with
 * none present it is returned as it is. Extension declarations are dropped: options stay as values.
 */
export function pruneDescriptor(root: DescriptorNode, services: readonly string[]): DescriptorNode {
  const all = definitions(root);
  const present = services.filter((s) => all.get(s)?.methods !== undefined);
  if (present.length === 0) return root;
  const kept = new Set<string>();
  const keep = (name: string | undefined) => {
    if (name === undefined || kept.has(name)) return;
    const node = all.get(name)!;
    if (node.extend !== undefined) return;
    kept.add(name);
    const refer = (reference: unknown) => {
      if (typeof reference === 'string') keep(resolveName(all, reference, name));
    };
    for (const field of Object.values(node.fields ?? {})) refer(field.type);
    for (const method of Object.values(node.methods ?? {})) {
      refer(method.requestType);
      refer(method.responseType);
      for (const key of OPERATION_INFO) refer(method.options?.[key]);
    }
    for (const child of Object.keys(node.nested ?? {})) keep(`${name}.${child}`);
  };
  for (const service of present) keep(service);
  const enclosing = new Set([...kept].flatMap((name) => name.split('.').map((_, i, parts) => parts.slice(0, i).join('.'))));
  const copy = (node: DescriptorNode, name: string): DescriptorNode => {
    const { nested, ...rest } = node;
    const children = Object.entries(nested ?? {})
      .map(([key, child]) => [key, child, name ? `${name}.${key}` : key] as const)
      .filter(([, , full]) => kept.has(full) || enclosing.has(full))
      .map(([key, child, full]) => [key, copy(child, full)] as const);
    return children.length > 0 ? { ...rest, nested: Object.fromEntries(children) } : rest;
  };
  return copy(root, '');
}
