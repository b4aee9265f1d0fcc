/**
 * Issue 13's fault matrix: each mutating call an action makes, failed by the emulator with a
 * transient or a final gRPC error, before the change is applied or after it (the answer lost). Every
 * cell ends either retried to success with the change made once, or as a clear failure with what
 * serves exactly as before. One emulator for the file; a fresh service per cell.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { migrationJob, migrationJobId, runMigration } from '../../src/deploy/migration';
import { readService } from '../../src/cloudrun/service-state';
import { getService } from '../../src/cloudrun/services';
import { jobName, serviceName } from '../../src/cloudrun/target';
import { RecordingReporter } from '../../src/report';
import { memoryState } from '../../src/runtime/local';
import { decodeHistory, HISTORY_ANNOTATION } from '../../src/traffic/history';
import { tagLiveImage } from '../../src/traffic/live-tag';
import { promoteRevision } from '../../src/traffic/promote';
import { rollBackService } from '../../src/traffic/rollback';
import { runBundle } from '../helpers/run-action';
import { ensureTestImage } from '../helpers/test-images';
import { admin, deploy, invoke, revisionOf, setSplit, startStack, type Stack } from './rollback.fixtures';

jest.setTimeout(120_000);
const exec = promisify(execFile);

type Code = 'UNAVAILABLE' | 'DEADLINE_EXCEEDED' | 'ABORTED' | 'PERMISSION_DENIED';
type When = 'before' | 'after';
/** `succeeds`: retried (or re-read) to success, the change made once; a RegExp: the failure's message. */
type Outcome = 'succeeds' | RegExp;
interface Cell {
  readonly code: Code;
  readonly when: When;
  readonly outcome: Outcome;
  /** The outcome for the test name. */
  readonly result: string;
}

const DENIED = /PERMISSION_DENIED|Injected fault/;
/** The same outcome for every call: what the actions' sendOnce gives (issue 10). */
const cells = (aborted: Outcome): Cell[] =>
  (<Omit<Cell, 'result'>[]>[
    { code: 'UNAVAILABLE', when: 'before', outcome: 'succeeds' },
    { code: 'DEADLINE_EXCEEDED', when: 'before', outcome: 'succeeds' },
    { code: 'ABORTED', when: 'before', outcome: aborted },
    { code: 'PERMISSION_DENIED', when: 'before', outcome: DENIED },
    { code: 'UNAVAILABLE', when: 'after', outcome: 'succeeds' },
    { code: 'DEADLINE_EXCEEDED', when: 'after', outcome: 'succeeds' },
    { code: 'ABORTED', when: 'after', outcome: 'succeeds' },
    { code: 'PERMISSION_DENIED', when: 'after', outcome: 'succeeds' },
  ]).map((c) => ({ ...c, result: c.outcome === 'succeeds' ? 'succeeds' : `fails clearly (${c.outcome.source})` }));

let base: Stack;
let hello: string;
let cell = 0;
const RUN = Date.now().toString(36);

/** A new service on the shared emulator: v1 serving 100 %, v2 deployed with no traffic (tag two). */
async function twoRevisions(): Promise<{ stack: Stack; v1: string; v2: string }> {
  const stack: Stack = { ...base, target: { ...base.target, service: `fm-${process.pid % 1000}-${++cell}` } };
  await deploy(stack, hello, 'v1', 'one');
  await deploy(stack, hello, 'v2', 'two');
  const v1 = revisionOf(stack, 'v1');
  const v2 = revisionOf(stack, 'v2');
  return { stack, v1, v2 };
}

const served = async (stack: Stack) => (await readService(stack.clients, stack.target)).served.filter((e) => e.percent > 0);
/** Revision and percent of each share (a served entry names a tag when its revision has one). */
const shares = (entries: { revision?: string; percent: number }[]) => entries.map((e) => [e.revision, e.percent]);
const fault = (method: string, code: Code, when: When) => admin(base, 'POST', '/faults', { method, code, when });

beforeAll(async () => {
  hello = await ensureTestImage('hello');
  base = await startStack();
});
afterEach(async () => admin(base, 'DELETE', '/faults'));
afterAll(async () => base?.stop());

