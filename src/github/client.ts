/**
 * The GitHub API client: `@actions/github`'s Octokit (REST methods, pagination, GraphQL), built in
 * one place. Tests pass `request.fetch` to answer in-process instead of over the network.
 */
import { getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** The repository the workflow runs in. */
export interface RepoRef {
  owner: string;
  repo: string;
}

export interface ClientOptions {
  /** Replaces the HTTP layer (tests). */
  fetch?: typeof globalThis.fetch;
  /** API root; defaults to GITHUB_API_URL or https://api.github.com. */
  baseUrl?: string;
}

export function createGitHubClient(token: string, options: ClientOptions = {}): GitHubClient {
  if (!token) {
    throw new Error(
      "A GitHub token is required: pass the action input 'github-token' (the workflow's github.token)",
    );
  }
  return getOctokit(token, {
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
  });
}

/** `owner/name` (GITHUB_REPOSITORY) as a RepoRef. */
export function parseRepository(fullName: string | undefined): RepoRef {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(fullName ?? '');
  if (!m) throw new Error(`Expected a repository as owner/name (GITHUB_REPOSITORY), got '${fullName ?? ''}'`);
  return { owner: m[1] as string, repo: m[2] as string };
}

/** GitHub's limit on issue, pull-request and comment bodies. */
export const BODY_LIMIT = 65_536;

/** Cuts `text` to GitHub's body limit, saying where the rest is. */
export function fitBody(text: string, whereTheRestIs = 'the job summary of the workflow run'): string {
  if (text.length <= BODY_LIMIT) return text;
  const note = `\n\n… truncated: the full text is in ${whereTheRestIs}.\n`;
  return text.slice(0, BODY_LIMIT - note.length) + note;
}
