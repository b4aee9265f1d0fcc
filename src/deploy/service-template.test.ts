import { readInputs } from '../inputs';
import type { Service } from '../cloudrun/services';
import { deployCloudRunAction } from './inputs';
import { buildService, hasVpcAccess, secretVolumeName } from './service-template';

const ENV = {
  GITHUB_SHA: 'abcdef0123456789abcdef0123456789abcdef01',
  GCLOUD_PROJECT: 'acme-prod',
  CLOUD_RUN_EMULATOR_HOST: '127.0.0.1:8090',
};
const IMAGE = `127.0.0.1:5000/acme/web@sha256:${'1'.repeat(64)}`;
const inputsOf = (raw: Record<string, string | undefined>) =>
  readInputs(deployCloudRunAction, (n) => ({ service: 'web', image: '127.0.0.1:5000/acme/web:v2', ...raw })[n], ENV);
const build = (raw: Record<string, string | undefined>, existing?: Service) =>
  buildService(existing, {
    inputs: inputsOf(raw),
    image: IMAGE,
    revision: 'web-sha-abc-x1y2',
    traffic: [{ type: 'REVISION', revision: 'web-sha-abc-x1y2', percent: 100, tag: 'sha-abc' }],
  });

const secretEnv = (name: string, secret: string, version: string) => ({
  name,
  valueSource: { secretKeyRef: { secret, version } },
});

const EXISTING: Service = {
  name: 'projects/acme-prod/locations/us-central1/services/web',
  etag: '"e1"',
  uid: 'u-1',
  uri: 'https://web.example',
  latestReadyRevision: 'web-old',
  labels: { team: 'core' },
  annotations: { 'runway.dev/last-good': 'web-old' },
  ingress: 'INGRESS_TRAFFIC_ALL',
  template: {
    revision: 'web-old',
    labels: { team: 'core' },
    serviceAccount: 'app@acme-prod.iam.gserviceaccount.com',
    scaling: { minInstanceCount: 1, maxInstanceCount: 5 },
    vpcAccess: { connector: 'redis-conn', egress: 'PRIVATE_RANGES_ONLY' },
    containers: [
      {
        image: '127.0.0.1:5000/acme/web@sha256:' + '0'.repeat(64),
        env: [{ name: 'NODE_ENV', value: 'production' }, { name: 'OLD', value: 'x' }, secretEnv('DB_URL', 'db-url', '1')],
        ports: [{ name: 'http1', containerPort: 3000 }],
        resources: { limits: { cpu: '1', memory: '512Mi' } },
        volumeMounts: [
          { name: 'secret-etc-keys', mountPath: '/etc/keys' },
          { name: 'cloudsql', mountPath: '/cloudsql' },
        ],
      },
      { name: 'sidecar', image: '127.0.0.1:5000/acme/proxy:1' },
    ],
    volumes: [
      { name: 'secret-etc-keys', secret: { secret: 'keys', items: [{ path: 'a', version: '1' }] } },
      { name: 'cloudsql', cloudSqlInstance: { instances: ['acme-prod:us-central1:old'] } },
    ],
  },
  traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
};

