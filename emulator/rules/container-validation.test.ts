import { containerProblems, JOB_RESERVED_ENV, SERVICE_RESERVED_ENV } from './container-validation';
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
    'CLOUD_RUN_TASK_INDEX in a job',
    [{ image, env: [{ name: 'CLOUD_RUN_TASK_INDEX', value: '1' }] }],
    JOB_RESERVED_ENV,
    [expect.stringMatching(/reserved env names were provided: CLOUD_RUN_TASK_INDEX/) as unknown as string],
  ],
])('%s', (_, containers, reserved, problems) => {
  expect(containerProblems('template.containers', containers, reserved)).toEqual(problems);
});
