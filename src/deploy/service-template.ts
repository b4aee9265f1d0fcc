/**
 * The service a deploy sends: the existing service (or a new one) with only what the inputs ask
 * changed, the new revision's name and pinned image, and the planned traffic. Pure, so every
 * merge/overwrite rule has a table test. The whole service is sent with an update mask naming the
 * changed fields, so the result is the same whether or not the API applies the mask.
 */
import type { protos } from '@google-cloud/run';
import { RESOURCE_OUTPUT_ONLY, SERVICE_OUTPUT_ONLY } from '../cloudrun/output-only';
import type { Service } from '../cloudrun/services';
import { toTargets, type TrafficEntry } from '../cloudrun/traffic-entry';
import type { SharedInputs } from '../regional';
import type { DeployInputs } from './inputs';
import type { SecretRefs } from './secrets';
import { servingImageProblem, type TemplateFragment } from './template-fragment';

type Template = protos.google.cloud.run.v2.IRevisionTemplate;
type Container = protos.google.cloud.run.v2.IContainer;
type EnvVar = protos.google.cloud.run.v2.IEnvVar;
type Volume = protos.google.cloud.run.v2.IVolume;
type VolumeMount = protos.google.cloud.run.v2.IVolumeMount;

/** Fields the API sets; they are never sent back. */
const OUTPUT_ONLY = [...RESOURCE_OUTPUT_ONLY, ...SERVICE_OUTPUT_ONLY];

const INGRESS = {
  all: 'INGRESS_TRAFFIC_ALL',
  internal: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
  'internal-and-cloud-load-balancing': 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
} as const;
const EGRESS = { 'all-traffic': 'ALL_TRAFFIC', 'private-ranges-only': 'PRIVATE_RANGES_ONLY' } as const;

export const CLOUDSQL_VOLUME = 'cloudsql';
const CLOUDSQL_PATH = '/cloudsql';

/** The inputs a template is built from: all but the service target's (service, region, project-id). */
type TemplateInputs = SharedInputs<DeployInputs, never>;

export interface DeploySpec {
  readonly inputs: TemplateInputs;
  /** The image pinned to its digest. */
  readonly image: string;
  readonly revision: string;
  readonly traffic: readonly TrafficEntry[];
}

export interface ServiceChange {
  readonly service: Service;
  readonly updateMask: string[];
}

const clone = <T>(value: T): T => (value === undefined || value === null ? value : (JSON.parse(JSON.stringify(value)) as T));

/** The container that serves requests: the one with a port (sidecars have none), else the first. */
export function servingContainerIndex(containers: readonly Container[]): number {
  const withPort = containers.findIndex((c) => (c.ports ?? []).length > 0);
  return withPort === -1 ? 0 : withPort;
}

const isSecretEnv = (e: EnvVar): boolean => Boolean(e.valueSource?.secretKeyRef);

/** Replaces entries by name (or combines them); keeps the order of the old ones, new names appended. */
function mergeByName<T extends { name?: string | null }>(
  old: readonly T[],
  given: readonly T[],
  combine: (old: T, given: T) => T = (_, g) => g,
): T[] {
  const byName = new Map(given.map((g) => [g.name, g]));
  const merged = old.map((o) => (byName.has(o.name) ? combine(o, byName.get(o.name)!) : o));
  return [...merged, ...given.filter((g) => !old.some((o) => o.name === g.name))];
}

/** The env list: plain variables and secret variables, each by its own strategy. */
export function buildEnv(existing: readonly EnvVar[], inputs: TemplateInputs): EnvVar[] {
  const plainGiven: EnvVar[] = Object.entries(inputs['env-vars'] ?? {}).map(([name, value]) => ({ name, value }));
  const secretGiven: EnvVar[] = (inputs.secrets?.env ?? []).map((s) => ({
    name: s.env,
    valueSource: { secretKeyRef: { secret: s.secret, version: s.version } },
  }));
  const overwritePlain = inputs['env-vars'] !== undefined && inputs['env-vars-update-strategy'] === 'overwrite';
  const overwriteSecrets = inputs.secrets !== undefined && inputs['secrets-update-strategy'] === 'overwrite';
  const kept = existing.filter((e) => (isSecretEnv(e) ? !overwriteSecrets : !overwritePlain));
  // A name given now replaces an old variable of the other kind too (a plain value becoming a secret).
  return mergeByName(kept, [...plainGiven, ...secretGiven]);
}

