import { parseMigrationCommand } from '../migrations/command';
import { MAX_JOB_ID, migrationJob, migrationJobId } from './migration';

describe('migrationJob', () => {
  it('runs the command with the serving container, its volumes, identity and VPC access', () => {
    const job = migrationJob(
      {
        serviceAccount: 'app@acme.iam.gserviceaccount.com',
        vpcAccess: { connector: 'redis-conn' },
        volumes: [{ name: 'cloudsql', cloudSqlInstance: { instances: ['acme:us-central1:main'] } }],
        containers: [
          { name: 'proxy', image: 'proxy@sha256:1' },
          {
            image: 'web@sha256:2',
            ports: [{ containerPort: 3000 }],
            env: [{ name: 'DATABASE_URL', valueSource: { secretKeyRef: { secret: 'db', version: 'latest' } } }],
            volumeMounts: [{ name: 'cloudsql', mountPath: '/cloudsql' }],
            resources: { limits: { memory: '1Gi' }, cpuIdle: true },
            startupProbe: { httpGet: { path: '/healthz' } },
            args: ['serve'],
          },
        ],
      },
      parseMigrationCommand('npx prisma migrate deploy && echo done'),
    );
    expect(job.template?.template).toEqual({
      maxRetries: 0,
      serviceAccount: 'app@acme.iam.gserviceaccount.com',
      vpcAccess: { connector: 'redis-conn' },
      volumes: [{ name: 'cloudsql', cloudSqlInstance: { instances: ['acme:us-central1:main'] } }],
      containers: [
        {
          image: 'web@sha256:2',
          env: [{ name: 'DATABASE_URL', valueSource: { secretKeyRef: { secret: 'db', version: 'latest' } } }],
          volumeMounts: [{ name: 'cloudsql', mountPath: '/cloudsql' }],
          resources: { limits: { memory: '1Gi' } },
          command: ['/bin/sh', '-c', 'npx prisma migrate deploy && echo done'],
          args: [],
        },
      ],
    });
    expect(job.template?.taskCount).toBe(1);
  });

  it('runs the exec form as it is, without a shell (distroless images have none)', () => {
    const job = migrationJob(
      { containers: [{ image: 'web@sha256:2' }] },
      parseMigrationCommand('["node","node_modules/prisma/build/index.js","migrate","deploy"]'),
    );
    expect(job.template?.template?.containers?.[0].command).toEqual([
      'node',
      'node_modules/prisma/build/index.js',
      'migrate',
      'deploy',
    ]);
  });
});

describe('migrationJobId', () => {
  const long = 'a-very-long-service-name-that-takes-up-49-chars-x';
  it.each([
    ['web', 'web-migrate'],
    ['a'.repeat(41), `${'a'.repeat(41)}-migrate`],
  ])('%s → %s', (service, id) => expect(migrationJobId(service)).toBe(id));

  it('shortens a long service name to a valid job ID, stable and distinct per service', () => {
    const id = migrationJobId(long);
    expect(id.length).toBeLessThanOrEqual(MAX_JOB_ID);
    expect(id).toMatch(/^[a-z](?:[a-z0-9-]*[a-z0-9])?$/);
    expect(id).toMatch(/^a-very-long-service-name-that-take.*-[0-9a-f]{4}-migrate$/);
    expect(migrationJobId(long)).toBe(id);
    expect(migrationJobId(long.replace(/x$/, 'y'))).not.toBe(id);
  });
});
