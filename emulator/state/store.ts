/**
 * The emulator's state: the API resources exactly as the API returns them (plain proto objects,
 * camelCase, enums by name), plus the ports each service and tag URL listens on. Kept in memory and,
 * with a state directory, written to `<stateDir>/state.json` soon after every change (and when the
 * emulator stops) so a restarted emulator keeps its services (and their URLs).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
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
  /** Each service's IAM policy (google.iam.v1.Policy) by service name; none set is an empty policy. */
  iamPolicies: Record<string, IamPolicy>;
}

export interface IamPolicy {
  version: number;
  bindings: { role: string; members: string[] }[];
  etag: string;
}

export const emptyState = (): State => ({
  services: {},
  revisions: {},
  jobs: {},
  executions: {},
  operations: {},
  ports: {},
  iamPolicies: {},
});

export function now(): Timestamp {
  const ms = Date.now();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

/**
 * How long after a change the state is written, at the least: the changes meanwhile go in one write.
 * Writing the whole state synchronously on every change held the event loop 42 ms a change (0.7 MB,
 * 10 releases at once), and every API call with it. A large state waits longer (ten times its last
 * serialization), so serializing takes at most a tenth of the loop: 1000 operations are about 6 MB.
 */
export const SAVE_DELAY_MS = 100;

/** Loads and saves the state; without a directory it lives only in memory. */
export class StateStore {
  readonly state: State;
  private readonly file?: string;
  private timer?: NodeJS.Timeout;
  private delayMs = SAVE_DELAY_MS;
  /** The writes in order: one at a time, so an older state never lands after a newer one. */
  private writing: Promise<void> = Promise.resolve();

  constructor(dir?: string) {
    this.file = dir ? join(dir, 'state.json') : undefined;
    if (dir) mkdirSync(dir, { recursive: true });
    this.state =
      this.file && existsSync(this.file) ? { ...emptyState(), ...JSON.parse(readFileSync(this.file, 'utf8')) } : emptyState();
  }

  /** Records that the state changed: it is written soon (see SAVE_DELAY_MS), off the request that changed it. */
  save(): void {
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => this.write(), this.delayMs);
  }

  /** Writes a pending change now and waits until every write has landed (when the emulator stops). */
  async flush(): Promise<void> {
    if (this.timer) this.write();
    await this.writing;
  }

  /** Writes atomically (write then rename), so a crash never leaves half a file. */
  private write(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const file = this.file!;
    // The text is taken now: later changes wait for the next write.
    const started = performance.now();
    const text = JSON.stringify(this.state);
    this.delayMs = Math.max(SAVE_DELAY_MS, 10 * (performance.now() - started));
    this.writing = this.writing
      .then(async () => {
        await writeFile(`${file}.tmp`, text);
        await rename(`${file}.tmp`, file);
      })
      .catch((e: Error) => console.error(`The emulator could not save its state to ${file}: ${e.message}`));
  }
}
