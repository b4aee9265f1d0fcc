/**
 * A memory limit as Cloud Run reads it: a Kubernetes quantity ("512Mi", "2Gi", "1G", "536870912"),
 * as k8s.min.proto's ResourceRequirements.limits says ("For supported 'memory' values and syntax, go to
 * https://cloud.google.com/run/docs/configuring/memory-limits"). Pure.
 */
const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Bytes of a quantity, or undefined when it is not one. */
export function memoryBytes(quantity: string | null | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity?.trim() ?? '');
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2] ?? '']);
  return bytes > 0 ? bytes : undefined;
}
