/**
 * The github-deployment step: start, finish or rollback, from the action's inputs. Never fails a
 * release over bookkeeping (see deployments.ts).
 */
import type { InputsOf, OutputsOf } from '../inputs';
import type { StepContext } from '../report';
import { activeDeployment, bookkeeping, createDeployment, runContext, setStatus, type GitHubApi } from './deployments';
import type { githubDeploymentAction } from './inputs';

export async function runGithubDeployment(
  inputs: InputsOf<typeof githubDeploymentAction>,
  { reporter, env, api }: StepContext & { readonly api?: GitHubApi },
): Promise<OutputsOf<typeof githubDeploymentAction>> {
  const run = runContext(env);
  if (!api || !run) {
    reporter.notice(
      `GitHub Deployments skipped: ${!api ? 'no token given' : 'not inside a GitHub Actions run (GITHUB_REPOSITORY, GITHUB_SHA)'}.`,
    );
    return {};
  }
  const payload = Object.fromEntries(
    Object.entries({ image: inputs.image, service: inputs.service, revision: inputs.revision }).filter(([, v]) => v),
  ) as Record<string, string>;
  const { environment } = inputs;
  if (inputs.phase === 'finish') {
    const state = inputs.status!;
    await bookkeeping(reporter, `record ${state}`, () =>
      setStatus(api, run, inputs['deployment-id']!, state, {
        description: inputs.description,
        environmentUrl: state === 'success' ? inputs.url : undefined,
      }),
    );
    return {};
  }
  if (inputs.phase === 'rollback') {
    const serving = await bookkeeping(reporter, 'find the serving deployment', () => activeDeployment(api, run, environment));
    if (serving !== undefined)
      await bookkeeping(reporter, 'mark the rolled-back deployment inactive', () =>
        setStatus(api, run, serving, 'inactive', { description: inputs.description ?? 'rolled back' }),
      );
  }
  const description =
    inputs.description ?? (inputs.phase === 'rollback' ? `rollback to ${inputs.revision ?? 'previous'}` : 'Runway release');
  const id = await bookkeeping(reporter, 'create the deployment', () =>
    createDeployment(api, run, { environment, description, payload }),
  );
  if (id === undefined) return {};
  const state = inputs.phase === 'rollback' ? 'success' : 'in_progress';
  await bookkeeping(reporter, `record ${state}`, () =>
    setStatus(api, run, id, state, { description, environmentUrl: state === 'success' ? inputs.url : undefined }),
  );
  reporter.info(`GitHub deployment ${id} for ${environment}: ${state}`);
  return { 'deployment-id': String(id) };
}
