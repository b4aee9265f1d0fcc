/**
 * UpdateService's update_mask: only the named fields are taken from the request; an empty mask (or `*`)
 * replaces the whole resource, as the v2 API does. Paths may be snake_case or camelCase and nested
 * (`template.containers`).
 */
type Obj = Record<string, unknown>;

const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export function applyUpdateMask<T extends Obj>(current: T, incoming: T, paths: readonly string[] | null | undefined): T {
  if (!paths || paths.length === 0 || paths.includes('*')) return structuredClone(incoming);
  const result = structuredClone(current) as Obj;
  for (const path of paths) {
    const parts = path.split('.').map(camel);
    let from: unknown = incoming;
    for (const p of parts) from = (from as Obj | null | undefined)?.[p];
    let to = result;
    for (const p of parts.slice(0, -1)) {
      if (typeof to[p] !== 'object' || to[p] === null) to[p] = {};
      to = to[p] as Obj;
    }
    to[parts[parts.length - 1]] = structuredClone(from) ?? null;
  }
  return result as T;
}
