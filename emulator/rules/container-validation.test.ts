import {
  containerProblems,
  requestTimeoutProblems,
  JOB_RESERVED_ENV,
  resourceLimitProblems,
  SERVICE_RESERVED_ENV,
  startupProbeProblems,
} from './container-validation';
import type { ContainerSpec } from '../state/store';

const image = '127.0.0.1:5000/app:1';

it.each<[string, ContainerSpec[], readonly string[], string[]]>([
  ['one container with an image', [{ image }], SERVICE_RESERVED_ENV, []],
  ['no container', [], SERVICE_RESERVED_ENV, ['template.containers: at least one container is required']],
  [
    'a container without an image',
    [{ image }, { image: '' }],
    SERVICE_RESERVED_ENV,
    ['template.containers[1].image: must be set'],
  ],
  [
    'PORT and K_REVISION set by the user',
    [
      {
        image,
        env: [
          { name: 'PORT', value: '8080' },
          { name: 'APP', value: '1' },
          { name: 'K_REVISION', value: 'x' },
        ],
      },
    ],
    SERVICE_RESERVED_ENV,
    [
      'template.containers[0].env: The following reserved env names were provided: PORT, K_REVISION. These values are automatically set by the system.',
    ],
  ],
  ['PORT in a job', [{ image, env: [{ name: 'PORT', value: '1' }] }], JOB_RESERVED_ENV, []],
  [
    'Artifact Registry, gcr.io and Docker Hub',
    [
      { image: 'europe-west1-docker.pkg.dev/p/r/web:1' },
      { image: 'eu.gcr.io/p/web' },
      { image: 'nginx' },
      { image: 'docker.io/library/nginx:1' },
    ],
    SERVICE_RESERVED_ENV,
    [],
  ],
  [
    'another registry',
    [{ image: 'ghcr.io/acme/web:1' }],
    SERVICE_RESERVED_ENV,
    [
      'template.containers[0].image: Expected an image path like [host/]repo-path[:tag and/or @digest], where host is one of [region.]gcr.io, [region-]docker.pkg.dev or docker.io but obtained ghcr.io/acme/web:1. To deploy container images from other public or private registries, set up an Artifact Registry remote repository. See https://cloud.google.com/artifact-registry/docs/repositories/remote-repo.',
    ],
  ],
  [
    "a loopback registry that is not the emulator's",
    [{ image: '127.0.0.1:5001/app:1' }],
    SERVICE_RESERVED_ENV,
    [
      expect.stringMatching(
        /^template\.containers\[0\]\.image: Expected an image path like .* but obtained 127\.0\.0\.1:5001\/app:1\./,
      ) as unknown as string,
    ],
  ],
  [
    'CLOUD_RUN_TASK_INDEX in a job',
    [{ image, env: [{ name: 'CLOUD_RUN_TASK_INDEX', value: '1' }] }],
    JOB_RESERVED_ENV,
    [expect.stringMatching(/reserved env names were provided: CLOUD_RUN_TASK_INDEX/) as unknown as string],
  ],
])('%s', (_, containers, reserved, problems) => {
  expect(containerProblems('template.containers', containers, reserved, '127.0.0.1:5000')).toEqual(problems);
});

const limited = (cpu: string, memory: string): ContainerSpec => ({ image, resources: { limits: { cpu, memory } } });

it.each<[string, ContainerSpec[], number, string[]]>([
  ["Cloud Run's defaults", [limited('1000m', '512Mi')], 80, []],
  ['2 CPUs with 8Gi', [limited('2', '8Gi')], 80, []],
  [
    '1 CPU with 8Gi',
    [limited('1', '8Gi')],
    80,
    [
      'template.containers[0].resources.limits.memory: Invalid value specified for container memory. For 1.0 CPU, memory must be between 128Mi and 4Gi inclusive (got 8Gi).',
    ],
  ],
  [
    'a sidecar with 1.5 CPUs',
    [limited('1', '512Mi'), limited('1.5', '512Mi')],
    80,
    [
      'template.containers[1].resources.limits.cpu: Invalid value specified for cpu: 1.5; above 1 it must be a whole number (2, 3, 4, 6, 8).',
    ],
  ],
  [
    '0.5 CPU with concurrency 80',
    [limited('500m', '512Mi')],
    80,
    [
      'template.max_instance_request_concurrency: Invalid value specified for cpu. Total cpu < 1 is not supported with concurrency > 1 (cpu 500m, concurrency 80).',
    ],
  ],
  ['0.5 CPU with concurrency 1', [limited('500m', '512Mi')], 1, []],
])('resources: %s', (_, containers, concurrency, problems) => {
  expect(resourceLimitProblems('template.containers', containers, containers[0], concurrency, false)).toEqual(problems);
});

it.each<[string, Parameters<typeof startupProbeProblems>[1], string[]]>([
  [
    "Cloud Run's default probe (240 s × 1)",
    { tcpSocket: { port: 8080 }, periodSeconds: 240, timeoutSeconds: 240, failureThreshold: 1 },
    [],
  ],
  ['24 × 10 s = 240 s', { httpGet: { path: '/' }, periodSeconds: 10, failureThreshold: 24 }, []],
  [
    'the initial delay is not part of the window',
    { httpGet: { path: '/' }, initialDelaySeconds: 240, periodSeconds: 10, failureThreshold: 24 },
    [],
  ],
  [
    '25 × 10 s = 250 s',
    { httpGet: { path: '/' }, periodSeconds: 10, failureThreshold: 25 },
    ['probe: failure_threshold × period_seconds must be at most 240 seconds, got 25 × 10 = 250'],
  ],
])('startup probe window: %s', (_, probe, problems) => {
  expect(startupProbeProblems('probe', probe)).toEqual(problems);
});

const outOfRange = (got: number) => [`timeout: must be from 1 second to 3600 seconds (60 minutes), got ${got} seconds`];
it.each<[string, Parameters<typeof requestTimeoutProblems>[1], string[]]>([
  ['unset', undefined, []],
  ['unset, as the API decodes it', null, []],
  ['zero, set', { seconds: '0' }, outOfRange(0)],
  ['1 s', { seconds: '1' }, []],
  ['60 minutes', { seconds: '3600' }, []],
  ['over 60 minutes', { seconds: '3601' }, outOfRange(3601)],
  ['60 minutes and a half second', { seconds: '3600', nanos: 5e8 }, outOfRange(3600.5)],
  ['under 1 s', { seconds: '0', nanos: 5e8 }, outOfRange(0.5)],
  ['negative', { seconds: '-5' }, outOfRange(-5)],
])('request timeout: %s', (_, timeout, problems) => {
  expect(requestTimeoutProblems('timeout', timeout)).toEqual(problems);
});
