/**
 * The emulator's state: the API resources exactly as the API returns them (plain proto objects,
 * camelCase, enums by name), plus the ports each service and tag URL listens on. Kept in memory and,
 * with a state directory, written to `<stateDir>/state.json` after every change so a restarted
 * emulator keeps its services (and their URLs).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrafficTargetSpec } from '../rules/traffic-validation';

export interface Timestamp {
  seconds: string;
  nanos: number;
}

export interface Condition {
  type: string;
  state: 'CONDITION_PENDING' | 'CONDITION_RECONCILING' | 'CONDITION_FAILED' | 'CONDITION_SUCCEEDED';
  message: string;
  lastTransitionTime: Timestamp;
  severity: string;
  reason?: string;
  revisionReason?: string;
  executionReason?: string;
}

/** Fields of a Container the emulator acts on (the rest is kept as sent). */
export interface ContainerSpec {
  name?: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: {
    name: string;
    value?: string;
    valueSource?: { secretKeyRef?: { secret: string; version?: string } | null } | null;
  }[];
  ports?: { containerPort?: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
  startupProbe?: {
    httpGet?: { path?: string; port?: number } | null;
    tcpSocket?: { port?: number } | null;
    initialDelaySeconds?: number;
    timeoutSeconds?: number;
    periodSeconds?: number;
    failureThreshold?: number;
  } | null;
  workingDir?: string;
  [field: string]: unknown;
}

export interface VolumeSpec {
  name: string;
  secret?: { secret: string; items?: { path: string; version?: string }[] } | null;
  [field: string]: unknown;
}

export interface RevisionTemplate {
  revision?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  containers?: ContainerSpec[];
  volumes?: VolumeSpec[];
  serviceAccount?: string;
  [field: string]: unknown;
}

/** The fields every Cloud Run v2 resource carries (service.proto, revision.proto, job.proto). */
interface ResourceMeta {
  name: string;
  uid: string;
  generation: string;
  observedGeneration: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  createTime: Timestamp;
  updateTime: Timestamp;
  reconciling: boolean;
  etag: string;
  [field: string]: unknown;
}

export interface TrafficStatus extends TrafficTargetSpec {
  uri?: string;
}

export interface Service extends ResourceMeta {
  deleteTime?: Timestamp | null;
  template: RevisionTemplate;
  traffic: TrafficTargetSpec[];
  trafficStatuses: TrafficStatus[];
  terminalCondition: Condition | null;
  conditions: Condition[];
  latestReadyRevision: string;
  latestCreatedRevision: string;
  uri: string;
  urls: string[];
}

export interface Revision extends ResourceMeta {
  service: string;
  containers: ContainerSpec[];
  volumes: VolumeSpec[];
  conditions: Condition[];
}

export interface Job extends ResourceMeta {
  template: {
    taskCount?: number;
    parallelism?: number;
    template?: {
      containers?: ContainerSpec[];
      volumes?: VolumeSpec[];
      maxRetries?: number;
      timeout?: { seconds?: string } | null;
    } | null;
    [field: string]: unknown;
  };
  terminalCondition: Condition | null;
  conditions: Condition[];
  executionCount: number;
  latestCreatedExecution: { name: string; createTime: Timestamp; completionTime?: Timestamp | null } | null;
}

export interface Execution {
  name: string;
  uid: string;
  job: string;
  generation: string;
  observedGeneration: string;
  createTime: Timestamp;
  updateTime: Timestamp;
  startTime: Timestamp | null;
  completionTime: Timestamp | null;
  taskCount: number;
  parallelism: number;
  runningCount: number;
  succeededCount: number;
  failedCount: number;
  retriedCount: number;
  template: Job['template']['template'];
  conditions: Condition[];
  reconciling: boolean;
  etag: string;
  [field: string]: unknown;
}

export interface OperationRecord {
  name: string;
  /** The message type of metadata and response, e.g. `google.cloud.run.v2.Service`. */
  type: string;
  metadata: unknown;
  done: boolean;
  response?: unknown;
  error?: { code: number; message: string };
}

export interface State {
  services: Record<string, Service>;
  revisions: Record<string, Revision>;
  jobs: Record<string, Job>;
  executions: Record<string, Execution>;
  operations: Record<string, OperationRecord>;
  /** URL ports by key: the service name, or `SERVICE#TAG` for a tag URL. */
  ports: Record<string, number>;
}

export const emptyState = (): State => ({ services: {}, revisions: {}, jobs: {}, executions: {}, operations: {}, ports: {} });

export function now(): Timestamp {
  const ms = Date.now();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

/** Loads and saves the state; without a directory it lives only in memory. */
export class StateStore {
  readonly state: State;
  private readonly file?: string;

  constructor(dir?: string) {
    this.file = dir ? join(dir, 'state.json') : undefined;
    if (dir) mkdirSync(dir, { recursive: true });
    this.state =
      this.file && existsSync(this.file) ? { ...emptyState(), ...JSON.parse(readFileSync(this.file, 'utf8')) } : emptyState();
  }

  /** Writes the state atomically (write then rename), so a crash never leaves half a file. */
  save(): void {
    if (!this.file) return;
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.state, null, 1));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
