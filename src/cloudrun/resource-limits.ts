/**
 * Cloud Run's rules for a container's CPU and memory limits and the revision's concurrency. Pure;
 * deploy-cloudrun checks its inputs and the template it builds with it, and the emulator refuses a
 * template that breaks it, with the API's own words where they are known.
 *
 * Sources:
 * - https://cloud.google.com/run/docs/configuring/services/cpu: "any integer value up to a maximum
 *   of 8 CPUs"; below 1, "any value between 0.08 and 1, in increments of 0.01. Any value above 1 must
 *   be an integer value"; minimum memory 2 GiB for 4 CPUs, 4 GiB for 6 and 8 CPUs; below 1 CPU "A
 *   minimum of 0.5 CPU is needed to set a memory limit greater than 512MiB. A minimum of 1 CPU is
 *   needed to set a memory limit greater than 1GiB", and "Maximum concurrency must be set to 1".
 * - https://cloud.google.com/run/docs/configuring/services/memory-limits: more than 4 GiB needs 2
 *   CPUs, more than 8 GiB 4, more than 16 GiB 6, more than 24 GiB 8; at most 32 GiB; at least 128 MiB
 *   (first generation) or 512 MiB (second generation).
 * - https://cloud.google.com/run/docs/about-concurrency: at most 1000.
 * - The API's words: "Invalid value specified for container memory. For 1.0 CPU, memory must be
 *   between 128Mi and 4Gi inclusive." (google/osv.dev#2800) and "Invalid value specified for cpu.
 *   Total cpu < 1 is not supported with concurrency > 1." (nearform/slack-knowledgebase-chatgpt-responder#980).
 */

const MI = 1024 ** 2;
const GI = 1024 ** 3;
const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: MI, Gi: GI, Ti: 1024 ** 4 };

export const MAX_CONCURRENCY = 1000;

/** Cores of a CPU limit ('1000m', '2', '0.5'), or undefined when it is not a quantity. */
export function parseCpu(cpu: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(cpu.trim());
  if (!m) return undefined;
  return m[2] ? Number(m[1]) / 1000 : Number(m[1]);
}

/** Bytes of a memory limit ('512Mi', '2Gi', '1G'), or undefined when it is not a quantity. */
export function parseMemory(memory: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(memory.trim());
  return m ? Math.round(Number(m[1]) * UNITS[m[2] ?? '']) : undefined;
}

const size = (bytes: number): string => (bytes % GI === 0 ? `${bytes / GI}Gi` : `${Math.round(bytes / MI)}Mi`);
/** As the API writes a CPU count: "1.0", "2.0", "0.5". */
const cpuText = (cores: number): string => (Number.isInteger(cores) ? cores.toFixed(1) : String(cores));

/** The memory a CPU count allows, from the two pages' tables. */
export function memoryRange(cores: number, secondGeneration = false): { min: number; max: number } {
  const floor = secondGeneration ? 512 * MI : 128 * MI;
  if (cores < 0.5) return { min: floor, max: 512 * MI };
  if (cores < 1) return { min: floor, max: GI };
  const max = cores < 2 ? 4 * GI : cores < 4 ? 8 * GI : cores < 6 ? 16 * GI : cores < 8 ? 24 * GI : 32 * GI;
  const min = cores >= 6 ? 4 * GI : cores >= 4 ? 2 * GI : floor;
  return { min, max };
}

export interface Resources {
  /** The CPU limit as given ('1', '1000m'); unknown when absent. */
  readonly cpu?: string;
  readonly memory?: string;
  readonly concurrency?: number;
  /** The second generation execution environment (memory from 512 MiB). */
  readonly secondGeneration?: boolean;
}

export interface ResourceProblem {
  readonly field: 'cpu' | 'memory' | 'concurrency';
  readonly message: string;
}

/** What Cloud Run refuses in these limits. A value that is absent is not judged, nor are the rules that need it. */
export function resourceProblems(r: Resources): ResourceProblem[] {
  const problems: ResourceProblem[] = [];
  const cores = r.cpu === undefined ? undefined : parseCpu(r.cpu);
  const bytes = r.memory === undefined ? undefined : parseMemory(r.memory);
  if (r.cpu !== undefined) {
    const why =
      cores === undefined
        ? 'it is not a CPU count (e.g. 1, 2, 0.5 or 500m)'
        : cores < 0.08 || cores > 8
          ? 'it must be from 0.08 to 8'
          : cores > 1 && !Number.isInteger(cores)
            ? 'above 1 it must be a whole number (2, 3, 4, 6, 8)'
            : cores < 1 && !Number.isInteger(Math.round(cores * 1e6) / 1e4)
              ? 'below 1 it goes in steps of 0.01'
              : undefined;
    if (why) problems.push({ field: 'cpu', message: `Invalid value specified for cpu: ${r.cpu}; ${why}.` });
  }
  if (r.memory !== undefined && bytes === undefined)
    problems.push({
      field: 'memory',
      message: `Invalid value specified for memory: ${r.memory} is not a size (e.g. 512Mi, 2Gi).`,
    });
  if (r.concurrency !== undefined && (!Number.isInteger(r.concurrency) || r.concurrency < 1 || r.concurrency > MAX_CONCURRENCY))
    problems.push({ field: 'concurrency', message: `must be from 1 to ${MAX_CONCURRENCY}, got ${r.concurrency}.` });
  const validCpu = cores !== undefined && !problems.some((p) => p.field === 'cpu');
  if (validCpu && bytes !== undefined) {
    const { min, max } = memoryRange(cores, r.secondGeneration);
    if (bytes < min || bytes > max)
      problems.push({
        field: 'memory',
        message: `Invalid value specified for container memory. For ${cpuText(cores)} CPU, memory must be between ${size(min)} and ${size(max)} inclusive (got ${r.memory}).`,
      });
  } else if (bytes !== undefined && (bytes < (r.secondGeneration ? 512 : 128) * MI || bytes > 32 * GI)) {
    problems.push({
      field: 'memory',
      message: `Invalid value specified for container memory: ${r.memory}; it must be from 128Mi to 32Gi.`,
    });
  }
  if (validCpu && cores < 1 && r.concurrency !== undefined && r.concurrency > 1)
    problems.push({
      field: 'concurrency',
      message: `Invalid value specified for cpu. Total cpu < 1 is not supported with concurrency > 1 (cpu ${r.cpu}, concurrency ${r.concurrency}).`,
    });
  return problems;
}
