/**
 * A memory limit as Cloud Run reads it: a Kubernetes quantity ("512Mi", "2Gi", "1G", "536870912"),
 * parsed as deploy-cloudrun parses it (src/cloudrun/resource-limits.ts). Pure.
 */
import { parseMemory } from '../../src/cloudrun/resource-limits';
import type { ContainerSpec } from '../state/store';

/** Bytes of a quantity, or undefined when it is none, not one or 0 (then no limit is set). */
export function memoryBytes(quantity: string | null | undefined): number | undefined {
  return (quantity && parseMemory(quantity)) || undefined;
}

/** Bytes of a container's `resources.limits.memory`, or of `fallback` when it sets none. */
export function containerMemoryBytes(container: ContainerSpec, fallback?: string): number | undefined {
  return memoryBytes((container.resources as { limits?: Record<string, string> } | undefined)?.limits?.memory ?? fallback);
}
