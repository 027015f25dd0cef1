/**
 * What an action needs to know about the workflow run it is in, from the runner's environment
 * (GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_SERVER_URL, GITHUB_RUN_ID).
 */
import { readFileSync } from 'node:fs';
import { type GitHubClient, gitHubCall, parseRepository, type RepoRef } from './client.js';

interface EventPayload {
  pull_request?: { number?: number };
  repository?: { default_branch?: string };
}

function event(env: NodeJS.ProcessEnv): EventPayload {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as EventPayload;
  } catch {
    return {};
  }
}

export function workflowRepository(env: NodeJS.ProcessEnv = process.env): RepoRef {
  return parseRepository(env.GITHUB_REPOSITORY);
}

/** The pull request the run is for (pull_request events); undefined otherwise. */
export function pullRequestNumber(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const n = event(env).pull_request?.number;
  return typeof n === 'number' ? n : undefined;
}

/** The repository's default branch from the event, else 'main'. */
export function defaultBranch(env: NodeJS.ProcessEnv = process.env): string {
  return event(env).repository?.default_branch || 'main';
}

/**
 * The repository's default branch: from the event when it says (push, pull_request,
 * workflow_dispatch), else asked of the API (a schedule event's payload does not name it).
 */
export async function defaultBranchOf(
  octokit: GitHubClient,
  ref: RepoRef,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const fromEvent = event(env).repository?.default_branch;
  if (fromEvent) return fromEvent;
  const { data } = await gitHubCall(`reading the default branch of ${ref.owner}/${ref.repo}`, () =>
    octokit.rest.repos.get({ owner: ref.owner, repo: ref.repo }),
  );
  return data.default_branch;
}

/** Link to this workflow run, when running in GitHub Actions. */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}
