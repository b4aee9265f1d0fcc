/**
 * Cloud Run jobs: create and update validate like services do, and RunJob starts an Execution whose
 * tasks run to completion as real containers (retried up to max_retries, killed after the task
 * timeout). The RunJob operation finishes when the execution does, failing with the task's exit code
 * and last log lines, which is what a migration step needs to report.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ApiError, invalidArgument, notFound } from '../apis/api-error';
import { condition, succeeded } from './conditions';
import { containerProblems, JOB_RESERVED_ENV } from '../rules/container-validation';
import { applyUpdateMask } from '../rules/field-mask';
import { localImageRef } from '../../src/registry/emulator-mirror';
import { reservedKeyProblems } from '../rules/metadata-validation';
import { existing, newEtag, newName, randomSuffix, specPicker, written } from './resource-fields';
import type { Operations } from './operations-state';
import { checkRunLocation, parseChild, parseExecutionName } from '../rules/resource-names';
import { DEFAULT_MEMORY, ingressContainer } from '../rules/template-defaults';
import { containerMemoryBytes } from '../rules/memory-quantity';
import type { RevisionRunner } from '../runtime/revision-runner';
import { SecretNotFound } from '../runtime/secrets';
import { now, type ContainerSpec, type Execution, type Job, type StateStore } from './store';

export const JOB_TYPE = 'google.cloud.run.v2.Job';
export const EXECUTION_TYPE = 'google.cloud.run.v2.Execution';

const specOf = specPicker<Partial<Job>>(['executionCount', 'latestCreatedExecution']);
const DEFAULT_TASK_TIMEOUT_S = 600;
const DEFAULT_MAX_RETRIES = 3;

export interface RunJobRequest {
  name: string;
  etag?: string;
  validateOnly?: boolean;
  overrides?: {
    containerOverrides?: { name?: string; args?: string[]; env?: ContainerSpec['env']; clearArgs?: boolean }[];
    taskCount?: number;
    timeout?: { seconds?: string } | null;
  } | null;
}

export class JobControl {
  constructor(
    private readonly store: StateStore,
    private readonly operations: Operations,
    private readonly runner: RevisionRunner,
    private readonly registry: string,
  ) {}

  private get state() {
    return this.store.state;
  }

  getJob(name: string): Job {
    return existing(this.state.jobs, name, 'jobs');
  }

  create(parent: string, jobId: string, incoming: Job, validateOnly: boolean) {
    const name = newName(this.state.jobs, parent, 'jobs', jobId, 'Job');
    return this.apply(name, undefined, specOf(incoming), validateOnly, 'CreateJobRequest');
  }

  update(req: { job: Job; validateOnly?: boolean; allowMissing?: boolean; updateMask?: { paths: string[] } | null }) {
    const name = req.job?.name ?? '';
    const current = this.state.jobs[name];
    const { location } = parseChild(name, 'jobs');
    if (!current) {
      if (!req.allowMissing) throw notFound(`Resource '${name}' was not found`);
      checkRunLocation(location);
      return this.apply(name, undefined, specOf(req.job), !!req.validateOnly, 'UpdateJobRequest');
    }
    if (req.job.etag && req.job.etag !== current.etag) {
      throw new ApiError(
        grpc.status.ABORTED,
        `The etag ${req.job.etag} of the request does not match the current etag ${current.etag} of job '${name}'.`,
      );
    }
    return this.apply(
      name,
      current,
      applyUpdateMask(specOf(current), specOf(req.job), req.updateMask?.paths),
      !!req.validateOnly,
      'UpdateJobRequest',
    );
  }

  private apply(name: string, current: Job | undefined, spec: Partial<Job>, validateOnly: boolean, request: string) {
    const problems = [
      ...containerProblems(
        'template.template.containers',
        spec.template?.template?.containers ?? [],
        JOB_RESERVED_ENV,
        this.registry,
      ),
      ...reservedKeyProblems('job.labels', spec.labels),
      ...reservedKeyProblems('job.annotations', spec.annotations),
      ...reservedKeyProblems('job.template.labels', spec.template?.labels as Record<string, string> | undefined),
      ...reservedKeyProblems('job.template.annotations', spec.template?.annotations as Record<string, string> | undefined),
    ];
    if (problems.length > 0) throw invalidArgument(`Violation in ${request}.job: ${problems.join('; ')}`);
    const meta = written(name, current, spec);
    const job: Job = {
      ...(current ?? {}),
      ...spec,
      ...meta,
      observedGeneration: meta.generation,
      template: spec.template ?? {},
      terminalCondition: succeeded('Ready'),
      conditions: [],
      executionCount: current?.executionCount ?? 0,
      latestCreatedExecution: current?.latestCreatedExecution ?? null,
      reconciling: false,
    };
    const parent = parentOfName(name);
    if (!validateOnly) {
      this.state.jobs[name] = job;
      this.store.save();
    }
    return this.operations.start(parent, JOB_TYPE, job, async () => structuredClone(job));
  }

  run(req: RunJobRequest) {
    const job = this.getJob(req.name);
    if (req.etag && req.etag !== job.etag)
      throw new ApiError(
        grpc.status.ABORTED,
        `The etag ${req.etag} does not match the current etag ${job.etag} of job '${req.name}'.`,
      );
    const jobId = parseChild(req.name, 'jobs').id;
    const template = structuredClone(job.template.template ?? {});
    const containers = template.containers ?? [];
    for (const o of req.overrides?.containerOverrides ?? []) {
      const c = (o.name && containers.find((x) => x.name === o.name)) || containers[0];
      if (!c) continue;
      if (o.clearArgs) c.args = [];
      if (o.args?.length) c.args = o.args;
      if (o.env?.length) c.env = [...(c.env ?? []).filter((e) => !o.env!.some((x) => x.name === e.name)), ...o.env];
    }
    if (req.overrides?.timeout?.seconds) template.timeout = { seconds: req.overrides.timeout.seconds };
    const taskCount = req.overrides?.taskCount || job.template.taskCount || 1;
    const time = now();
    const execution: Execution = {
      name: `${req.name}/executions/${jobId}-${randomSuffix(5, 'abcdefghijklmnopqrstuvwxyz0123456789')}`,
      uid: randomUUID(),
      job: jobId,
      generation: '1',
      observedGeneration: '1',
      labels: job.template.labels ?? {},
      annotations: job.template.annotations ?? {},
      createTime: time,
      updateTime: time,
      startTime: null,
      completionTime: null,
      taskCount,
      parallelism: job.template.parallelism || taskCount,
      runningCount: 0,
      succeededCount: 0,
      failedCount: 0,
      retriedCount: 0,
      cancelledCount: 0,
      template,
      conditions: [condition('Completed', 'CONDITION_RECONCILING')],
      reconciling: true,
      etag: newEtag(),
    };
    if (req.validateOnly) return this.operations.start(parentOfName(req.name), EXECUTION_TYPE, execution, async () => execution);
    this.state.executions[execution.name] = execution;
    job.executionCount += 1;
    job.latestCreatedExecution = { name: execution.name, createTime: time, completionTime: null };
    this.store.save();
    return this.operations.start(parentOfName(req.name), EXECUTION_TYPE, structuredClone(execution), () =>
      this.execute(job, execution),
    );
  }

  private async execute(job: Job, execution: Execution): Promise<Execution> {
    execution.startTime = now();
    const limit = Math.max(1, execution.parallelism);
    const failures: string[] = [];
    const queue = Array.from({ length: execution.taskCount }, (_, i) => i);
    const worker = async () => {
      for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
        const failed = await this.runTask(execution, index);
        if (failed) failures.push(failed);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, execution.taskCount) }, worker));
    execution.completionTime = now();
    execution.updateTime = execution.completionTime;
    execution.reconciling = false;
    const seconds = Number(execution.completionTime.seconds) - Number(execution.startTime.seconds);
    execution.conditions = failures.length
      ? [condition('Completed', 'CONDITION_FAILED', failures.join('\n'), { executionReason: 'NON_ZERO_EXIT_CODE' })]
      : [condition('Completed', 'CONDITION_SUCCEEDED', `Execution completed successfully in ${seconds}s.`)];
    if (job.latestCreatedExecution?.name === execution.name) job.latestCreatedExecution.completionTime = execution.completionTime;
    this.store.save();
    if (failures.length)
      throw new ApiError(
        grpc.status.FAILED_PRECONDITION,
        `Execution ${execution.name.split('/').pop()} failed: ${failures.join('\n')}`,
      );
    return structuredClone(execution);
  }

  /** Runs one task with its retries; returns the failure message, or undefined when it succeeded. */
  private async runTask(execution: Execution, index: number): Promise<string | undefined> {
    const template = execution.template ?? {};
    const maxRetries = template.maxRetries ?? DEFAULT_MAX_RETRIES;
    const timeoutS = Number(template.timeout?.seconds) || DEFAULT_TASK_TIMEOUT_S;
    const executionId = execution.name.split('/').pop()!;
    const container = ingressContainer(template.containers ?? []);
    let message = '';
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      if (attempt > 0) execution.retriedCount += 1;
      execution.runningCount += 1;
      message = await this.attempt(execution, executionId, index, attempt, timeoutS, container);
      execution.runningCount -= 1;
      if (!message) {
        execution.succeededCount += 1;
        return undefined;
      }
    }
    execution.failedCount += 1;
    return message;
  }

  private async attempt(
    execution: Execution,
    executionId: string,
    index: number,
    attempt: number,
    timeoutS: number,
    container: ContainerSpec | undefined,
  ): Promise<string> {
    const task = `${executionId}-task${index}`;
    if (!container?.image) return `Task ${task} has no container image.`;
    const containerName = `runway-emu-${this.runner.docker.instance}-${task}-a${attempt}`;
    let config;
    try {
      config = this.runner.resolveConfig(
        { key: execution.name, containerName, containers: [container], volumes: execution.template?.volumes ?? [], env: {} },
        container,
      );
    } catch (e) {
      if (e instanceof SecretNotFound) return `Task ${task} could not start: ${e.message}`;
      throw e;
    }
    const image = localImageRef(container.image, this.registry);
    try {
      await this.runner.docker.ensureImage(image);
    } catch (e) {
      return `Task ${task} could not start: ${(e as Error).message}`;
    }
    const id = await this.runner.docker.start({
      name: containerName,
      image,
      command: container.command,
      args: container.args,
      workingDir: container.workingDir,
      mounts: config.mounts,
      env: {
        ...config.env,
        CLOUD_RUN_JOB: execution.job,
        CLOUD_RUN_EXECUTION: executionId,
        CLOUD_RUN_TASK_INDEX: String(index),
        CLOUD_RUN_TASK_ATTEMPT: String(attempt),
        CLOUD_RUN_TASK_COUNT: String(execution.taskCount),
      },
      // A task over its memory limit (512 MiB unless set) is stopped, as a revision's instance is
      // (https://cloud.google.com/run/docs/configuring/jobs/memory-limits): the attempt fails.
      memoryBytes: containerMemoryBytes(container, DEFAULT_MEMORY),
    });
    try {
      const { exitCode, timedOut } = await this.runner.docker.wait(id, timeoutS * 1000);
      if (exitCode === 0 && !timedOut) return '';
      const logs = await this.runner.docker.logs(id);
      const why = timedOut ? `was stopped after the task timeout of ${timeoutS}s` : `failed with exit code ${exitCode}`;
      return `Task ${task} ${why}.${logs ? `\nLast log lines:\n${logs}` : ''}`;
    } finally {
      await this.runner.docker.remove(id);
    }
  }

  getExecution(name: string): Execution {
    parseExecutionName(name);
    const execution = this.state.executions[name];
    if (!execution) throw notFound(`Resource '${name}' was not found`);
    return execution;
  }

  listExecutions(job: string): Execution[] {
    parseChild(job, 'jobs');
    return Object.values(this.state.executions)
      .filter((e) => e.name.startsWith(`${job}/executions/`))
      .reverse();
  }
}

const parentOfName = (name: string) => name.split('/').slice(0, 4).join('/');
