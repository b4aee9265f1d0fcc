/** google.cloud.run.v2.Jobs and Executions over gRPC: request parsing only; JobControl does the work. */
import { unary } from './api-error';
import type { JobControl, RunJobRequest } from '../state/jobs-state';
import { page } from './paging';
import { loadProtos, serviceDefinition, type GrpcService } from './protos';
import { parentOf, parseParent } from '../rules/resource-names';
import type { Job, StateStore } from '../state/store';

const JOB_PROTOS = ['google/cloud/run/v2/job.proto', 'google/cloud/run/v2/execution.proto'];

export const jobProtos = () => loadProtos(JOB_PROTOS);

interface ListRequest {
  parent: string;
  pageSize: number;
  pageToken: string;
}

export function jobsService(store: StateStore, control: JobControl): GrpcService {
  return {
    definition: serviceDefinition(jobProtos(), 'google.cloud.run.v2.Jobs'),
    implementation: {
      CreateJob: unary((req: { parent: string; job: Job; jobId: string; validateOnly: boolean }) =>
        control.create(req.parent, req.jobId, req.job ?? ({} as Job), req.validateOnly),
      ),
      GetJob: unary((req: { name: string }) => control.getJob(req.name)),
      ListJobs: unary((req: ListRequest) => {
        const parent = parentOf(parseParent(req.parent));
        const all = Object.values(store.state.jobs).filter((j) => j.name.startsWith(`${parent}/jobs/`));
        const { items, nextPageToken } = page(all, req.pageSize, req.pageToken);
        return { jobs: items, nextPageToken };
      }),
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
      ListExecutions: unary((req: ListRequest) => {
        const { items, nextPageToken } = page(control.listExecutions(req.parent), req.pageSize, req.pageToken);
        return { executions: items, nextPageToken };
      }),
    },
  };
}
