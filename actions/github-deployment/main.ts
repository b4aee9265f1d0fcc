import { runAction } from '../../src/runtime/github';
import { githubDeploymentAction } from '../../src/github/inputs';
import { githubApi } from '../../src/github/octokit';
import { runGithubDeployment } from '../../src/github/run';

void runAction(githubDeploymentAction, (inputs, context) =>
  runGithubDeployment(inputs, { ...context, api: githubApi(inputs.token) }),
);
