/**
 * GitHub Deployments for a release (https://docs.github.com/en/rest/deployments): a deployment for
 * the environment carrying the image, statuses in_progress → success (environment_url = the service
 * URL, log_url = the run) or failure; a rollback marks the rolled-back deployment inactive and records
 * a deployment for the target. Bookkeeping only: an API error is reported, never fails the release,
 * and a token without `deployments: write` is skipped with a notice.
 */
import type { Reporter } from '../report';

/** The one method of an Octokit client this needs (`octokit.request`). */
export interface GitHubApi {
  request(route: string, parameters?: Record<string, unknown>): Promise<{ status: number; data: unknown }>;
}

export interface RunContext {
  readonly owner: string;
  readonly repo: string;
  /** Commit, branch or tag deployed (GITHUB_SHA). */
  readonly ref: string;
  /** The run's page (GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID). */
  readonly logUrl?: string;
}

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'inactive';

/** Reads what the runner exports; undefined when not inside a GitHub Actions run. */
export function runContext(env: NodeJS.ProcessEnv): RunContext | undefined {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo || !env.GITHUB_SHA) return undefined;
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    owner,
    repo,
    ref: env.GITHUB_SHA,
    logUrl: env.GITHUB_RUN_ID ? `${server}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
  };
}

const statusOf = (e: unknown): number | undefined => (e as { status?: number })?.status;

/**
 * Runs a Deployments call; a missing permission (403, e.g. no `deployments: write`) is a notice and
 * any other error a warning, so the release itself goes on. Returns undefined when it did not happen.
 */
export async function bookkeeping<T>(reporter: Reporter, what: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    const message = (e as Error).message;
    if (statusOf(e) === 403 || statusOf(e) === 404)
      reporter.notice(
        `GitHub Deployments skipped (${what}): the token may not write deployments (add \`permissions: deployments: write\`): ${message}`,
      );
    else reporter.warning(`GitHub Deployments: could not ${what}: ${message}`);
    return undefined;
  }
}

export async function createDeployment(
  api: GitHubApi,
  run: RunContext,
  deployment: { environment: string; description: string; payload: Record<string, string> },
): Promise<number> {
  const { data } = await api.request('POST /repos/{owner}/{repo}/deployments', {
    owner: run.owner,
    repo: run.repo,
    ref: run.ref,
    environment: deployment.environment,
    description: deployment.description.slice(0, 140),
    payload: deployment.payload,
    // The image is built and checked already; GitHub must neither merge nor wait for other checks.
    auto_merge: false,
    required_contexts: [],
    production_environment: /^prod(uction)?$/i.test(deployment.environment),
  });
  return (data as { id: number }).id;
}

export async function setStatus(
  api: GitHubApi,
  run: RunContext,
  id: number,
  state: DeploymentState,
  details: { description?: string; environmentUrl?: string } = {},
): Promise<void> {
  await api.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    owner: run.owner,
    repo: run.repo,
    deployment_id: id,
    state,
    ...(run.logUrl ? { log_url: run.logUrl } : {}),
    ...(details.description ? { description: details.description.slice(0, 140) } : {}),
    ...(details.environmentUrl ? { environment_url: details.environmentUrl } : {}),
    // Earlier deployments are marked inactive explicitly (rollback), never as a side effect.
    auto_inactive: false,
  });
}

/** The newest deployment of the environment whose latest status is success: what serves now. */
export async function activeDeployment(api: GitHubApi, run: RunContext, environment: string): Promise<number | undefined> {
  const { data } = await api.request('GET /repos/{owner}/{repo}/deployments', {
    owner: run.owner,
    repo: run.repo,
    environment,
    per_page: 30,
  });
  for (const d of data as { id: number }[]) {
    const { data: statuses } = await api.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      owner: run.owner,
      repo: run.repo,
      deployment_id: d.id,
      per_page: 1,
    });
    const latest = (statuses as { state: string }[])[0]?.state;
    if (latest === 'success') return d.id;
  }
  return undefined;
}
