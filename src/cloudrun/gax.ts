/**
 * google-gax as one generated client gets it (the `gaxInstance` its constructor takes), doing only the
 * work that client's calls need. A generated client's constructor parses its whole protobuf descriptor
 * twice (for gRPC through @grpc/proto-loader, and again for decoding long-running results), has
 * proto-loader describe every message and encode every file as descriptor protos (reflection data
 * nothing here reads), and builds a locations client and an operations client, which opens a second
 * gRPC channel, before the first call. Here each descriptor is pruned to the client's own services
 * (`descriptor`), parsed once, turned into gRPC service definitions only, and the mixin clients are
 * made at their first use. Calls still go through google-gax and grpc-js unchanged.
 */
import type { GrpcObject, ServiceDefinition } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/grpc-js/build/src/make-client';
import type { protobuf as Protobuf } from 'google-gax';
import { pruneDescriptor, type DescriptorNode } from './descriptor';

type Gax = typeof import('google-gax');
/** proto-loader's conversion options: what google-gax asks for (`GrpcClient.defaultOptions()`). */
type ConversionOptions = Protobuf.IConversionOptions;

/**
 * The gRPC service definitions of `root` (resolved), as @grpc/proto-loader makes them for
 * `grpc.loadPackageDefinition`: same paths, method names and (de)serialisation through protobufjs with
 * the same options, without the descriptor-proto copies of every message proto-loader adds.
 */
export function servicesDefinition(
  protobuf: Gax['protobuf'],
  root: Protobuf.Root,
  options: ConversionOptions,
): PackageDefinition {
  const serialize = (type: Protobuf.Type) => (value: object) => {
    // proto-loader's own check: an array would encode as an empty message.
    if (Array.isArray(value))
      throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`);
    return type.encode(type.fromObject(value)).finish() as Buffer;
  };
  // proto-loader's own rule for the name google-gax calls a method by (GetVPCSCConfig: getVpcscConfig).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const camelCase: (name: string) => string = require('lodash.camelcase');
  const deserialize = (type: Protobuf.Type) => (bytes: Buffer) => type.toObject(type.decode(bytes), options);
  const definition: PackageDefinition = {};
  const walk = (namespace: Protobuf.NamespaceBase) => {
    for (const child of namespace.nestedArray) {
      if (child instanceof protobuf.Service) {
        const service = child.fullName.slice(1);
        const methods: Record<string, ServiceDefinition[string]> = {};
        for (const method of child.methodsArray) {
          const [request, response] = [method.resolvedRequestType!, method.resolvedResponseType!];
          methods[method.name] = {
            path: `/${service}/${method.name}`,
            requestStream: !!method.requestStream,
            responseStream: !!method.responseStream,
            requestSerialize: serialize(request),
            requestDeserialize: deserialize(request),
            responseSerialize: serialize(response),
            responseDeserialize: deserialize(response),
            originalName: camelCase(method.name),
          };
        }
        definition[service] = methods;
      } else if (child instanceof protobuf.Namespace && !(child instanceof protobuf.Type)) {
        walk(child);
      }
    }
  };
  walk(root);
  return definition;
}

/**
 * An object made by `make` at its first use. `close()` before that makes nothing: a generated client
 * closes its mixin clients whether or not it used them.
 */
export function lazily<T extends object>(make: () => T): T {
  let made: T | undefined;
  return new Proxy({} as T, {
    get(_, key) {
      if (key === 'close' && !made) return async () => undefined;
      made ??= make();
      const value: unknown = Reflect.get(made, key);
      return typeof value === 'function' ? value.bind(made) : value;
    },
  });
}

/**
 * google-gax for a client of `services` (full names, e.g. google.cloud.run.v2.Services) whose package
 * ships `descriptor` (its protos.json); long-running operations are polled through the
 * google.longrunning.Operations definitions that descriptor holds.
 */
export function leanGax(descriptor: object, services: readonly string[]): Gax {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const gax: Gax = require('google-gax');
  const roots = new WeakMap<object, Protobuf.Root>();
  const packages = new WeakMap<object, GrpcObject>();
  const rootOf = (json: object): Protobuf.Root => {
    let root = roots.get(json);
    if (!root) {
      root = gax.protobuf.Root.fromJSON(pruneDescriptor(json as DescriptorNode, services) as Protobuf.INamespace);
      root.resolveAll();
      roots.set(json, root);
    }
    return root;
  };
  // Private in its typings, public at run time: the options google-gax itself gives proto-loader.
  const conversion = (gax.GrpcClient as unknown as { defaultOptions(): ConversionOptions }).defaultOptions();
  class GrpcClient extends gax.GrpcClient {
    override loadProtoJSON(json: Protobuf.INamespace): GrpcObject {
      let loaded = packages.get(json);
      if (!loaded) {
        loaded = this.grpc.loadPackageDefinition(servicesDefinition(gax.protobuf, rootOf(json), conversion));
        packages.set(json, loaded);
      }
      return loaded;
    }
  }
  // The generated client calls lro(options).operationsClient(opts); google-gax's own builder parses
  // its copy of the operations descriptor and opens the operations channel at once.
  const lro = (options: ConstructorParameters<Gax['GrpcClient']>[0]) => ({
    operationsClient: (opts: ConstructorParameters<Gax['OperationsClient']>[2]) =>
      lazily(() => {
        const grpc = new GrpcClient(options);
        return new gax.OperationsClient(grpc, grpc.loadProtoJSON(descriptor as Protobuf.INamespace), opts);
      }),
  });
  class LocationsClient {
    constructor(...args: ConstructorParameters<Gax['LocationsClient']>) {
      return lazily(() => new gax.LocationsClient(...args));
    }
  }
  return Object.create(gax, {
    GrpcClient: { value: GrpcClient },
    protobufFromJSON: { value: rootOf },
    lro: { value: lro },
    LocationsClient: { value: LocationsClient },
  }) as Gax;
}
