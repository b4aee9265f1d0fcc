/** google.longrunning.Operations over gRPC: Get, Wait, List and Delete; OperationsState keeps them. */
import { unary } from './api-error';
import { loadProtos, serviceDefinition, type GrpcService } from './protos';
import type { Operations } from '../state/operations-state';
import type { StateStore } from '../state/store';

interface ListRequest {
  name: string;
  filter: string;
  pageSize: number;
  pageToken: string;
}

/** google.longrunning.Operations: Get, Wait, List and Delete over the store. */
export function operationsService(store: StateStore, operations: Operations): GrpcService {
  const definition = serviceDefinition(loadProtos(['google/longrunning/operations.proto']), 'google.longrunning.Operations');
  return {
    definition,
    implementation: {
      GetOperation: unary((req: { name: string }) => operations.message(operations.get(req.name))),
      WaitOperation: unary(async (req: { name: string; timeout: { seconds: string; nanos: number } | null }) => {
        const timeoutMs = req.timeout ? Number(req.timeout.seconds) * 1000 + req.timeout.nanos / 1e6 : 60_000;
        return operations.message(await operations.wait(req.name, timeoutMs));
      }),
      ListOperations: unary((req: ListRequest) => {
        const all = Object.values(store.state.operations).filter((o) => o.name.startsWith(`${req.name}/`));
        const start = Number(req.pageToken || 0);
        const size = req.pageSize > 0 ? req.pageSize : all.length;
        const page = all.slice(start, start + size);
        return {
          operations: page.map((o) => operations.message(o)),
          nextPageToken: start + size < all.length ? String(start + size) : '',
        };
      }),
      DeleteOperation: unary((req: { name: string }) => {
        operations.get(req.name);
        delete store.state.operations[req.name];
        store.save();
        return {};
      }),
    },
  };
}
