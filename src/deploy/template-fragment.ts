/**
 * The deploy's `template` input: a fragment of Cloud Run Admin API v2's RevisionTemplate, in YAML or
 * JSON, for what has no input of its own (CPU boost, always-on CPU, execution environment, liveness
 * probe, volumes, session affinity, …). Every field is checked against the RevisionTemplate message
 * of the descriptor @google-cloud/run ships (copied in revision-template.json), so a typo is an error naming the field and the fields
 * allowed there, before anything changes; the deploy's validate_only preflight then checks the
 * values as Cloud Run does. Field names are the API's JSON names (camelCase) or the proto's
 * (snake_case); durations are "10s" strings, as in the API's JSON.
 */
import type { protobuf } from 'google-gax';
import { parse as parseYaml } from 'yaml';
// The client's own descriptor of these messages, copied by scripts/revision-template.ts and checked
// against the installed client by revision-template.test.ts: no file inside the package is read.
import descriptor from './revision-template.json';

export type TemplateFragment = Record<string, unknown>;

export const TEMPLATE_SYNTAX =
  'a YAML or JSON object of Cloud Run v2 RevisionTemplate fields, e.g. {"executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2", "containers": [{"resources": {"cpuIdle": false, "startupCpuBoost": true}}]}';

const ROOT = 'google.cloud.run.v2.RevisionTemplate';
const DURATION = 'google.protobuf.Duration';
/** Fields Runway sets itself: the revision is named from the tag (the serving container's image: servingImageProblem). */
const RUNWAY_OWNED: Record<string, string> = {
  [`${ROOT}.revision`]: 'Runway names the revision (see the `tag` input)',
};

/**
 * Runway pins the serving container's image to its digest; a sidecar brings its own (Cloud Run
 * refuses a container without one). A container without a name is the serving one; `serving` names
 * it when the template is known (mergeTemplateFragment).
 */
export function servingImageProblem(containers: readonly { name?: string | null; image?: string | null }[], serving?: string) {
  const i = containers.findIndex((c) => c.image !== undefined && (!c.name || c.name === serving));
  return i === -1
    ? undefined
    : `template.containers[${i}].image cannot be given: Runway pins the image of the serving container to its digest (see the \`image\` input); only a sidecar's image can be given`;
}

let root: protobuf.Root | undefined;
/** The RevisionTemplate message and the types it reaches, resolved by protobufjs (google-gax's public export). */
function lookup(name: string): protobuf.Type {
  if (!root) {
    // Loaded here, not at start: only a deploy given `template` needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { protobuf: pb } = require('google-gax') as typeof import('google-gax');
    root = pb.Root.fromJSON(descriptor as protobuf.INamespace);
    root.resolveAll(); // every field's resolvedType (message or enum) at once
  }
  return root.lookupType(name);
}

const camel = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A "10s" / "1.5s" duration, or {seconds, nanos}, as the client's Duration object. */
function duration(value: unknown, path: string): { seconds: number; nanos: number } {
  if (typeof value === 'string') {
    const m = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(value);
    if (!m) throw new Error(`${path}: "${value}" is not a duration (a number of seconds ending in s, e.g. "10s" or "2.5s")`);
    return { seconds: Number(m[1]), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
  }
  return checkMessage(value, lookup(DURATION), path) as { seconds: number; nanos: number };
}

function scalar(value: unknown, type: string, path: string): unknown {
  const bad = (allowed: string) => new Error(`${path}: ${JSON.stringify(value)} is not ${allowed}`);
  switch (type) {
    case 'string':
    case 'bytes':
      if (typeof value !== 'string') throw bad('a string');
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw bad('true or false');
      return value;
    case 'double':
    case 'float':
      if (typeof value !== 'number') throw bad('a number');
      return value;
    default: // int32, int64, uint32, sint32, fixed64, …
      if (!(typeof value === 'number' && Number.isInteger(value)) && !(typeof value === 'string' && /^-?\d+$/.test(value)))
        throw bad('a whole number');
      return value;
  }
}

function checkValue(value: unknown, field: protobuf.Field, path: string): unknown {
  const type = field.resolvedType;
  // An Enum has `values`, a message Type `fields` (the classes are not loaded at start: no instanceof).
  if (type && 'values' in type) {
    if (typeof value !== 'string' || !(value in type.values))
      throw new Error(`${path}: ${JSON.stringify(value)} is not one of ${Object.keys(type.values).join(', ')}`);
    return value;
  }
  if (type && 'fields' in type) return type.fullName === `.${DURATION}` ? duration(value, path) : checkMessage(value, type, path);
  return scalar(value, field.type, path);
}

function checkMessage(value: unknown, type: protobuf.Type, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${path}: expected an object (a ${type.name})`);
  const fields = type.fields;
  const out: Record<string, unknown> = {};
  for (const [given, v] of Object.entries(value)) {
    const name = camel(given);
    const at = `${path}.${given}`;
    const field = fields[name];
    if (!field) throw new Error(`${at} is not a field of ${type.name} (its fields: ${Object.keys(fields).join(', ')})`);
    if (field.options?.['(google.api.field_behavior)'] === 'OUTPUT_ONLY')
      throw new Error(`${at} is set by Cloud Run (output only) and cannot be given`);
    const owned = RUNWAY_OWNED[`${type.fullName.slice(1)}.${name}`];
    if (owned) throw new Error(`${at} cannot be given: ${owned}`);
    if (field.repeated) {
      if (!Array.isArray(v)) throw new Error(`${at}: expected a list`);
      out[name] = v.map((item, i) => checkValue(item, field, `${at}[${i}]`));
    } else if (field.map) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${at}: expected a map of keys to values`);
      out[name] = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, checkValue(x, field, `${at}.${k}`)]));
    } else {
      out[name] = checkValue(v, field, at);
    }
  }
  return out;
}

/** Parses and checks the `template` input; throws an Error naming the first wrong field. */
export function parseTemplateFragment(raw: string): TemplateFragment {
  let value: unknown;
  try {
    // JSON is YAML too.
    value = parseYaml(raw);
  } catch (e) {
    throw new Error(`not valid YAML or JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const fragment = checkMessage(value, lookup(ROOT), 'template');
  const problem = servingImageProblem((fragment.containers ?? []) as { name?: string }[]);
  if (problem) throw new Error(problem);
  return fragment;
}
