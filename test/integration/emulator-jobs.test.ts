/**
 * Cloud Run emulator conformance: Jobs and Executions through the real client. A job's tasks run to
 * completion as real containers; RunJob's operation ends with the execution.
 */
import { PARENT, shortName, emulatorForFile } from '../helpers/emulator-fixture';

jest.setTimeout(120_000);

const file = emulatorForFile();

/** A task that prints its env and exits with $EXIT_CODE. */
const script = (exitCode: string) => ({
  image: file.image,
  command: [
    'node',
    '-e',
    'console.log(`task ${process.env.CLOUD_RUN_TASK_INDEX} of ${process.env.CLOUD_RUN_TASK_COUNT}: ${process.env.APP_MSG}`); process.exit(Number(process.env.EXIT_CODE))',
  ],
  env: [
    { name: 'EXIT_CODE', value: exitCode },
    { name: 'APP_MSG', value: 'migrating' },
  ],
});

async function createJob(id: string, exitCode: string, taskCount = 1) {
  const [op] = await file.emu.clients.jobs.createJob({
    parent: PARENT,
    jobId: id,
    job: { template: { taskCount, template: { containers: [script(exitCode)], maxRetries: 0 } } },
  });
  const [job] = await op.promise();
  return job;
}

it('creates, gets and runs a job to completion; the execution is listed and counts its tasks', async () => {
  const job = await createJob('migrate-ok', '0', 2);
  expect(shortName(job.name)).toBe('migrate-ok');
  const [op] = await file.emu.clients.jobs.runJob({ name: job.name! });
  const [execution] = await op.promise();
  expect(shortName(execution.name)).toMatch(/^migrate-ok-[a-z0-9]{5}$/);
  const [got] = await file.emu.clients.executions.getExecution({ name: execution.name! });
  expect(got).toMatchObject({ taskCount: 2, succeededCount: 2, failedCount: 0, reconciling: false });
  expect(got.conditions?.find((c) => c.type === 'Completed')?.state).toBe('CONDITION_SUCCEEDED');
  expect(got.completionTime).toBeTruthy();
  const [executions] = await file.emu.clients.executions.listExecutions({ parent: job.name! });
  expect(executions.map((e) => e.name)).toEqual([execution.name]);
  const [after] = await file.emu.clients.jobs.getJob({ name: job.name! });
  expect(after.executionCount).toBe(1);
  expect(after.latestCreatedExecution?.name).toBe(execution.name);
});

it('a failing task fails the execution and the operation with the exit code and last log lines', async () => {
  const job = await createJob('migrate-fail', '3');
  const [op] = await file.emu.clients.jobs.runJob({ name: job.name! });
  await expect(op.promise()).rejects.toMatchObject({
    code: 9,
    message: expect.stringMatching(
      /Task migrate-fail-[a-z0-9]{5}-task0 failed with exit code 3\.\nLast log lines:\ntask 0 of 1: migrating/,
    ),
  });
  const [executions] = await file.emu.clients.executions.listExecutions({ parent: job.name! });
  expect(executions[0]).toMatchObject({ failedCount: 1, succeededCount: 0 });
  expect(executions[0].conditions?.find((c) => c.type === 'Completed')).toMatchObject({
    state: 'CONDITION_FAILED',
    executionReason: 'NON_ZERO_EXIT_CODE',
  });
});

it('runs with overrides and updates the job template (etag checked)', async () => {
  const job = await createJob('migrate-update', '5');
  const [runOp] = await file.emu.clients.jobs.runJob({
    name: job.name!,
    overrides: { containerOverrides: [{ env: [{ name: 'EXIT_CODE', value: '0' }] }] },
  });
  const [execution] = await runOp.promise();
  expect(execution.name).toBeTruthy();
  await expect(file.emu.clients.jobs.updateJob({ job: { ...job, etag: '"stale"' } })).rejects.toMatchObject({ code: 10 });
  const [current] = await file.emu.clients.jobs.getJob({ name: job.name! });
  const [updateOp] = await file.emu.clients.jobs.updateJob({
    job: { ...current, template: { template: { containers: [script('0')], maxRetries: 0 } } },
  });
  await updateOp.promise();
  const [rerun] = await file.emu.clients.jobs.runJob({ name: job.name! });
  await expect(rerun.promise()).resolves.toBeTruthy();
  const [updated] = await file.emu.clients.jobs.getJob({ name: job.name! });
  expect(String(updated.generation)).toBe('2');
});