/** Volume name for the secret mounted at a directory: stable, so a merge replaces the same mount. */
export const secretVolumeName = (directory: string): string =>
  `secret${directory.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.replace(/-+$/, '').slice(0, 63);

function buildSecretVolumes(
  volumes: Volume[],
  mounts: VolumeMount[],
  refs: SecretRefs | undefined,
  overwrite: boolean,
): { volumes: Volume[]; mounts: VolumeMount[] } {
  if (!refs) return { volumes, mounts };
  const secretVolumes = new Set(volumes.filter((v) => v.secret).map((v) => v.name));
  let keptVolumes = volumes;
  let keptMounts = mounts;
  if (overwrite) {
    keptVolumes = volumes.filter((v) => !v.secret);
    keptMounts = mounts.filter((m) => !secretVolumes.has(m.name));
  }
  const directories = [...new Set(refs.files.map((f) => f.directory))];
  const newVolumes: Volume[] = directories.map((directory) => {
    const files = refs.files.filter((f) => f.directory === directory);
    return {
      name: secretVolumeName(directory),
      secret: { secret: files[0].secret, items: files.map((f) => ({ path: f.file, version: f.version })) },
    };
  });
  const newMounts: VolumeMount[] = directories.map((directory) => ({ name: secretVolumeName(directory), mountPath: directory }));
  // A directory mounted before (under any volume) is replaced by the new mount.
  const replaced = new Set(keptMounts.filter((m) => directories.includes(m.mountPath ?? '')).map((m) => m.name));
  return {
    volumes: mergeByName(
      keptVolumes.filter((v) => !(replaced.has(v.name) && v.secret)),
      newVolumes,
    ),
    mounts: mergeByName(
      keptMounts.filter((m) => !replaced.has(m.name)),
      newMounts,
    ),
  };
}

function buildCloudSql(volumes: Volume[], mounts: VolumeMount[], instances: string[] | undefined) {
  if (!instances) return { volumes, mounts };
  const others = volumes.filter((v) => !v.cloudSqlInstance);
  const sqlNames = new Set(volumes.filter((v) => v.cloudSqlInstance).map((v) => v.name));
  const otherMounts = mounts.filter((m) => !sqlNames.has(m.name));
  if (instances.length === 0) return { volumes: others, mounts: otherMounts };
  return {
    volumes: [...others, { name: CLOUDSQL_VOLUME, cloudSqlInstance: { instances } }],
    mounts: [...otherMounts, { name: CLOUDSQL_VOLUME, mountPath: CLOUDSQL_PATH }],
  };
}

/** The container and volumes the inputs describe, starting from the existing ones. */
export function buildContainer(existing: Container | undefined, volumes: Volume[], spec: Pick<DeploySpec, 'inputs' | 'image'>) {
  const { inputs } = spec;
  const container: Container = clone(existing) ?? {};
  delete (container as { buildInfo?: unknown }).buildInfo;
  container.image = spec.image;
  container.env = buildEnv(container.env ?? [], inputs);
  if (inputs.command) container.command = inputs.command;
  if (inputs.args) container.args = inputs.args;
  if (inputs.cpu || inputs.memory) {
    container.resources = {
      ...container.resources,
      limits: {
        ...container.resources?.limits,
        ...(inputs.cpu ? { cpu: inputs.cpu } : {}),
        ...(inputs.memory ? { memory: inputs.memory } : {}),
      },
    };
  }
  if (inputs.port) container.ports = [{ name: container.ports?.[0]?.name || 'http1', containerPort: inputs.port }];
  if (inputs['startup-probe']) container.startupProbe = inputs['startup-probe'];
  const secretParts = buildSecretVolumes(
    volumes,
    container.volumeMounts ?? [],
    inputs.secrets,
    inputs['secrets-update-strategy'] === 'overwrite',
  );
  const sqlParts = buildCloudSql(secretParts.volumes, secretParts.mounts, inputs['cloudsql-instances']);
  container.volumeMounts = sqlParts.mounts;
  return { container, volumes: sqlParts.volumes };
}

function buildTemplate(existing: Template | undefined, spec: DeploySpec): Template {
  const { inputs } = spec;
  const template: Template = clone(existing) ?? {};
  const containers = template.containers ?? [];
  const index = servingContainerIndex(containers);
  const { container, volumes } = buildContainer(containers[index], template.volumes ?? [], spec);
  template.containers = containers.length === 0 ? [container] : containers.map((c, i) => (i === index ? container : c));
  template.volumes = volumes;
  template.revision = spec.revision;
  if (inputs.labels) template.labels = { ...template.labels, ...inputs.labels };
  if (inputs.concurrency !== undefined) template.maxInstanceRequestConcurrency = inputs.concurrency;
  if (inputs['min-instances'] !== undefined || inputs['max-instances'] !== undefined) {
    template.scaling = {
      ...template.scaling,
      ...(inputs['min-instances'] !== undefined ? { minInstanceCount: inputs['min-instances'] } : {}),
      ...(inputs['max-instances'] !== undefined ? { maxInstanceCount: inputs['max-instances'] } : {}),
    };
  }
  if (inputs.timeout !== undefined) {
    const seconds = Math.floor(inputs.timeout);
    template.timeout = { seconds, nanos: Math.round((inputs.timeout - seconds) * 1e9) };
  }
  if (inputs['service-account']) template.serviceAccount = inputs['service-account'];
  if (inputs['vpc-connector']) {
    template.vpcAccess = { connector: inputs['vpc-connector'], egress: EGRESS[inputs['vpc-egress'] ?? 'private-ranges-only'] };
  } else if (inputs.network || inputs.subnet) {
    template.vpcAccess = {
      networkInterfaces: [
        { ...(inputs.network ? { network: inputs.network } : {}), ...(inputs.subnet ? { subnetwork: inputs.subnet } : {}) },
      ],
      egress: EGRESS[inputs['vpc-egress'] ?? 'private-ranges-only'],
    };
  } else if (inputs['vpc-egress'] && template.vpcAccess) {
    template.vpcAccess = { ...template.vpcAccess, egress: EGRESS[inputs['vpc-egress']] };
  }
  return template;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNamedList = (v: unknown): v is { name?: string }[] => Array.isArray(v) && v.every((x) => isObject(x) && 'name' in x);

/**
 * `given` over `base`: objects field by field, anything else replaced; an entry of a list of named
 * entries (env, volumes, mounts, ports) is replaced whole by name, as a oneof (EnvVar's value or
 * valueSource, a Volume's kind) must not keep the old member beside the new one.
 */
function deepMerge(base: unknown, given: unknown): unknown {
  if (isObject(base) && isObject(given))
    return Object.fromEntries(
      [...new Set([...Object.keys(base), ...Object.keys(given)])].map((k) => [
        k,
        k in given ? deepMerge(base[k], given[k]) : base[k],
      ]),
    );
  if (isNamedList(base) && isNamedList(given)) return mergeByName(base, clone(given));
  return clone(given);
}

/**
 * The `template` input merged over the template the other inputs made (the last word: it is the
 * escape hatch for what they do not cover). A container given without a name is the serving one;
 * a named one that is not there is a sidecar, with its own image (only the serving one's is Runway's).
 */
export function mergeTemplateFragment(template: Template, fragment: TemplateFragment | undefined): Template {
  if (!fragment) return template;
  const containers = template.containers ?? [];
  const serving = containers[servingContainerIndex(containers)]?.name ?? '';
  const problem = servingImageProblem((fragment.containers ?? []) as Container[], serving);
  if (problem) throw new Error(problem);
  const { containers: givenContainers, ...rest } = fragment as Template & TemplateFragment;
  const given = clone(givenContainers ?? []).map((c) => (c.name ? c : { ...c, name: serving }));
  const merged = deepMerge(template, rest) as Template;
  // Containers alone merge field by field (a fragment tunes the container the inputs made). Cloud
  // Run names a lone container itself: an empty name is not sent back.
  merged.containers = mergeByName(
    containers.map((c) => ({ ...c, name: c.name ?? '' })),
    given,
    (c, g) => deepMerge(c, g) as Container,
  ).map((c) => (c.name ? c : (({ name: _name, ...others }) => others)(c)));
  return merged;
}

/** Whether the template (after the inputs) reaches a VPC: decides the private-address warning. */
export const hasVpcAccess = (template: Template | null | undefined): boolean =>
  Boolean(template?.vpcAccess?.connector || (template?.vpcAccess?.networkInterfaces ?? []).length > 0);

export function buildService(existing: Service | undefined, spec: DeploySpec): ServiceChange {
  const { inputs } = spec;
  const service: Service = clone(existing) ?? {};
  for (const field of OUTPUT_ONLY) delete (service as Record<string, unknown>)[field];
  service.template = mergeTemplateFragment(buildTemplate(existing?.template ?? undefined, spec), inputs.template);
  service.traffic = toTargets(spec.traffic);
  const mask = ['template', 'traffic'];
  if (inputs.labels) {
    service.labels = { ...service.labels, ...inputs.labels };
    mask.push('labels');
  }
  if (inputs.ingress) {
    service.ingress = INGRESS[inputs.ingress];
    mask.push('ingress');
  }
  if (inputs['allow-unauthenticated'] !== undefined) {
    service.invokerIamDisabled = inputs['allow-unauthenticated'];
    mask.push('invoker_iam_disabled');
  }
  return { service, updateMask: mask };
}
