/**
 * A failed `docker build` explained: the stage, the step and its Dockerfile line, the first error line
 * of its output, and what to do. Reads both builders' logs: the classic builder's `Step N/M : …` and
 * BuildKit's plain progress (`#8 [build 3/5] RUN …`, `ERROR: …`). Pure.
 */
import type { Instruction } from './dockerfile';

export interface BuildFailure {
  readonly stage?: string;
  /** The failing instruction as the builder printed it. */
  readonly step?: string;
  readonly line?: number;
  readonly firstError: string;
  readonly hint: string;
}

const HINTS: readonly [RegExp, string][] = [
  [
    /ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|Could not resolve host|Temporary failure (in name resolution|resolving)|network is unreachable/i,
    'The step could not reach the network: check the runner can reach the registry or mirror it needs, its proxy settings, and the `network` input.',
  ],
  [
    /SELF_SIGNED_CERT_IN_CHAIN|unable to get local issuer certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE|certificate verify failed/i,
    'TLS is intercepted by a proxy the image does not trust: pass its CA bundle with `build-secrets` (e.g. ca=/etc/ssl/certs/ca-certificates.crt) and point NODE_EXTRA_CA_CERTS at it for the install.',
  ],
  [
    /package\.json and package-lock\.json .*in sync|ERR_PNPM_OUTDATED_LOCKFILE|frozen[- ]lockfile|lockfile needs to be updated/i,
    'The lockfile does not match package.json: run the install locally and commit the updated lockfile.',
  ],
  [
    /COPY failed|failed to compute cache key|file not found in build context|excluded by \.dockerignore|"\/[^"]*": not found/i,
    'A COPY source is not in the build context: check the `context` input, the path, and that .dockerignore does not exclude it.',
  ],
  [/ENOSPC|no space left on device/i, 'The runner ran out of disk space: prune images and caches before building.'],
  [
    /exit code: 137|returned a non-zero code: 137|JavaScript heap out of memory|Killed/i,
    'The step ran out of memory: raise NODE_OPTIONS=--max-old-space-size or use a larger runner.',
  ],
];

const ERROR_LINE = /npm (ERR!|error)|ERR_PNPM|^error\b|\berror:|Error:|\bE: |fatal:|COPY failed|not found|cannot |No such file/i;
const SUMMARY = /^(The command '.*' returned a non-zero code|ERROR: (failed to solve|process ")|------$|\s*>\s*\[)/;

/** The failing step in the classic builder's log, and the output after it. */
function classic(log: string[], all: readonly Instruction[]): Omit<BuildFailure, 'firstError' | 'hint'> & { output: string[] } {
  const at = log.map((l, i) => [i, /^Step (\d+)\/\d+ : (.*)$/.exec(l)] as const).filter(([, m]) => m !== null);
  const [index, m] = at.at(-1)!;
  const n = Number(m![1]);
  const ins = all[n - 1];
  const fromLine = all
    .slice(0, n)
    .filter((i) => i.keyword === 'FROM')
    .at(-1);
  const stage = fromLine && /\bAS\s+(\S+)/i.exec(fromLine.args)?.[1];
  return { stage: stage ?? undefined, step: m![2], line: ins?.line, output: log.slice(index + 1) };
}

/** The failing step in BuildKit's plain log (`#N [stage i/n] INSTR` … `#N ERROR: …`). */
function buildkit(log: string[], all: readonly Instruction[]): Omit<BuildFailure, 'firstError' | 'hint'> & { output: string[] } {
  const failed = log.map((l) => /^#(\d+) ERROR:/.exec(l)?.[1]).find((id) => id !== undefined);
  const header = log.map((l) => /^#(\d+) \[([^\]\s]+)? ?(\d+)\/\d+\] (.*)$/.exec(l)).find((h) => h && h[1] === failed);
  if (!header) return { output: log };
  const [, id, stageName, i, step] = header;
  const stages = all.filter((x) => x.keyword === 'FROM');
  const byName = stages.findIndex((f) => new RegExp(`\\bAS\\s+${stageName}$`, 'i').test(f.args));
  const stageIndex = byName >= 0 ? byName : Number(/^stage-(\d+)$/.exec(stageName ?? '')?.[1] ?? stages.length - 1);
  const from = stages[stageIndex];
  const inStage = from ? all.slice(all.indexOf(from)) : [];
  const output = log.filter((l) => l.startsWith(`#${id} `)).map((l) => l.replace(/^#\d+ (\d+\.\d+ )?/, ''));
  return { stage: stageName, step, line: inStage[Number(i) - 1]?.line, output };
}

export function explainBuildFailure(output: string, all: readonly Instruction[]): BuildFailure {
  const log = output.split('\n').map((l) => l.replace(/\r$/, ''));
  const where = log.some((l) => /^Step \d+\/\d+ : /.test(l)) ? classic(log, all) : buildkit(log, all);
  const body = where.output.filter((l) => l.trim() !== '' && !/^ ---> /.test(l));
  const firstError =
    body.find((l) => ERROR_LINE.test(l) && !SUMMARY.test(l)) ??
    body.filter((l) => !SUMMARY.test(l)).at(-1) ??
    log.filter((l) => l.trim() !== '').at(-1) ??
    'no output';
  const hint =
    HINTS.find(([re]) => re.test(output))?.[1] ??
    `Fix the command${where.line ? ` at line ${where.line}` : ''}; the same \`docker build\` run locally shows the whole log.`;
  const { stage, step, line } = where;
  return { stage, step, line, firstError: firstError.trim(), hint };
}
