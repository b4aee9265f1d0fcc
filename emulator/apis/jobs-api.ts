/** google.cloud.run.v2.Jobs and Executions over gRPC: request parsing only; JobControl does the work. */
import { unary } from './api-error';
import type { JobControl, RunJobRequest } from '../state/jobs-state';
import { listMethod } from './paging';
import { loadProtos, serviceDefinition, type GrpcService } from './protos';
import { childrenOf } from '../rules/resource-names';
import type { Job, StateStore } from '../state/store';

const JOB_PROTOS = ['google/cloud/run/v2/job.proto', 'google/cloud/run/v2/execution.proto'];

export const jobProtos = () => loadProtos(JOB_PROTOS);

export function jobsService(store: StateStore, control: JobControl): GrpcService {
  return {
    definition: serviceDefinition(jobProtos(), 'google.cloud.run.v2.Jobs'),
    implementation: {
      CreateJob: unary((req: { parent: string; job: Job; jobId: string; validateOnly: boolean }) =>
        control.create(req.parent, req.jobId, req.job ?? ({} as Job), req.validateOnly),
      ),
      GetJob: unary((req: { name: string }) => control.getJob(req.name)),
      ListJobs: listMethod('jobs', (parent) => childrenOf(store.state.jobs, parent, 'jobs')),
      UpdateJob: unary((req: Parameters<JobControl['update']>[0]) => control.update(req)),
      RunJob: unary((req: RunJobRequest) => control.run(req)),
    },
  };
}

export function executionsService(control: JobControl): GrpcService {
  return {
    definition: serviceDefinition(jobProtos(), 'google.cloud.run.v2.Executions'),
    implementation: {
      GetExecution: unary((req: { name: string }) => control.getExecution(req.name)),
      ListExecutions: listMethod('executions', (parent) => control.listExecutions(parent)),
    },
  };
}
