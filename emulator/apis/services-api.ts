/** google.cloud.run.v2.Services and Revisions over gRPC: request parsing only; ServiceControl does the work. */
import type { Permissions } from '../admin/permissions';
import { unary } from './api-error';
import { page } from './paging';
import { loadProtos, serviceDefinition, type GrpcService } from './protos';
import { parentOf, parseChild, parseParent } from '../rules/resource-names';
import type { ServiceControl, UpdateRequest } from '../state/services-state';
import type { RevisionTemplate, Service, StateStore } from '../state/store';

const RUN_PROTOS = ['google/cloud/run/v2/service.proto', 'google/cloud/run/v2/revision.proto'];

interface ListRequest {
  parent: string;
  pageSize: number;
  pageToken: string;
}

export function runProtos() {
  return loadProtos(RUN_PROTOS);
}

/** A template through the proto's wire format and back: the shape every decoded request has. */
export function templateCanonicalizer(): (template: RevisionTemplate) => RevisionTemplate {
  const update = serviceDefinition(runProtos(), 'google.cloud.run.v2.Services').UpdateService;
  return (template) =>
    (update.requestDeserialize(update.requestSerialize({ service: { template } })) as UpdateRequest).service.template;
}

export function servicesService(store: StateStore, control: ServiceControl, permissions: Permissions): GrpcService {
  return {
    definition: serviceDefinition(runProtos(), 'google.cloud.run.v2.Services'),
    implementation: {
      CreateService: unary((req: { parent: string; service: Service; serviceId: string; validateOnly: boolean }) =>
        control.create(req.parent, req.serviceId, req.service ?? ({} as Service), req.validateOnly),
      ),
      GetService: unary((req: { name: string }) => control.getService(req.name)),
      ListServices: unary((req: ListRequest) => {
        const parent = parentOf(parseParent(req.parent));
        const all = Object.values(store.state.services).filter((s) => s.name.startsWith(`${parent}/services/`));
        const { items, nextPageToken } = page(all, req.pageSize, req.pageToken);
        return { services: items, nextPageToken, unreachable: [] };
      }),
      UpdateService: unary((req: UpdateRequest) => control.update(req)),
      DeleteService: unary((req: { name: string; etag: string; validateOnly: boolean }) =>
        control.deleteService(req.name, req.etag, req.validateOnly),
      ),
      TestIamPermissions: unary((req: { resource: string; permissions: string[] }) => {
        control.getService(req.resource);
        return { permissions: permissions.held(req.permissions) };
      }),
    },
  };
}

export function revisionsService(control: ServiceControl): GrpcService {
  return {
    definition: serviceDefinition(runProtos(), 'google.cloud.run.v2.Revisions'),
    implementation: {
      GetRevision: unary((req: { name: string }) => control.getRevision(req.name)),
      ListRevisions: unary((req: ListRequest) => {
        parseChild(req.parent, 'services');
        const all = control
          .revisionsOf(req.parent)
          .sort((a, b) => Number(b.createTime.seconds) - Number(a.createTime.seconds) || b.createTime.nanos - a.createTime.nanos);
        const { items, nextPageToken } = page(all, req.pageSize, req.pageToken);
        return { revisions: items, nextPageToken };
      }),
      DeleteRevision: unary((req: { name: string; etag: string; validateOnly: boolean }) =>
        control.deleteRevision(req.name, req.etag, req.validateOnly),
      ),
    },
  };
}
