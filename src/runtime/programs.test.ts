import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { ProgramOptions, RunProgram } from '../report';
import { execProgram } from './github';
import { runLocally } from './local';

// Both ways of running a program (the GitHub adapter's @actions/exec and the local child_process)
// must give a step the same result, so the core behaves alike under either.
const cases: {
  name: string;
  command: string;
  args: string[];
  options?: ProgramOptions;
  code: number;
  stdout: string;
  stderr: string;
  lines: string[];
}[] = [
  {
    name: 'exit code, both streams, lines of each',
    command: 'sh',
    args: ['-c', 'echo out; echo err >&2; exit 3'],
    code: 3,
    stdout: 'out\n',
    stderr: 'err\n',
    lines: ['err', 'out'],
  },
  {
    name: 'a last line without a newline',
    command: 'printf',
    args: ['x\\ny'],
    code: 0,
    stdout: 'x\ny',
    stderr: '',
    lines: ['x', 'y'],
  },
  {
    name: 'the environment given, and only it',
    command: 'sh',
    args: ['-c', 'echo "$FOO-$HOME"'],
    options: { env: { FOO: 'bar', PATH: process.env.PATH } },
    code: 0,
    stdout: 'bar-\n',
    stderr: '',
    lines: ['bar-'],
  },
  {
    name: 'the working directory',
    command: 'pwd',
    args: [],
    options: { cwd: tmpdir() },
    code: 0,
    stdout: `${realpathSync(tmpdir())}\n`,
    stderr: '',
    lines: [realpathSync(tmpdir())],
  },
];

describe.each([
  ['@actions/exec', execProgram],
  ['child_process', runLocally],
] as [string, RunProgram][])('%s', (_name, run) => {
  it.each(cases)('$name', async ({ command, args, options, code, stdout, stderr, lines }) => {
    const seen: string[] = [];
    const r = await run(command, args, { ...options, onLine: (l) => seen.push(l) });
    expect(r).toEqual({ code, stdout, stderr });
    expect(seen.sort()).toEqual(lines);
  });

  it('rejects when the program cannot start', async () => {
    await expect(run('runway-no-such-program', [])).rejects.toThrow(/runway-no-such-program/);
  });
});