it('rejects a job without an image and a reserved label', async () => {
  await expect(
    file.emu.clients.jobs.createJob({
      parent: PARENT,
      jobId: 'bad',
      job: { labels: { 'run.googleapis.com/x': 'y' }, template: { template: { containers: [{}] } } },
    }),
  ).rejects.toMatchObject({
    code: 3,
    details: expect.stringMatching(/containers\[0\]\.image: must be set.*job\.labels: 'run\.googleapis\.com\/x'/),
  });
});

it('retries a failed task up to maxRetries and kills a task at its timeout', async () => {
  const flaky = {
    image: file.image,
    command: [
      'node',
      '-e',
      'console.log(`attempt ${process.env.CLOUD_RUN_TASK_ATTEMPT}`); process.exit(process.env.CLOUD_RUN_TASK_ATTEMPT === "0" ? 1 : 0)',
    ],
  };
  const [createOp] = await file.emu.clients.jobs.createJob({
    parent: PARENT,
    jobId: 'migrate-retry',
    job: { template: { template: { containers: [flaky], maxRetries: 1 } } },
  });
  const [job] = await createOp.promise();
  const [runOp] = await file.emu.clients.jobs.runJob({ name: job.name! });
  const [execution] = await runOp.promise();
  const [got] = await file.emu.clients.executions.getExecution({ name: execution.name! });
  expect(got).toMatchObject({ succeededCount: 1, failedCount: 0, retriedCount: 1 });

  const sleeper = { image: file.image, command: ['node', '-e', 'setTimeout(() => {}, 60000)'] };
  const [slowOp] = await file.emu.clients.jobs.createJob({
    parent: PARENT,
    jobId: 'migrate-timeout',
    job: { template: { template: { containers: [sleeper], maxRetries: 0, timeout: { seconds: 1 } } } },
  });
  const [slow] = await slowOp.promise();
  const started = Date.now();
  const [run] = await file.emu.clients.jobs.runJob({ name: slow.name! });
  await expect(run.promise()).rejects.toMatchObject({
    message: expect.stringMatching(/task0 was stopped after the task timeout of 1s/),
  });
  expect(Date.now() - started).toBeLessThan(20_000);
});

it('a task that holds more memory than its limit is killed and fails; under the default 512 MiB it succeeds', async () => {
  // 300 MiB touched (filled, so the pages are really used): over 256Mi, under the jobs' default of 512Mi.
  const hog = (memory?: string) => ({
    image: file.image,
    command: [
      'node',
      '-e',
      'const held = []; for (let i = 0; i < 300; i++) held.push(Buffer.alloc(1 << 20, 1)); console.log("held")',
    ],
    ...(memory ? { resources: { limits: { memory } } } : {}),
  });
  const run = async (id: string, memory?: string) => {
    const [createOp] = await file.emu.clients.jobs.createJob({
      parent: PARENT,
      jobId: id,
      job: { template: { template: { containers: [hog(memory)], maxRetries: 0 } } },
    });
    const [job] = await createOp.promise();
    const [runOp] = await file.emu.clients.jobs.runJob({ name: job.name! });
    return runOp.promise();
  };
  await expect(run('migrate-oom', '256Mi')).rejects.toMatchObject({
    message: expect.stringMatching(/task0 failed with exit code 137/),
  });
  await expect(run('migrate-fits')).resolves.toBeTruthy();
});