describe('buildService for a new service', () => {
  it('holds the pinned image, the named revision, the inputs and the traffic', () => {
    const { service, updateMask } = build({
      'env-vars': 'A=1,B=x\\,y',
      secrets: 'DB_URL=db-url:latest\n/secrets/api/key=api-key:2',
      labels: 'team=web',
      cpu: '2',
      memory: '1Gi',
      concurrency: '40',
      'min-instances': '0',
      'max-instances': '10',
      timeout: '90s',
      port: '3000',
      command: '["node","server.js"]',
      args: '--verbose --port 3000',
      'service-account': 'app@acme-prod.iam.gserviceaccount.com',
      'cloudsql-instances': 'acme-prod:us-central1:main',
      network: 'default',
      subnet: 'apps',
      ingress: 'internal-and-cloud-load-balancing',
      'allow-unauthenticated': 'true',
      'startup-probe': '/healthz',
    });
    expect(updateMask).toEqual(['template', 'traffic', 'labels', 'ingress', 'invoker_iam_disabled']);
    expect(service).toEqual({
      labels: { team: 'web' },
      ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
      invokerIamDisabled: true,
      traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'web-sha-abc-x1y2', percent: 100, tag: 'sha-abc' }],
      template: {
        revision: 'web-sha-abc-x1y2',
        labels: { team: 'web' },
        maxInstanceRequestConcurrency: 40,
        scaling: { minInstanceCount: 0, maxInstanceCount: 10 },
        timeout: { seconds: 90, nanos: 0 },
        serviceAccount: 'app@acme-prod.iam.gserviceaccount.com',
        vpcAccess: { networkInterfaces: [{ network: 'default', subnetwork: 'apps' }], egress: 'PRIVATE_RANGES_ONLY' },
        volumes: [
          { name: 'secret-secrets-api', secret: { secret: 'api-key', items: [{ path: 'key', version: '2' }] } },
          { name: 'cloudsql', cloudSqlInstance: { instances: ['acme-prod:us-central1:main'] } },
        ],
        containers: [
          {
            image: IMAGE,
            env: [{ name: 'A', value: '1' }, { name: 'B', value: 'x,y' }, secretEnv('DB_URL', 'db-url', 'latest')],
            command: ['node', 'server.js'],
            args: ['--verbose', '--port', '3000'],
            resources: { limits: { cpu: '2', memory: '1Gi' } },
            ports: [{ name: 'http1', containerPort: 3000 }],
            startupProbe: { httpGet: { path: '/healthz' } },
            volumeMounts: [
              { name: 'secret-secrets-api', mountPath: '/secrets/api' },
              { name: 'cloudsql', mountPath: '/cloudsql' },
            ],
          },
        ],
      },
    });
  });
});

describe('buildService for an existing service', () => {
  it('changes only the image and revision when nothing else is given, and never sends output-only fields', () => {
    const { service, updateMask } = build({}, EXISTING);
    expect(updateMask).toEqual(['template', 'traffic']);
    const expected = JSON.parse(JSON.stringify(EXISTING)) as Service;
    delete expected.uid;
    delete expected.uri;
    delete expected.latestReadyRevision;
    expected.template!.revision = 'web-sha-abc-x1y2';
    expected.template!.containers![0].image = IMAGE;
    expected.traffic = service.traffic;
    expect(service).toEqual(expected);
    expect(service.etag).toBe('"e1"');
    expect(hasVpcAccess(service.template)).toBe(true);
  });

  it.each([
    {
      name: 'env merge replaces one variable and keeps the others and the secrets',
      raw: { 'env-vars': 'OLD=y,NEW=1' },
      env: [
        { name: 'NODE_ENV', value: 'production' },
        { name: 'OLD', value: 'y' },
        secretEnv('DB_URL', 'db-url', '1'),
        { name: 'NEW', value: '1' },
      ],
    },
    {
      name: 'env overwrite drops other plain variables but keeps secrets',
      raw: { 'env-vars': 'NEW=1', 'env-vars-update-strategy': 'overwrite' },
      env: [secretEnv('DB_URL', 'db-url', '1'), { name: 'NEW', value: '1' }],
    },
    {
      name: 'env overwrite with {} clears the plain variables',
      raw: { 'env-vars': '{}', 'env-vars-update-strategy': 'overwrite' },
      env: [secretEnv('DB_URL', 'db-url', '1')],
    },
    {
      name: 'secrets merge moves one secret to a new version',
      raw: { secrets: 'DB_URL=db-url:2' },
      env: [{ name: 'NODE_ENV', value: 'production' }, { name: 'OLD', value: 'x' }, secretEnv('DB_URL', 'db-url', '2')],
    },
    {
      name: 'secrets overwrite drops the old secret variables',
      raw: { secrets: 'API=api:1', 'secrets-update-strategy': 'overwrite' },
      env: [{ name: 'NODE_ENV', value: 'production' }, { name: 'OLD', value: 'x' }, secretEnv('API', 'api', '1')],
    },
    {
      name: 'a plain variable can become a secret',
      raw: { secrets: 'OLD=old-secret:latest' },
      env: [
        { name: 'NODE_ENV', value: 'production' },
        secretEnv('OLD', 'old-secret', 'latest'),
        secretEnv('DB_URL', 'db-url', '1'),
      ],
    },
  ])('$name', ({ raw, env }) => {
    expect(build(raw, EXISTING).service.template!.containers![0].env).toEqual(env);
  });
});

