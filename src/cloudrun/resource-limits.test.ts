import { memoryRange, parseCpu, parseMemory, resourceProblems, type Resources } from './resource-limits';

const GI = 1024 ** 3;
const MI = 1024 ** 2;

it.each<[string, number | undefined]>([
  ['1', 1],
  ['1000m', 1],
  ['0.5', 0.5],
  ['80m', 0.08],
  ['2 ', 2],
  ['one', undefined],
  ['1.5m', 0.0015],
])('parseCpu(%j) = %j', (text, cores) => expect(parseCpu(text)).toBe(cores));

it.each<[string, number | undefined]>([
  ['512Mi', 512 * MI],
  ['2Gi', 2 * GI],
  ['1G', 1e9],
  ['536870912', 512 * MI],
  ['128M', 128e6],
  ['0.5Gi', GI / 2],
  ['64Ki', 65536],
  ['2GB', undefined],
  ['512 MB', undefined],
  ['-1Gi', undefined],
  ['1.5Xi', undefined],
])('parseMemory(%j) = %j', (text, bytes) => expect(parseMemory(text)).toBe(bytes));

// The doc tables: minimum memory 2 GiB for 4 CPUs, 4 GiB for 6 and 8; more than 4 GiB needs 2 CPUs,
// more than 8 GiB 4, more than 16 GiB 6, more than 24 GiB 8.
it.each<[number, number, number]>([
  [0.25, 128 * MI, 512 * MI],
  [0.5, 128 * MI, GI],
  [1, 128 * MI, 4 * GI],
  [2, 128 * MI, 8 * GI],
  [3, 128 * MI, 8 * GI],
  [4, 2 * GI, 16 * GI],
  [6, 4 * GI, 24 * GI],
  [8, 4 * GI, 32 * GI],
])('%d CPU: memory from %d to %d', (cores, min, max) => expect(memoryRange(cores)).toEqual({ min, max }));

it('the second generation starts at 512 MiB', () => expect(memoryRange(1, true).min).toBe(512 * MI));

it.each<[string, Resources, string[]]>([
  ['nothing given', {}, []],
  ['1 CPU, 512Mi, 80', { cpu: '1', memory: '512Mi', concurrency: 80 }, []],
  ['8 CPUs, 32Gi', { cpu: '8', memory: '32Gi' }, []],
  ['0.08 CPU, concurrency 1', { cpu: '0.08', concurrency: 1 }, []],
  ['1.5 CPUs', { cpu: '1.5' }, ['cpu: Invalid value specified for cpu: 1.5; above 1 it must be a whole number (2, 3, 4, 6, 8).']],
  ['16 CPUs', { cpu: '16' }, ['cpu: Invalid value specified for cpu: 16; it must be from 0.08 to 8.']],
  ['0.05 CPU', { cpu: '50m' }, ['cpu: Invalid value specified for cpu: 50m; it must be from 0.08 to 8.']],
  ['0.125 CPU', { cpu: '125m' }, ['cpu: Invalid value specified for cpu: 125m; below 1 it goes in steps of 0.01.']],
  ['a word', { cpu: 'lots' }, ['cpu: Invalid value specified for cpu: lots; it is not a CPU count (e.g. 1, 2, 0.5 or 500m).']],
  [
    '0.5 CPU with concurrency 80',
    { cpu: '0.5', concurrency: 80 },
    [
      'concurrency: Invalid value specified for cpu. Total cpu < 1 is not supported with concurrency > 1 (cpu 0.5, concurrency 80).',
    ],
  ],
  [
    '1 CPU with 8Gi',
    { cpu: '1', memory: '8Gi' },
    [
      'memory: Invalid value specified for container memory. For 1.0 CPU, memory must be between 128Mi and 4Gi inclusive (got 8Gi).',
    ],
  ],
  [
    '4 CPUs with 1Gi',
    { cpu: '4', memory: '1Gi' },
    [
      'memory: Invalid value specified for container memory. For 4.0 CPU, memory must be between 2Gi and 16Gi inclusive (got 1Gi).',
    ],
  ],
  [
    '0.25 CPU with 1Gi',
    { cpu: '0.25', memory: '1Gi' },
    [
      'memory: Invalid value specified for container memory. For 0.25 CPU, memory must be between 128Mi and 512Mi inclusive (got 1Gi).',
    ],
  ],
  [
    '64Gi without a CPU',
    { memory: '64Gi' },
    ['memory: Invalid value specified for container memory: 64Gi; it must be from 128Mi to 32Gi.'],
  ],
  ['8Gi without a CPU: not judged', { memory: '8Gi' }, []],
  ['concurrency 2000', { concurrency: 2000 }, ['concurrency: must be from 1 to 1000, got 2000.']],
])('%s', (_, resources, problems) => {
  expect(resourceProblems(resources).map((p) => `${p.field}: ${p.message}`)).toEqual(problems);
});