describe('promote: the traffic update (UpdateService)', () => {
  it.each(cells(/changed since it was read/))('$code $when the change: $result', async ({ code, when, outcome }) => {
    const { stack, v1, v2 } = await twoRevisions();
    const before = await served(stack);
    expect(before).toEqual([{ type: 'REVISION', revision: v1, percent: 100 }]);
    await fault('UpdateService', code, when);
    const run = promoteRevision(
      stack.clients,
      { target: stack.target, candidate: v2, steps: [100], bakeSeconds: 0, rollbackOnFailure: true, state: memoryState() },
      new RecordingReporter(),
    );
    const result = await run;
    if (outcome === 'succeeds') {
      expect(result.verdict).toBe('pass');
      expect(shares(await served(stack))).toEqual([[v2, 100]]);
    } else {
      // A failed promotion is a result (verdict fail, its reason), not a throw: the step fails with it.
      expect(result.verdict).toBe('fail');
      expect(result.reasons.join('\n')).toMatch(outcome);
      expect(await served(stack)).toEqual(before);
    }
  });
});

describe('rollback: the traffic update (UpdateService)', () => {
  it.each(cells(/changed since it was read/))('$code $when the change: $result', async ({ code, when, outcome }) => {
    const { stack, v1, v2 } = await twoRevisions();
    await setSplit(stack, [
      { type: 'REVISION', revision: v2, percent: 100, tag: 'two' },
      { type: 'REVISION', revision: v1, percent: 0, tag: 'one' },
    ]);
    const before = await served(stack);
    await fault('UpdateService', code, when);
    const run = rollBackService(
      stack.clients,
      { target: stack.target, to: { kind: 'revision', revision: v1 }, removeTags: [] },
      new RecordingReporter(),
    );
    if (outcome === 'succeeds') {
      await run;
      expect(shares(await served(stack))).toEqual([[v1, 100]]);
      // Sent once: one rollback record, never a second from a repeated change.
      const s = await readService(stack.clients, stack.target);
      expect(decodeHistory(s.annotations[HISTORY_ANNOTATION]).map((r) => r.action)).toEqual(['rollback']);
    } else {
      await expect(run).rejects.toThrow(outcome);
      expect(await served(stack)).toEqual(before);
    }
  });
});

/**
 * deploy-cloudrun's own change, as the runner runs it. The fault skips the validate_only preflight
 * (`validateOnly: false`) so it hits the real change that follows it.
 */
describe.each([
  ['UpdateService', 'an existing service: the new revision takes no traffic'],
  ['CreateService', 'a new service: the first revision takes all traffic'],
] as const)('deploy: the change (%s), %s', (method, _what) => {
  it.each(cells(/changed since it was read|ABORTED/))('$code $when the change: $result', async ({ code, when, outcome }) => {
    const existing = method === 'UpdateService' ? await twoRevisions() : undefined;
    const stack = existing?.stack ?? { ...base, target: { ...base.target, service: `fm-new-${process.pid % 1000}-${++cell}` } };
    const revisions = async () =>
      (await stack.clients.revisions.listRevisions({ parent: serviceName(stack.target) }).catch(() => [[]]))[0].map((r) =>
        r.name!.split('/').pop(),
      );
    const before = existing ? await served(stack) : [];
    const known = await revisions();
    await admin(base, 'POST', '/faults', { method, code, when, validateOnly: false });
    const run = await runBundle('dist/deploy-cloudrun/index.js', {
      inputs: { ...stack.where, service: stack.target.service, image: hello, 'wait-timeout': '60s' },
      env: { ...stack.env, GITHUB_SHA: `${cell}`.padStart(40, 'c') },
      timeoutMs: 100_000,
    });
    const created = (await revisions()).filter((r) => !known.includes(r));
    if (outcome === 'succeeds') {
      expect(run.errors).toEqual([]);
      // Sent once: one new revision, never a second from a repeated change.
      expect(created).toEqual([run.outputs.revision]);
      const first = { type: 'REVISION', revision: run.outputs.revision, percent: 100, tag: expect.any(String) };
      expect(await served(stack)).toEqual(existing ? before : [first]);
      expect((await invoke(stack, run.outputs['tag-url'])).status).toBe(200);
    } else {
      expect(run.code).toBe(1);
      expect(run.errors.join('\n')).toMatch(outcome);
      expect(created).toEqual([]);
      if (existing) expect(await served(stack)).toEqual(before);
      else expect(await getService(stack.clients, stack.target)).toBeUndefined();
    }
  });
});