describe('buildService for an existing service: volumes, containers, labels', () => {
  it.each([
    {
      name: 'secret files merge: a new directory is added, the old one kept',
      raw: { secrets: '/secrets/api/key=api:1' },
      volumes: ['secret-etc-keys', 'cloudsql', 'secret-secrets-api'],
      mounts: ['/etc/keys', '/cloudsql', '/secrets/api'],
    },
    {
      name: 'secret files merge: the same directory is replaced',
      raw: { secrets: '/etc/keys/b=keys:2' },
      volumes: ['cloudsql', 'secret-etc-keys'],
      mounts: ['/cloudsql', '/etc/keys'],
    },
    {
      name: 'secret files overwrite: only the given ones stay',
      raw: { secrets: '/secrets/api/key=api:1', 'secrets-update-strategy': 'overwrite' },
      volumes: ['cloudsql', 'secret-secrets-api'],
      mounts: ['/cloudsql', '/secrets/api'],
    },
    {
      name: 'cloudsql-instances replace the current instances',
      raw: { 'cloudsql-instances': 'acme-prod:us-central1:a, acme-prod:us-central1:b' },
      volumes: ['secret-etc-keys', 'cloudsql'],
      mounts: ['/etc/keys', '/cloudsql'],
    },
  ])('$name', ({ raw, volumes, mounts }) => {
    const template = build(raw, EXISTING).service.template!;
    expect(template.volumes!.map((v) => v.name)).toEqual(volumes);
    expect(template.containers![0].volumeMounts!.map((m) => m.mountPath)).toEqual(mounts);
  });

  it('keeps the sidecar and changes the serving container', () => {
    const containers = build({ cpu: '4' }, EXISTING).service.template!.containers!;
    expect(containers[1]).toEqual({ name: 'sidecar', image: '127.0.0.1:5000/acme/proxy:1' });
    expect(containers[0].resources).toEqual({ limits: { cpu: '4', memory: '512Mi' } });
  });

  it('merges labels and scaling, and changes only the VPC egress when asked', () => {
    const { service } = build(
      { labels: 'env=prod', 'max-instances': '20', 'vpc-egress': 'all-traffic', 'vpc-connector': 'redis-conn' },
      EXISTING,
    );
    expect(service.labels).toEqual({ team: 'core', env: 'prod' });
    expect(service.template!.labels).toEqual({ team: 'core', env: 'prod' });
    expect(service.template!.scaling).toEqual({ minInstanceCount: 1, maxInstanceCount: 20 });
    expect(service.template!.vpcAccess).toEqual({ connector: 'redis-conn', egress: 'ALL_TRAFFIC' });
  });

  it('a tcp startup probe', () => {
    expect(build({ 'startup-probe': 'tcp' }).service.template!.containers![0].startupProbe).toEqual({ tcpSocket: {} });
  });

  it.each([
    ['/etc/keys', 'secret-etc-keys'],
    ['/Secrets/API_v2/', 'secret-secrets-api-v2'],
  ])('secretVolumeName(%s) = %s', (dir, name) => expect(secretVolumeName(dir)).toBe(name));
});
