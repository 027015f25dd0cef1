/**
 * The GitHub API client: `@actions/github`'s Octokit (REST methods, pagination, GraphQL), built in
 * one place, with what a workflow needs to survive GitHub's bad minutes:
 *
 * - a timeout on every request (30 s), so a hanging connection fails the step instead of the job;
 * - retries with backoff of server errors, timeouts and broken connections (`@octokit/plugin-retry`);
 * - waits for rate limits, primary (`x-ratelimit-reset`) and secondary (`retry-after`), within a
 *   bound (`@octokit/plugin-throttling`), and at least a second between writes as GitHub asks;
 * - errors that name the operation: `creating the pull request for branch …: 502 Bad Gateway after 3 tries`
 *   (see `gitHubCall`).
 *
 * Tests pass `fetch` to answer in-process instead of over the network, and shorter waits.
 */
import { getOctokit } from '@actions/github';
import { defaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import { errorMessage } from '../model/errors.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** The repository the workflow runs in. */
export interface RepoRef {
  owner: string;
  repo: string;
}

export interface ClientOptions {
  /** Replaces the HTTP layer (tests); by default the runner's proxy-aware fetch. */
  fetch?: typeof globalThis.fetch;
  /** API root; defaults to GITHUB_API_URL or https://api.github.com. */
  baseUrl?: string;
  /** A request without an answer after this long is abandoned (and retried). Default 30 s. */
  timeoutMs?: number;
  /** Tries of a request that fails with a server error, a timeout or a broken connection. Default 3. */
  tries?: number;
  /** Unit of the backoff between tries: waits of 1, 4, 9 … units. Default 1 s. */
  backoffUnitMs?: number;
  /** The longest wait for a rate limit to reset before giving up. Default 60 s. */
  maxRateLimitWaitMs?: number;
  /** Milliseconds in one second of `retry-after` (tests shorten it). Default 1000. */
  secondMs?: number;
  /** Least time between two writes (default a second, three for those that notify; GitHub's advice against secondary rate limits). */
  writeIntervalMs?: number;
  log?: (message: string) => void;
}

export const GITHUB_TIMEOUT_MS = 30_000;
export const GITHUB_TRIES = 3;

/** fetch with a deadline; a request that outlives it fails as a broken connection would, so it is retried. */
function withTimeout(inner: typeof globalThis.fetch, timeoutMs: number): typeof globalThis.fetch {
  return async (input, init = {}) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    try {
      return await inner(input, { ...init, signal });
    } catch (error) {
      if (!deadline.aborted) throw error;
      // Octokit reports a TypeError's cause as the request's error (status 500, retried); an
      // AbortError it would rethrow untouched, and nothing would retry it.
      throw new TypeError('fetch failed', {
        cause: new Error(`no answer within ${formatSeconds(timeoutMs)}`),
      });
    }
  };
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

export function createGitHubClient(token: string, options: ClientOptions = {}): GitHubClient {
  if (!token) {
    throw new Error(
      "A GitHub token is required: pass the action input 'github-token' (the workflow's github.token)",
    );
  }
  const tries = Math.max(1, options.tries ?? GITHUB_TRIES);
  const secondMs = options.secondMs ?? 1000;
  const maxWaitMs = options.maxRateLimitWaitMs ?? 60_000;
  const log = options.log ?? (() => {});
  const inner = options.fetch ?? (defaults.request?.fetch as typeof globalThis.fetch | undefined) ?? fetch;
  const limited =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
      const waitMs = retryAfter * secondMs;
      if (retryCount + 1 >= tries || waitMs > maxWaitMs) return false;
      log(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: trying again in ${formatSeconds(waitMs)}`,
      );
      return true;
    };
  return getOctokit(
    token,
    {
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      request: { fetch: withTimeout(inner, options.timeoutMs ?? GITHUB_TIMEOUT_MS) },
      retry: { retries: tries - 1, retryAfterBaseValue: options.backoffUnitMs ?? 1000 },
      throttle: {
        onRateLimit: limited('primary'),
        onSecondaryRateLimit: limited('secondary'),
        retryAfterBaseValue: secondMs,
        fallbackSecondaryRateRetryAfter: 60,
        // Writes a second apart, those that notify people three (the plugin's defaults, GitHub's advice).
        ...(options.writeIntervalMs !== undefined
          ? {
              write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeIntervalMs }),
              notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeIntervalMs }),
            }
          : {}),
      },
    },
    retry,
    throttling,
  );
}

/** A GitHub API call that failed, named by what it was for. */
export class GitHubCallError extends Error {
  override name = 'GitHubCallError';
  readonly status: number | undefined;
  readonly tries: number;
  constructor(what: string, cause: unknown) {
    const e = cause as {
      status?: number;
      request?: { request?: { retryCount?: number } };
      response?: { headers?: Record<string, string | undefined> };
    };
    // A status only when GitHub answered; Octokit gives a broken connection or a timeout status 500 too.
    const status = e?.response && typeof e.status === 'number' ? e.status : undefined;
    const headers = e?.response?.headers ?? {};
    const tries = (e?.request?.request?.retryCount ?? 0) + 1;
    const reason = errorMessage(cause).replace(/ - https:\/\/docs\.github\.com\S*$/, '');
    const notes: string[] = [];
    if (status === 403 && headers['x-accepted-github-permissions'])
      notes.push(`the token needs ${headers['x-accepted-github-permissions'].replace(/=/g, ': ')}`);
    if (headers['x-ratelimit-remaining'] === '0' && headers['x-ratelimit-reset'])
      notes.push(
        `the rate limit resets at ${new Date(Number(headers['x-ratelimit-reset']) * 1000).toISOString().slice(11, 19)} UTC`,
      );
    super(
      `${what}: ${status !== undefined ? `${status} ` : ''}${reason}${tries > 1 ? ` after ${tries} tries` : ''}${
        notes.length ? ` (${notes.join('; ')})` : ''
      }`,
      { cause },
    );
    this.status = status;
    this.tries = tries;
  }
}

/** Runs one GitHub API call; a failure says what the call was for (`creating the pull request for branch x`). */
export async function gitHubCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GitHubCallError) throw error;
    throw new GitHubCallError(what, error);
  }
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
