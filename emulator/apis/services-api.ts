/** google.cloud.run.v2.Services and Revisions over gRPC: request parsing only; ServiceControl does the work. */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Permissions } from '../admin/permissions';
import { ApiError, unary } from './api-error';
import { listMethod } from './paging';
import { loadProtos, serviceDefinition, type GrpcService } from './protos';
import { childrenOf, parseChild } from '../rules/resource-names';
import type { ServiceControl, UpdateRequest } from '../state/services-state';
import type { IamPolicy, RevisionTemplate, Service, StateStore } from '../state/store';

const RUN_PROTOS = ['google/cloud/run/v2/service.proto', 'google/cloud/run/v2/revision.proto'];

export function runProtos() {
  return loadProtos(RUN_PROTOS);
}

/** A template through the proto's wire format and back: the shape every decoded request has. */
export function templateCanonicalizer(): (template: RevisionTemplate) => RevisionTemplate {
  const update = serviceDefinition(runProtos(), 'google.cloud.run.v2.Services').UpdateService;
  return (template) =>
    (update.requestDeserialize(update.requestSerialize({ service: { template } })) as UpdateRequest).service.template;
}

export const SET_IAM_POLICY = 'run.services.setIamPolicy';

/** Google's wording for a permission the caller lacks on a resource. */
function permissionDenied(permission: string, resource: string): ApiError {
  return new ApiError(
    grpc.status.PERMISSION_DENIED,
    `Permission '${permission}' denied on resource '${resource}' (or resource may not exist).`,
  );
}

/**
 * Whether a create or update changes invoker_iam_disabled (or sets it): "To disable or re-enable the
 * Invoker IAM check on a service, you must have ... run.services.setIamPolicy", which roles/run.admin
 * has and roles/run.developer has not (https://cloud.google.com/run/docs/authenticating/public;
 * https://cloud.google.com/run/docs/securing/managing-access). A request that sends `true` again is
 * counted too (the stricter reading: GoogleCloudPlatform/cloud-run-mcp#5 dry-runs every deploy that
 * sets it to find out whether it is allowed). validate_only is checked the same way.
 */
export function setsInvokerCheck(requested: Service, current: Service | undefined, mask: string[] | undefined): boolean {
  const named = !mask?.length || mask.some((p) => p === 'invoker_iam_disabled' || p === 'invokerIamDisabled' || p === '*');
  if (!named) return false;
  const wanted = requested.invokerIamDisabled === true;
  return wanted || wanted !== (current?.invokerIamDisabled === true);
}

/** The etag GetIamPolicy answers for a service no SetIamPolicy has touched: IAM's etag of an empty policy. */
export const EMPTY_POLICY_ETAG = 'ACAB';

/**
 * SetIamPolicy's precondition: "systems are expected to put that etag in the request to setIamPolicy to
 * ensure that their change will be applied to the same version of the policy" (google/iam/v1/policy.proto);
 * "If no etag is provided in the call to setIamPolicy, then the existing policy is overwritten blindly"
 * (the same field in earlier policy.proto versions). A stale one is ABORTED, the code IAM documents for
 * its own policies ("the request fails with a 409 error code and ABORTED status", google/iam/v2/policy.proto).
 * An etag read before the first SetIamPolicy is the empty policy's, so it too is stale once a policy is
 * set. `sent` is base64, as stored.
 */
export function checkPolicyEtag(sent: string, current: IamPolicy | undefined): void {
  if (sent && sent !== (current?.etag ?? EMPTY_POLICY_ETAG))
    throw new ApiError(
      grpc.status.ABORTED,
      'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.',
    );
}

export function servicesService(store: StateStore, control: ServiceControl, permissions: Permissions): GrpcService {
  const mayChangeInvokerCheck = (name: string) => {
    if (permissions.held([SET_IAM_POLICY]).length === 0) throw permissionDenied(SET_IAM_POLICY, name);
  };
  return {
    definition: serviceDefinition(runProtos(), 'google.cloud.run.v2.Services'),
    implementation: {
      CreateService: unary((req: { parent: string; service: Service; serviceId: string; validateOnly: boolean }) => {
        if (setsInvokerCheck(req.service ?? ({} as Service), undefined, undefined))
          mayChangeInvokerCheck(`${req.parent}/services/${req.serviceId}`);
        return control.create(req.parent, req.serviceId, req.service ?? ({} as Service), req.validateOnly);
      }),
      GetService: unary((req: { name: string }) => control.getService(req.name)),
      ListServices: listMethod('services', (parent) => childrenOf(store.state.services, parent, 'services')),
      UpdateService: unary((req: UpdateRequest) => {
        const name = req.service?.name ?? '';
        if (req.service && setsInvokerCheck(req.service, store.state.services[name], req.updateMask?.paths))
          mayChangeInvokerCheck(name);
        return control.update(req);
      }),
      DeleteService: unary((req: { name: string; etag: string; validateOnly: boolean }) =>
        control.deleteService(req.name, req.etag, req.validateOnly),
      ),
      TestIamPermissions: unary((req: { resource: string; permissions: string[] }) => {
        control.getService(req.resource);
        return { permissions: permissions.held(req.permissions) };
      }),
      // google.iam.v1 on a service: an empty policy until one is set; SetIamPolicy replaces it whole and
      // checks the etag (checkPolicyEtag).
      GetIamPolicy: unary((req: { resource: string }) => {
        control.getService(req.resource);
        return store.state.iamPolicies[req.resource] ?? { version: 1, bindings: [], etag: EMPTY_POLICY_ETAG };
      }),
      SetIamPolicy: unary((req: { resource: string; policy: IamPolicy & { etag: Buffer | string } }) => {
        control.getService(req.resource);
        if (permissions.held([SET_IAM_POLICY]).length === 0) throw permissionDenied(SET_IAM_POLICY, req.resource);
        checkPolicyEtag(Buffer.from(req.policy?.etag ?? '').toString('base64'), store.state.iamPolicies[req.resource]);
        const policy: IamPolicy = {
          version: 1,
          bindings: (req.policy?.bindings ?? []).map((b) => ({ role: b.role, members: [...(b.members ?? [])] })),
          etag: randomBytes(8).toString('base64'),
        };
        store.state.iamPolicies[req.resource] = policy;
        store.save();
        return policy;
      }),
    },
  };
}

export function revisionsService(control: ServiceControl): GrpcService {
  return {
    definition: serviceDefinition(runProtos(), 'google.cloud.run.v2.Revisions'),
    implementation: {
      GetRevision: unary((req: { name: string }) => control.getRevision(req.name)),
      ListRevisions: listMethod('revisions', (parent) => {
        parseChild(parent, 'services');
        return control
          .revisionsOf(parent)
          .sort((a, b) => Number(b.createTime.seconds) - Number(a.createTime.seconds) || b.createTime.nanos - a.createTime.nanos);
      }),
      DeleteRevision: unary((req: { name: string; etag: string; validateOnly: boolean }) =>
        control.deleteRevision(req.name, req.etag, req.validateOnly),
      ),
    },
  };
}
