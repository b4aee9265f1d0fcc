/**
 * scripts/composite-runner.mjs cancels a job as the GitHub runner does (SIGINT to the step's entry
 * process, SIGTERM 7.5 s later, the process tree killed 2.5 s after that; always() steps still run),
 * and shows why the composite execs its bundles: a program started by the step's bash never sees
 * the signal, one that bash became (`exec`) does.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { node24, repoRoot } from '../helpers/run-action';

jest.setTimeout(60_000);

interface Run {
  steps: { id: string; outcome: string; log: string }[];
  signals: { signal: string; ms: number }[];
}

/** A program that says when it gets SIGINT, then exits; it writes its pid first. */
const LISTENER = `process.on('SIGINT', () => { console.log('program got SIGINT'); process.exit(0); });
require('fs').writeFileSync(process.env.PID_FILE, String(process.pid)); setTimeout(() => {}, 60000);`;

async function cancelled(run: string): Promise<{ run: Run; pid: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'runway-cancel-'));
  writeFileSync(join(dir, 'listener.js'), LISTENER);
  const action = join(dir, 'action.yml');
  writeFileSync(
    action,
    [
      'name: t',
      'description: t',
      'runs:',
      '  using: composite',
      '  steps:',
      '    - id: work',
      '      shell: bash',
      `      run: ${run}`,
      '    - id: after',
      '      shell: bash',
      '      run: echo after',
      '    - id: cleanup',
      '      if: cancelled()',
      '      shell: bash',
      '      run: echo cleanup',
    ].join('\n'),
  );
  const child = spawn(node24, [join(repoRoot, 'scripts', 'composite-runner.mjs'), action], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end(
    JSON.stringify({
      env: { PATH: `${join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH}`, PID_FILE: join(dir, 'pid'), DIR: dir },
    }),
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const deadline = Date.now() + 20_000;
  while (!readFileSync(join(dir, 'pid'), { flag: 'a+' }).length) {
    if (Date.now() > deadline) throw new Error('the program never started');
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGINT');
  await new Promise((r) => child.on('close', r));
  return { run: JSON.parse(out) as Run, pid: Number(readFileSync(join(dir, 'pid'), 'utf8')) };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('exec: the program itself gets SIGINT and exits; no SIGTERM is needed; cancelled() steps run, others are skipped', async () => {
  const { run, pid } = await cancelled('exec node "$DIR/listener.js"');
  expect(run.signals.map((s) => s.signal)).toEqual(['SIGINT']);
  expect(run.steps.map((s) => [s.id, s.outcome])).toEqual([
    ['work', 'cancelled'],
    ['after', 'skipped'],
    ['cleanup', 'success'],
  ]);
  expect(run.steps[0].log).toContain('program got SIGINT');
  expect(alive(pid)).toBe(false);
});

it('without exec: bash gets SIGINT and, 7.5 s later, SIGTERM; the program never hears of it and outlives the step', async () => {
  const { run, pid } = await cancelled('node "$DIR/listener.js"');
  try {
    expect(run.signals.map((s) => s.signal)).toEqual(['SIGINT', 'SIGTERM']);
    expect(run.signals[1].ms).toBeGreaterThanOrEqual(7500);
    expect(run.steps[0]).toMatchObject({ id: 'work', outcome: 'cancelled' });
    expect(run.steps[0].log).not.toContain('program got SIGINT');
    expect(alive(pid)).toBe(true);
  } finally {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
});
