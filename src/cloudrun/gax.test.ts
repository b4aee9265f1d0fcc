import { fromJSON } from '@grpc/proto-loader';
import { protobuf } from 'google-gax';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pruneDescriptor, type DescriptorNode } from './descriptor';
import { lazily, leanGax, servicesDefinition } from './gax';

/* eslint-disable @typescript-eslint/no-require-imports */
const run: DescriptorNode = require('@google-cloud/run/build/protos/protos.json');
const registry: DescriptorNode = require('@google-cloud/artifact-registry/build/protos/protos.json');
const monitoring: DescriptorNode = require('@google-cloud/monitoring/build/protos/protos.json');
/* eslint-enable @typescript-eslint/no-require-imports */
// Not in google-gax's exports: read from its folder.
const locations = JSON.parse(
  readFileSync(join(dirname(require.resolve('google-gax')), '..', 'protos', 'locations.json'), 'utf8'),
) as DescriptorNode;

// What google-gax gives proto-loader (GrpcClient.defaultOptions()).
const options = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };
const MIXINS = ['google.cloud.location.Locations', 'google.longrunning.Operations'];

const service = {
  name: 'projects/p/locations/l/services/s',
  etag: 'e',
  labels: { a: 'b' },
  traffic: [{ type: 2, revision: 's-00001-abc', percent: 100, tag: 't' }],
  template: { containers: [{ image: 'i@sha256:' + 'a'.repeat(64), env: [{ name: 'K', value: 'V' }] }], timeout: { seconds: 30 } },
};
const cases: [string, string, string, object, DescriptorNode][] = [
  ['run', 'google.cloud.run.v2.Services', 'GetService', { name: service.name }, run],
  [
    'run',
    'google.cloud.run.v2.Services',
    'UpdateService',
    { service, updateMask: { paths: ['traffic'] }, validateOnly: true },
    run,
  ],
  ['run', 'google.cloud.run.v2.Services', 'GetOperation', { name: 'operations/o' }, run],
  ['run', 'google.cloud.run.v2.Revisions', 'ListRevisions', { parent: service.name, pageSize: 5 }, run],
  ['run', 'google.cloud.run.v2.Jobs', 'RunJob', { name: 'projects/p/locations/l/jobs/j', overrides: { taskCount: 2 } }, run],
  ['run', 'google.cloud.run.v2.Executions', 'GetExecution', { name: 'projects/p/locations/l/jobs/j/executions/e' }, run],
  [
    'artifact-registry',
    'google.devtools.artifactregistry.v1.ArtifactRegistry',
    'GetRepository',
    { name: 'projects/p/locations/l/repositories/r' },
    registry,
  ],
  [
    'monitoring',
    'google.monitoring.v3.MetricService',
    'ListTimeSeries',
    { name: 'projects/p', filter: 'f', interval: { endTime: { seconds: 5 } } },
    monitoring,
  ],
  ['google-gax locations', 'google.cloud.location.Locations', 'ListLocations', { name: 'projects/p' }, locations],
];

describe('servicesDefinition', () => {
  it.each(cases)('%s: %s, %s is what @grpc/proto-loader defines', (_, client, method, request, json) => {
    const pruned = pruneDescriptor(json, [client, ...MIXINS]);
    const root = protobuf.Root.fromJSON(pruned as protobuf.INamespace);
    root.resolveAll();
    type Definitions = Record<string, Record<string, Record<string, unknown>>>;
    const ours = servicesDefinition(protobuf, root, options) as unknown as Definitions;
    const theirs = fromJSON(pruned as protobuf.INamespace, options) as unknown as Definitions;
    const services = Object.keys(theirs).filter((name) => !('format' in theirs[name]));
    expect(Object.keys(ours).sort()).toEqual(services.sort());
    for (const name of services) {
      const [a, b] = [ours[name], theirs[name]];
      expect(Object.keys(a)).toEqual(Object.keys(b));
      for (const m of Object.keys(b)) {
        for (const key of ['path', 'requestStream', 'responseStream', 'originalName'])
          expect([m, key, a[m][key]]).toEqual([m, key, b[m][key]]);
      }
    }
    const serviceName = Object.keys(ours).find((name) => method in ours[name])!;
    type Method = {
      requestSerialize(v: object): Buffer;
      requestDeserialize(b: Buffer): object;
      responseSerialize(v: object): Buffer;
    };
    const [a, b] = [ours[serviceName][method] as unknown as Method, theirs[serviceName][method] as unknown as Method];
    const bytes = b.requestSerialize(request);
    expect(bytes.length).toBeGreaterThan(0);
    expect(a.requestSerialize(request).toString('hex')).toBe(bytes.toString('hex'));
    expect(a.requestDeserialize(bytes)).toEqual(b.requestDeserialize(bytes));
    expect(() => a.requestSerialize([])).toThrow(/got array instead/);
  });
});

describe('lazily', () => {
  it('makes the object at its first use, once, with its methods bound to it', () => {
    let made = 0;
    const counter = lazily(() => {
      made++;
      return {
        count: 1,
        next() {
          return ++this.count;
        },
      };
    });
    expect(made).toBe(0);
    const { next } = counter;
    expect([next(), next(), counter.count, made]).toEqual([2, 3, 3, 1]);
  });

  it('closes an object never used without making it', async () => {
    let made = 0;
    const client = lazily(() => {
      made++;
      return { close: async () => 'closed' };
    });
    await expect(client.close()).resolves.toBeUndefined();
    expect(made).toBe(0);
  });
});

describe('leanGax', () => {
  it('parses a client descriptor once, for gRPC and for long-running results', () => {
    const gax = leanGax(run, ['google.cloud.run.v2.Services', ...MIXINS]);
    const grpc = new gax.GrpcClient({});
    type Package = { google: { cloud: { run: { v2: object } }; longrunning: { Operations?: object } } };
    const loaded = grpc.loadProtoJSON(run as protobuf.INamespace);
    const { google } = loaded as unknown as Package;
    expect(Object.keys(google.cloud.run.v2)).toEqual(['Services']);
    expect(google.longrunning.Operations).toBeDefined();
    expect(gax.protobufFromJSON(run as protobuf.INamespace)).toBe(gax.protobufFromJSON(run as protobuf.INamespace));
    expect(gax.protobufFromJSON(run as protobuf.INamespace).lookupType('google.cloud.run.v2.Service')).toBeDefined();
    expect(new gax.GrpcClient({}).loadProtoJSON(run as protobuf.INamespace)).toBe(loaded);
  });
});
