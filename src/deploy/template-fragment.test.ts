import type { protos } from '@google-cloud/run';
import { readInputs } from '../inputs';
import { deployCloudRunAction } from './inputs';
import { mergeTemplateFragment } from './service-template';
import { parseTemplateFragment } from './template-fragment';

type Template = protos.google.cloud.run.v2.IRevisionTemplate;

describe('parseTemplateFragment', () => {
  it.each([
    [
      'CPU boost and always-on CPU, YAML',
      'containers:\n  - resources: { cpuIdle: false, startupCpuBoost: true }',
      { containers: [{ resources: { cpuIdle: false, startupCpuBoost: true } }] },
    ],
    [
      'execution environment and session affinity, JSON',
      '{"executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2", "sessionAffinity": true}',
      { executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2', sessionAffinity: true },
    ],
    [
      'a liveness probe, snake_case names as in the proto',
      'containers:\n  - liveness_probe:\n      http_get: { path: /healthz }\n      period_seconds: 10\n      failure_threshold: 3',
      { containers: [{ livenessProbe: { httpGet: { path: '/healthz' }, periodSeconds: 10, failureThreshold: 3 } }] },
    ],
    [
      'an in-memory volume and its mount',
      'volumes: [{ name: cache, emptyDir: { medium: MEMORY, sizeLimit: 256Mi } }]\ncontainers: [{ volumeMounts: [{ name: cache, mountPath: /tmp/cache }] }]',
      {
        volumes: [{ name: 'cache', emptyDir: { medium: 'MEMORY', sizeLimit: '256Mi' } }],
        containers: [{ volumeMounts: [{ name: 'cache', mountPath: '/tmp/cache' }] }],
      },
    ],
    [
      'a sidecar with its own image',
      'containers: [{ name: proxy, image: envoyproxy/envoy:v1.31 }]',
      { containers: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31' }] },
    ],
    ['a duration as in the API JSON', 'timeout: 2.5s', { timeout: { seconds: 2, nanos: 500_000_000 } }],
    [
      'annotations (a map)',
      'annotations: { run.googleapis.com/network-interfaces: "[]" }',
      { annotations: { 'run.googleapis.com/network-interfaces': '[]' } },
    ],
  ])('%s', (_, raw, expected) => expect(parseTemplateFragment(raw)).toEqual(expected));

  it.each([
    ['sessionAfinity: true', 'template.sessionAfinity is not a field of RevisionTemplate (its fields: revision, labels,'],
    [
      'containers: [{ livenessProbe: { httpGett: { path: / } } }]',
      'template.containers[0].livenessProbe.httpGett is not a field of Probe',
    ],
    ['containers: [{ resources: { cpuIdle: "no" } }]', 'template.containers[0].resources.cpuIdle: "no" is not true or false'],
    ['executionEnvironment: GEN2', 'template.executionEnvironment: "GEN2" is not one of EXECUTION_ENVIRONMENT_UNSPECIFIED'],
    ['revision: web-mine', 'template.revision cannot be given: Runway names the revision'],
    ['containers: [{ image: nginx }]', 'template.containers[0].image cannot be given: Runway pins the image'],
    ['timeout: 10 minutes', 'template.timeout: "10 minutes" is not a duration'],
    ['containers: { name: app }', 'template.containers: expected a list'],
    ['[1, 2]', 'template: expected an object (a RevisionTemplate)'],
    ['{ "a": ', 'not valid YAML or JSON'],
  ])('%s is refused', (raw, message) => expect(() => parseTemplateFragment(raw)).toThrow(message));

  it('a bad template is an input error naming the input, before anything runs', () => {
    const read = () =>
      readInputs(
        deployCloudRunAction,
        (n) => ({ service: 'web', image: 'us-docker.pkg.dev/p/r/web:v1', tag: 'v1', template: 'cpuBoost: true' })[n],
        { GCLOUD_PROJECT: 'acme-prod' },
      );
    expect(read).toThrow('Input "template": "cpuBoost: true" is not valid: template.cpuBoost is not a field of RevisionTemplate');
  });
});

describe('mergeTemplateFragment', () => {
  const generated = {
    revision: 'web-sha-abc',
    serviceAccount: 'app@acme.iam.gserviceaccount.com',
    containers: [
      {
        image: 'img@sha256:1',
        env: [{ name: 'A', value: '1' }],
        resources: { limits: { cpu: '1', memory: '512Mi' } },
        volumeMounts: [{ name: 'cloudsql', mountPath: '/cloudsql' }],
      },
    ],
    volumes: [{ name: 'cloudsql', cloudSqlInstance: { instances: ['p:r:i'] } }],
  };
  it.each([
    ['nothing given: unchanged', undefined, generated],
    [
      'an unnamed container merges into the serving one, field by field; named lists merge by name',
      parseTemplateFragment(
        'containers:\n  - resources: { cpuIdle: false }\n    volumeMounts: [{ name: cache, mountPath: /cache }]\nvolumes: [{ name: cache, emptyDir: {} }]',
      ),
      {
        ...generated,
        containers: [
          {
            ...generated.containers[0],
            resources: { limits: { cpu: '1', memory: '512Mi' }, cpuIdle: false },
            volumeMounts: [...generated.containers[0].volumeMounts, { name: 'cache', mountPath: '/cache' }],
          },
        ],
        volumes: [...generated.volumes, { name: 'cache', emptyDir: {} }],
      },
    ],
    [
      'a named container is a sidecar added beside the serving one',
      parseTemplateFragment('containers: [{ name: proxy, args: [--port, "9000"] }]'),
      { ...generated, containers: [generated.containers[0], { name: 'proxy', args: ['--port', '9000'] }] },
    ],
    [
      'the fragment has the last word on a field the inputs set',
      parseTemplateFragment('serviceAccount: other@acme.iam.gserviceaccount.com\nsessionAffinity: true'),
      { ...generated, serviceAccount: 'other@acme.iam.gserviceaccount.com', sessionAffinity: true },
    ],
  ])('%s', (_, fragment, expected) => expect(mergeTemplateFragment(generated, fragment)).toEqual(expected));

  // A oneof (EnvVar.values, Volume.volume_type) must not keep the old member beside the new one.
  it.each([
    [
      'an env var given a plain value loses its secret',
      { containers: [{ env: [{ name: 'DB', value: 'plain' }] }] },
      {
        containers: [
          {
            env: [
              { name: 'DB', valueSource: { secretKeyRef: { secret: 'db', version: '1' } } },
              { name: 'A', value: '1' },
            ],
          },
        ],
      },
      (t: Template) => t.containers![0].env,
      [
        { name: 'DB', value: 'plain' },
        { name: 'A', value: '1' },
      ],
    ],
    [
      'a volume given another kind loses the old one',
      { volumes: [{ name: 'cloudsql', emptyDir: { medium: 'MEMORY' } }] },
      {},
      (t: Template) => t.volumes,
      [{ name: 'cloudsql', emptyDir: { medium: 'MEMORY' } }],
    ],
    [
      'a mount given again is replaced whole',
      { containers: [{ volumeMounts: [{ name: 'cloudsql', mountPath: '/sql' }] }] },
      {},
      (t: Template) => t.containers![0].volumeMounts,
      [{ name: 'cloudsql', mountPath: '/sql' }],
    ],
  ])('named entries other than containers are replaced by name: %s', (_, fragment, over: Template, pick, expected) => {
    const base = { ...generated, containers: [{ ...generated.containers[0], ...over.containers?.[0] }] };
    expect(pick(mergeTemplateFragment(base, fragment))).toEqual(expected);
  });

  it('a sidecar brings its own image', () =>
    expect(
      mergeTemplateFragment(
        generated,
        parseTemplateFragment('containers: [{ name: proxy, image: "gcr.io/cloud-sql-connectors/proxy:2" }]'),
      ),
    ).toEqual({
      ...generated,
      containers: [generated.containers[0], { name: 'proxy', image: 'gcr.io/cloud-sql-connectors/proxy:2' }],
    }));

  it.each([
    ['named as the serving container', { containers: [{ name: 'app', image: 'nginx' }] }, 'template.containers[0].image'],
    ['without a name', { containers: [{ name: 'proxy', image: 'envoy' }, { image: 'nginx' }] }, 'template.containers[1].image'],
  ])("the serving container's image is refused, %s", (_, fragment, field) => {
    const named = { ...generated, containers: [{ ...generated.containers[0], name: 'app', ports: [{ containerPort: 8080 }] }] };
    expect(() => mergeTemplateFragment(named, fragment)).toThrow(
      `${field} cannot be given: Runway pins the image of the serving container`,
    );
  });

  it('does not change the template it was given', () => {
    const before = JSON.stringify(generated);
    mergeTemplateFragment(generated, parseTemplateFragment('containers: [{ resources: { startupCpuBoost: true } }]'));
    expect(JSON.stringify(generated)).toBe(before);
  });
});
