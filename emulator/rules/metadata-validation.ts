/**
 * Cloud Run API v2 rejects labels and annotations in the system namespaces (the v2 reference for
 * Service, RevisionTemplate and Job: "does not support annotations with run.googleapis.com,
 * cloud.googleapis.com, serving.knative.dev, or autoscaling.knative.dev namespaces"). Every v1 system
 * annotation has a field in v2, and the v2 reference lists no key in these namespaces that may still be
 * set, so none is accepted. Keys are matched with and without subdomains (x.run.googleapis.com/...).
 */
export const RESERVED_NAMESPACES = [
  'run.googleapis.com',
  'cloud.googleapis.com',
  'serving.knative.dev',
  'autoscaling.knative.dev',
];

function reservedNamespace(key: string): string | undefined {
  const slash = key.indexOf('/');
  if (slash < 0) return undefined;
  const prefix = key.slice(0, slash);
  return RESERVED_NAMESPACES.find((ns) => prefix === ns || prefix.endsWith(`.${ns}`));
}

/** Problems with the keys of one labels/annotations map; `field` names it, e.g. `service.template.annotations`. */
export function reservedKeyProblems(field: string, map: Record<string, string> | null | undefined): string[] {
  return Object.keys(map ?? {}).flatMap((key) => {
    const ns = reservedNamespace(key);
    return ns
      ? [
          `${field}: '${key}' is in the system namespace '${ns}', which Cloud Run API v2 does not accept (${RESERVED_NAMESPACES.join(', ')})`,
        ]
      : [];
  });
}
