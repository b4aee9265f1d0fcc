import { readinessMarkdown, verdictOf, type PrismaReport } from './readiness-report';
import type { Finding } from './prisma-rules';

const f = (level: Finding['level']): Finding => ({ rule: 'non-root', check: 'c', level, message: 'm' });

describe('readiness report', () => {
  it.each<[Finding['level'][], PrismaReport['mode'], PrismaReport['verdict']]>([
    [['pass', 'notice'], 'strict', 'pass'],
    [['pass', 'warning'], 'strict', 'warn'],
    [['warning', 'error'], 'warn', 'fail'],
    [['error'], 'off', 'skipped'],
  ])('verdict of %j in %s mode is %s', (levels, mode, verdict) => {
    expect(verdictOf(levels.map(f), mode)).toBe(verdict);
  });

  it('renders a table a person can act on: check, result, where, fix', () => {
    const text = readinessMarkdown({
      mode: 'strict',
      verdict: 'fail',
      prisma: { version: '6.19.0', lockfile: 'package-lock.json', engines: 'library', why: 'loads the engine' },
      schema: { file: 'prisma/schema.prisma', note: 'found' },
      dockerfile: { file: 'Dockerfile', runtimeStage: 'runtime', runtimeBase: 'node:20-alpine' },
      findings: [
        {
          rule: 'binary-targets',
          check: 'binaryTargets cover the runtime stage',
          level: 'error',
          message: 'missing linux-musl-openssl-3.0.x',
          fix: 'binaryTargets = ["native", "linux-musl-openssl-3.0.x"]',
          file: 'prisma/schema.prisma',
          line: 7,
          phase: 'static',
        },
        { rule: 'image-engines', check: 'Engine for the image platform', level: 'pass', message: 'ok', phase: 'image' },
      ],
    });
    expect(text).toContain('### Prisma readiness: ❌ not ready');
    expect(text).toContain('| Check | Result | Where | Fix |');
    expect(text).toContain(
      '| binaryTargets cover the runtime stage | ❌ error: missing linux-musl-openssl-3.0.x | prisma/schema.prisma:7 | `binaryTargets = ["native", "linux-musl-openssl-3.0.x"]` |',
    );
    expect(text).toContain('| Engine for the image platform | ✅ pass: ok | built image |  |');
    expect(text).toContain('runtime FROM node:20-alpine (Dockerfile)');
  });
});