it('rollback whose answer is lost after a failed deploy: judged from what serves, not the old failed condition', async () => {
  const { stack, v1, v2 } = await twoRevisions();
  await setSplit(stack, [
    { type: 'REVISION', revision: v2, percent: 100, tag: 'two' },
    { type: 'REVISION', revision: v1, percent: 0, tag: 'one' },
  ]);
  // A release whose revision crashes: the service's terminal condition stays failed while v2 serves.
  await expect(deploy(stack, await ensureTestImage('crash'), 'v3')).rejects.toThrow();
  expect((await readService(stack.clients, stack.target)).service.terminalCondition?.state).toBe('CONDITION_FAILED');
  await fault('UpdateService', 'DEADLINE_EXCEEDED', 'after');
  await rollBackService(
    stack.clients,
    { target: stack.target, to: { kind: 'revision', revision: v1 }, removeTags: [] },
    new RecordingReporter(),
  );
  expect(shares(await served(stack))).toEqual([[v1, 100]]);
});

describe('deploy: the migration job (RunJob)', () => {
  it.each(cells(/ABORTED|Injected fault/))('$code $when the change: $result', async ({ code, when, outcome }) => {
    const { stack } = await twoRevisions();
    const before = await served(stack);
    const template = { containers: [{ image: hello }] };
    await fault('RunJob', code, when);
    const run = runMigration(
      stack.clients,
      stack.target,
      migrationJob(template, { form: 'exec', argv: ['node', '-e', 'process.exit(0)'] }),
      new RecordingReporter(),
      200,
    );
    const executions = async () =>
      Number(
        (await stack.clients.jobs.getJob({ name: jobName(stack.target, migrationJobId(stack.target.service)) }))[0]
          .executionCount ?? 0,
      );
    if (outcome === 'succeeds') {
      await run;
      // Run once: a lost answer is never followed by a second execution.
      expect(await executions()).toBe(1);
    } else {
      await expect(run).rejects.toThrow(outcome);
      expect(await executions()).toBe(0);
    }
    expect(await served(stack)).toEqual(before);
  });
});

describe('promote: the live image tag (Artifact Registry CreateTag)', () => {
  let image: string;
  let pkg: string;
  beforeAll(async () => {
    const digest = hello.split('@')[1];
    const path = `us-central1-docker.pkg.dev/${base.target.project}/apps/fault-matrix`;
    // The emulator keeps Artifact Registry images in the local registry under the same path.
    await exec('docker', ['pull', '-q', hello]);
    await exec('docker', ['tag', hello, `127.0.0.1:5000/${path}:base`]);
    await exec('docker', ['push', '-q', `127.0.0.1:5000/${path}:base`]);
    await exec('docker', ['rmi', `127.0.0.1:5000/${path}:base`]);
    image = `${path}@${digest}`;
    pkg = `projects/${base.target.project}/locations/us-central1/repositories/apps/packages/fault-matrix`;
  });
  it.each(cells(/ABORTED|Injected fault/))('$code $when the change: $result', async ({ code, when, outcome }) => {
    // Tags live in the local registry, which outlives a run: a name from an earlier run must not count.
    const service = `fm-tag-${RUN}-${++cell}`;
    await fault('CreateTag', code, when);
    const run = tagLiveImage(base.clients, image, service);
    const tagName = `${pkg}/tags/live-${service}`;
    const tag = () =>
      base.clients.artifactRegistry.getTag({ name: tagName }).then(
        ([t]) => t,
        () => undefined,
      );
    if (outcome === 'succeeds') {
      expect(await run).toMatch(/^Tagged /);
      expect((await tag())?.version).toBe(`${pkg}/versions/${image.split('@')[1]}`);
    } else {
      // promote reports this as a warning after the traffic moved ("Promoted, but the live image tag could not be set").
      await expect(run).rejects.toThrow(outcome);
      expect(await tag()).toBeUndefined();
    }
  });
});

/**
 * An operation that fails after its change applied (`when: operation`: the change is made and rolled
 * out, then the operation ends with the error; Lore-Hex/quill-router#782). Each action re-reads the
 * service and judges from what serves: the change stands, sent once, with a warning.
 */
