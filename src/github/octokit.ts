/**
 * The GitHub client edge: the only module besides src/runtime/ that imports @actions/*. getOctokit
 * honours GITHUB_API_URL (GitHub Enterprise, or a local stand-in in tests).
 */
import { getOctokit } from '@actions/github';
import type { GitHubApi } from './deployments';

export const githubApi = (token: string | undefined): GitHubApi | undefined => (token ? getOctokit(token) : undefined);
