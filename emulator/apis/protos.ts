/**
 * Loads the real API definitions that ship inside the Google client packages, so the emulator speaks
 * exactly the wire format the real clients send (no copied or hand-written protos).
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The build/protos folder of an installed package (some packages do not export package.json). */
function packageProtos(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, 'build', 'protos');
}

/** Include roots: each client's own protos, then google-gax's common ones (longrunning, iam, protobuf). */
const INCLUDE_DIRS = [
  packageProtos('@google-cloud/run'),
  packageProtos('@google-cloud/artifact-registry'),
  packageProtos('@google-cloud/monitoring'),
  packageProtos('google-gax'),
];

/** Plain-object messages: enums as strings, longs as strings, defaults filled like the real server. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: INCLUDE_DIRS,
};

/** Loads proto files (paths relative to the include dirs) into a gRPC package object. */
export function loadProtos(files: string[]): grpc.GrpcObject {
  return grpc.loadPackageDefinition(protoLoader.loadSync(files, LOADER_OPTIONS));
}

/** The service definition at a dotted path, e.g. `google.cloud.run.v2.Services`. */
export function serviceDefinition(root: grpc.GrpcObject, dotted: string): grpc.ServiceDefinition {
  let node: unknown = root;
  for (const part of dotted.split('.')) node = (node as Record<string, unknown>)[part];
  const service = (node as { service?: grpc.ServiceDefinition } | undefined)?.service;
  if (!service) throw new Error(`No gRPC service ${dotted} in the loaded protos`);
  return service;
}

/** One gRPC service the emulator serves: its definition and its handlers. */
export interface GrpcService {
  readonly definition: grpc.ServiceDefinition;
  readonly implementation: grpc.UntypedServiceImplementation;
}