describe('an operation that fails after its change applied', () => {
  const operationFault = (times = 1) =>
    admin(base, 'POST', '/faults', { method: 'UpdateService', code: 'INTERNAL', when: 'operation', validateOnly: false, times });
  const warned = (reporter: RecordingReporter, pattern: RegExp) =>
    expect(reporter.messages('warning')).toContainEqual(expect.stringMatching(pattern));
  const everyFaultFired = async () =>
    expect((await admin(base, 'GET', '/faults')) as { faults: unknown[] }).toMatchObject({ faults: [] });

  it('promote: both steps and the release record succeed, recorded once', async () => {
    const { stack, v2 } = await twoRevisions();
    await operationFault(3);
    const result = await promoteRevision(
      stack.clients,
      { target: stack.target, candidate: v2, steps: [50, 100], bakeSeconds: 0, rollbackOnFailure: true, state: memoryState() },
      new RecordingReporter(),
    );
    expect(result).toMatchObject({ verdict: 'pass', reasons: [] });
    expect(shares(await served(stack))).toEqual([[v2, 100]]);
    const s = await readService(stack.clients, stack.target);
    expect(decodeHistory(s.annotations[HISTORY_ANNOTATION]).map((r) => [r.action, r.revision])).toEqual([['promote', v2]]);
    // All three faults fired: both steps' and the release record's operations failed after applying.
    await everyFaultFired();
  });

  it('rollback: traffic moved as planned counts as rolled back, with a warning and one record', async () => {
    const { stack, v1, v2 } = await twoRevisions();
    await setSplit(stack, [
      { type: 'REVISION', revision: v2, percent: 100, tag: 'two' },
      { type: 'REVISION', revision: v1, percent: 0, tag: 'one' },
    ]);
    await operationFault();
    const reporter = new RecordingReporter();
    const result = await rollBackService(
      stack.clients,
      { target: stack.target, to: { kind: 'revision', revision: v1 }, removeTags: [] },
      reporter,
    );
    expect(result).toMatchObject({ revision: v1, changed: true });
    expect(shares(await served(stack))).toEqual([[v1, 100]]);
    warned(
      reporter,
      /The rollback's operation reported an error \(.*Injected fault: INTERNAL.*\), but .* serves the rollback's traffic/,
    );
    const s = await readService(stack.clients, stack.target);
    expect(decodeHistory(s.annotations[HISTORY_ANNOTATION]).map((r) => r.action)).toEqual(['rollback']);
    await everyFaultFired();
  });

  it("deploy: the change's operation fails after the revision rolled out: the deploy stands, with a warning", async () => {
    const { stack, v1 } = await twoRevisions();
    await operationFault();
    const run = await runBundle('dist/deploy-cloudrun/index.js', {
      inputs: { ...stack.where, service: stack.target.service, image: hello, 'wait-timeout': '60s' },
      env: { ...stack.env, GITHUB_SHA: `${++cell}`.padStart(40, 'd') },
      timeoutMs: 100_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.warnings.join('\n')).toMatch(
      /The update's operation reported an error \(.*Injected fault: INTERNAL.*\), but .* serves revision .* as planned/,
    );
    expect(shares(await served(stack))).toEqual([[v1, 100]]);
    expect((await invoke(stack, run.outputs['tag-url'])).status).toBe(200);
  });

  it('deploy: its put-back after a failed revision applied though its operation failed: no "Could not restore"', async () => {
    const { stack, v1 } = await twoRevisions();
    const before = await served(stack);
    // The deploy's change (its revision crashes) and then the put-back: the second one's operation fails after applying.
    await operationFault(2);
    const run = await runBundle('dist/deploy-cloudrun/index.js', {
      inputs: { ...stack.where, service: stack.target.service, image: await ensureTestImage('crash'), 'wait-timeout': '60s' },
      env: { ...stack.env, GITHUB_SHA: `${++cell}`.padStart(40, 'e') },
      timeoutMs: 100_000,
    });
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toMatch(/failed to become Ready/);
    expect(run.errors.join('\n')).not.toMatch(/Could not restore/);
    expect(run.warnings.join('\n')).toMatch(
      /The restore's operation reported an error \(.*Injected fault: INTERNAL.*\), but .* serves the restored traffic/,
    );
    expect(await served(stack)).toEqual(before);
    expect(shares(before)).toEqual([[v1, 100]]);
  });
});
