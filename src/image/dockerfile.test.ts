import {
  ancestry,
  baseImage,
  commandText,
  copyPaths,
  DockerfileError,
  instructions,
  normalize,
  parseDockerfile,
  runtimeStage,
  substitute,
  workdirAfter,
} from './dockerfile';

const text = [
  '# syntax=docker/dockerfile:1', // 1
  'ARG NODE=24', // 2
  'FROM node:${NODE}-bookworm-slim AS deps', // 3
  'WORKDIR /app', // 4
  'COPY package.json \\', // 5
  '  # a comment inside a continuation', // 6
  '  package-lock.json ./', // 7
  'RUN npm ci', // 8
  '', // 9
  'FROM deps AS build', // 10
  'RUN --mount=type=secret,id=ca npx prisma generate', // 11
  'FROM node:${NODE:-20}-alpine3.19', // 12
  'COPY --from=build --chown=node:node /app/node_modules ./node_modules', // 13
  'USER node', // 14
  'CMD ["node", "server.js"]', // 15
].join('\n');

describe('parseDockerfile', () => {
  const file = parseDockerfile(text);

  it('finds stages with names, substituted bases and FROM lines', () => {
    expect(file.stages.map((s) => [s.name, s.base, s.from.line])).toEqual([
      ['deps', 'node:24-bookworm-slim', 3],
      ['build', 'deps', 10],
      [undefined, 'node:24-alpine3.19', 12],
    ]);
  });

  it('joins continuation lines, drops comments and keeps the first line', () => {
    const copy = file.stages[0].instructions[1];
    expect([copy.keyword, copy.args, copy.line, copy.endLine]).toEqual(['COPY', 'package.json package-lock.json ./', 5, 7]);
  });

  it('separates flags from arguments', () => {
    expect(file.stages[1].instructions[0].flags).toEqual({ mount: 'type=secret,id=ca' });
    expect(file.stages[2].instructions[0]).toMatchObject({
      flags: { from: 'build', chown: 'node:node' },
      args: '/app/node_modules ./node_modules',
      line: 13,
    });
  });

  it('lets build args override global ARG defaults', () => {
    expect(parseDockerfile(text, { NODE: '22' }).stages[0].base).toBe('node:22-bookworm-slim');
  });

  it('follows a stage to the image it builds on', () => {
    expect(ancestry(file, file.stages[1]).map((s) => s.index)).toEqual([1, 0]);
    expect(baseImage(file, file.stages[1])).toBe('node:24-bookworm-slim');
  });

  it.each([
    [undefined, 2],
    ['build', 1],
    ['BUILD', 1],
  ])('runtimeStage(target=%s) is stage %s', (target, index) => {
    expect(runtimeStage(file, target).index).toBe(index);
  });

  it('refuses an unknown target and a file without FROM', () => {
    expect(() => runtimeStage(file, 'nope')).toThrow('target "nope" is not a stage (stages: deps, build, 2)');
    expect(() => parseDockerfile('RUN true')).toThrow(DockerfileError);
  });
});

describe('helpers', () => {
  it.each([
    ['$A/${B}', { A: 'x', B: 'y' }, 'x/y'],
    ['${A:-def}', {}, 'def'],
    ['${A:-def}', { A: 'set' }, 'set'],
    ['${A:+alt}', { A: 'set' }, 'alt'],
    ['${A:+alt}', {}, ''],
    ['$MISSING!', {}, '!'],
  ])('substitute(%s)', (input, vars, out) => {
    expect(substitute(input, vars)).toBe(out);
  });

  it.each([
    ['/app/./x/../y/', '/app/y'],
    ['app', '/app'],
    ['/', '/'],
  ])('normalize(%s) = %s', (input, out) => {
    expect(normalize(input)).toBe(out);
  });

  it('resolves relative WORKDIRs and stops at a line', () => {
    const list = instructions('FROM a\nWORKDIR /app\nWORKDIR packages/db\nRUN x\nWORKDIR /srv');
    expect(workdirAfter(list, 4)).toBe('/app/packages/db');
    expect(workdirAfter(list)).toBe('/srv');
  });

  it('reads JSON and shell forms', () => {
    const [cmd, copy] = instructions('CMD ["npm", "start"]\nCOPY ["a b", "c", "/dst/"]');
    expect(commandText(cmd)).toBe('npm start');
    expect(copyPaths(copy)).toEqual({ sources: ['a b', 'c'], dest: '/dst/' });
  });

  it('honours the backtick escape directive', () => {
    const list = instructions('# escape=`\nFROM a\nRUN echo a `\n  b');
    expect(list[1]).toMatchObject({ args: 'echo a b', line: 3, endLine: 4 });
  });
});

describe('heredocs', () => {
  // `RUN <<EOF` bodies hold lines that look like instructions; none of them may become one.
  const file = parseDockerfile(
    [
      'FROM node:24-bookworm AS build', // 1
      'WORKDIR /app', // 2
      'RUN <<EOF', // 3
      'npm ci', // 4
      'FROM scratch', // 5
      'npx prisma generate', // 6
      'EOF', // 7
      'COPY <<EOT /app/config.json', // 8
      '{"USER": "root"}', // 9
      'EOT', // 10
      'FROM node:24-bookworm', // 11
      'COPY --from=build /app/node_modules ./node_modules', // 12
    ].join('\n'),
  );

  it('keeps heredoc bodies inside their instruction', () => {
    expect(file.stages.map((s) => s.from.line)).toEqual([1, 11]);
    expect(file.stages[0].instructions.map((i) => [i.keyword, i.line, i.endLine])).toEqual([
      ['WORKDIR', 2, 2],
      ['RUN', 3, 7],
      ['COPY', 8, 10],
    ]);
  });

  it('gives the script as the command text and no path for inline content', () => {
    expect(commandText(file.stages[0].instructions[1])).toBe('npm ci\nFROM scratch\nnpx prisma generate');
    expect(copyPaths(file.stages[0].instructions[2])).toEqual({ sources: [], dest: '/app/config.json' });
  });
});
