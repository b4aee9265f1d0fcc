import { protobuf } from 'google-gax';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pruneDescriptor, resolveName, type DescriptorNode } from './descriptor';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const run: DescriptorNode = require('@google-cloud/run/build/protos/protos.json');
// Not in google-gax's exports: read from its folder.
const locations = JSON.parse(
  readFileSync(join(dirname(require.resolve('google-gax')), '..', 'protos', 'locations.json'), 'utf8'),
) as DescriptorNode;

const ns = (nested: Record<string, DescriptorNode>): DescriptorNode => ({ nested });
const sample: DescriptorNode = ns({
  a: ns({
    Api: {
      methods: {
        Get: { requestType: 'GetRequest', responseType: '.a.Thing' },
        Run: {
          requestType: 'GetRequest',
          responseType: 'b.Op',
          options: { '(google.longrunning.operation_info).response_type': 'Result' },
        },
      },
    },
    GetRequest: { fields: { name: { type: 'string' } } },
    Thing: { fields: { part: { type: 'Part' }, kind: { type: 'Thing.Kind' } }, nested: { Kind: { values: { A: 0 } } } },
    Part: { fields: { when: { type: 'b.Time' } } },
    Result: { fields: {} },
    Unused: { fields: { other: { type: 'b.Other' } } },
    ext: { id: 1050, type: 'string', extend: 'b.Options' },
  }),
  b: ns({ Time: { fields: {} }, Op: { fields: {} }, Other: { fields: {} }, Options: { fields: {} } }),
});

const names = (node: DescriptorNode, prefix = ''): string[] =>
  Object.entries(node.nested ?? {}).flatMap(([k, child]) => [`${prefix}${k}`, ...names(child, `${prefix}${k}.`)]);

describe('resolveName', () => {
  const all = new Map(names(sample).map((n) => [n, n.split('.').reduce<DescriptorNode>((at, k) => at.nested![k], sample)]));
  it.each([
    ['Part', 'a.Thing', 'a.Part'],
    ['Thing.Kind', 'a.Thing', 'a.Thing.Kind'],
    ['Kind', 'a.Thing', 'a.Thing.Kind'],
    ['b.Time', 'a.Part', 'b.Time'],
    ['.a.Thing', 'b.Op', 'a.Thing'],
    ['string', 'a.GetRequest', undefined],
    ['Kind', 'a.Part', undefined],
    ['a', 'b', undefined],
  ])('%s in %s is %s', (reference, scope, expected) => expect(resolveName(all, reference, scope)).toBe(expected));
});

describe('pruneDescriptor', () => {
  it('keeps a service, what its methods and their fields reach, and nested types of what it keeps', () => {
    expect(names(pruneDescriptor(sample, ['a.Api'])).sort()).toEqual(
      ['a', 'a.Api', 'a.GetRequest', 'a.Part', 'a.Result', 'a.Thing', 'a.Thing.Kind', 'b', 'b.Op', 'b.Time'].sort(),
    );
  });

  it('returns the descriptor unchanged when it has none of the services', () => {
    expect(pruneDescriptor(sample, ['x.Api'])).toBe(sample);
  });

  it.each([
    ['google.cloud.run.v2.Services', ['.google.cloud.run.v2.Service']],
    ['google.cloud.run.v2.Revisions', ['.google.cloud.run.v2.Revision']],
    ['google.cloud.run.v2.Jobs', ['.google.cloud.run.v2.Job', '.google.cloud.run.v2.Execution']],
    ['google.cloud.run.v2.Executions', ['.google.cloud.run.v2.Execution']],
  ])('%s of @google-cloud/run resolves whole and has its long-running results', (service, results) => {
    const pruned = pruneDescriptor(run, [service, 'google.cloud.location.Locations', 'google.longrunning.Operations']);
    const root = protobuf.Root.fromJSON(pruned as protobuf.INamespace);
    expect(() => root.resolveAll()).not.toThrow();
    expect(root.lookupService(service).methodsArray.length).toBe(
      protobuf.Root.fromJSON(run as protobuf.INamespace).lookupService(service).methodsArray.length,
    );
    for (const r of results) expect(root.lookupType(r)).toBeDefined();
    expect(JSON.stringify(pruned).length).toBeLessThan(JSON.stringify(run).length / 2);
  });

  it('encodes a message of the pruned descriptor exactly as the whole one does', () => {
    const service = {
      name: 'x',
      traffic: [{ type: 2, revision: 'r', percent: 100, tag: 't' }],
      template: { containers: [{ image: 'i' }] },
    };
    const encode = (d: DescriptorNode) => {
      const type = protobuf.Root.fromJSON(d as protobuf.INamespace).lookupType('google.cloud.run.v2.Service');
      return Buffer.from(type.encode(type.fromObject(service)).finish()).toString('hex');
    };
    expect(encode(pruneDescriptor(run, ['google.cloud.run.v2.Services']))).toBe(encode(run));
  });

  it('prunes the locations mixin to its service', () => {
    const pruned = pruneDescriptor(locations, ['google.cloud.location.Locations']);
    expect(() => protobuf.Root.fromJSON(pruned as protobuf.INamespace).resolveAll()).not.toThrow();
    expect(names(pruned)).not.toContain('google.protobuf.FileDescriptorProto');
  });
});
