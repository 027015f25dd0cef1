/**
 * The GitHub client when GitHub misbehaves: server errors and hanging requests are retried with
 * backoff and then fail naming the operation and the tries; rate limits are waited out within a
 * bound; what retrying cannot fix (a missing permission, a 404) fails at once and says so.
 */
import { describe, expect, it } from 'vitest';
import { gitHubCall } from '../../src/github/client.js';
import { FakeGitHub } from './fake-github.js';

const owner = 'acme';
const repo = 'compliance';
const createPull = (gh: FakeGitHub, octokit = gh.client()) =>
  gitHubCall('creating the pull request for branch org-compliance/accounts', () =>
    octokit.rest.pulls.create({
      owner,
      repo,
      title: 'Accounts: 1 added',
      head: 'org-compliance/accounts',
      base: 'main',
    }),
  );
const posts = (gh: FakeGitHub) => gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pulls'));

describe('GitHub API calls', () => {
  it('a 502 that lasts fails after 3 tries, naming the operation', async () => {
    const gh = new FakeGitHub();
    gh.faults.push({ method: 'POST', path: /^\/pulls$/, status: 502, body: { message: 'Bad Gateway' } });

    await expect(createPull(gh)).rejects.toThrow(
      'creating the pull request for branch org-compliance/accounts: 502 Bad Gateway after 3 tries',
    );
    expect(posts(gh)).toHaveLength(3);
    expect(gh.issues).toHaveLength(0);
  });

  it('a 502 that passes is retried and the call succeeds', async () => {
    const gh = new FakeGitHub();
    gh.faults.push({
      method: 'POST',
      path: /^\/pulls$/,
      status: 503,
      body: { message: 'Unavailable' },
      times: 2,
    });

    const { data } = await createPull(gh);
    expect(data.number).toBe(1);
    expect(posts(gh)).toHaveLength(3);
  });

  it('a request that never answers is abandoned at the timeout, retried, and fails within tries × timeout', async () => {
    const gh = new FakeGitHub();
    gh.faults.push({ method: 'GET', path: /^\/pulls$/, hang: true });
    const octokit = gh.client('test-token', { timeoutMs: 100 });
    const started = Date.now();

    await expect(
      gitHubCall('looking for the open pull request of branch org-compliance/accounts', () =>
        octokit.rest.pulls.list({ owner, repo, head: `${owner}:org-compliance/accounts`, state: 'open' }),
      ),
    ).rejects.toThrow(
      'looking for the open pull request of branch org-compliance/accounts: no answer within 100 ms after 3 tries',
    );
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(300);
    expect(took).toBeLessThan(5_000);
    expect(gh.requests.filter((r) => r.method === 'GET')).toHaveLength(3);
  });

  it('a secondary rate limit is waited out for its retry-after, then the call goes through', async () => {
    const gh = new FakeGitHub();
    gh.faults.push({
      method: 'POST',
      path: /^\/pulls$/,
      status: 403,
      headers: { 'retry-after': '30' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      },
      times: 1,
    });
    const logged: string[] = [];
    const octokit = gh.client('test-token', { log: (m) => logged.push(m) });

    await createPull(gh, octokit);
    expect(posts(gh)).toHaveLength(2);
    expect(logged).toEqual([
      'GitHub secondary rate limit on POST /repos/{owner}/{repo}/pulls: trying again in 30 ms',
    ]);
  });

  it('an exhausted primary rate limit is waited out until it resets, when that is soon enough', async () => {
    const gh = new FakeGitHub();
    const reset = Math.floor(Date.now() / 1000) + 2;
    gh.faults.push({
      method: 'GET',
      path: /^\/issues$/,
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for installation ID 1.' },
      times: 1,
    });
    const octokit = gh.client();
    const { data } = await gitHubCall('listing the drift issues', () =>
      octokit.rest.issues.listForRepo({ owner, repo, state: 'open' }),
    );
    expect(data).toEqual([]);
    expect(gh.requests).toHaveLength(2);
  });

  it('a rate limit that resets too late fails at once, saying when it resets', async () => {
    const gh = new FakeGitHub();
    const reset = Math.floor(Date.now() / 1000) + 3600;
    gh.faults.push({
      method: 'GET',
      path: /^\/issues$/,
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for installation ID 1.' },
    });
    const octokit = gh.client('test-token', { secondMs: 1000, maxRateLimitWaitMs: 60_000 });
    const at = new Date(reset * 1000).toISOString().slice(11, 19);
    await expect(
      gitHubCall('listing the drift issues', () =>
        octokit.rest.issues.listForRepo({ owner, repo, state: 'open' }),
      ),
    ).rejects.toThrow(
      `listing the drift issues: 403 API rate limit exceeded for installation ID 1. (the rate limit resets at ${at} UTC)`,
    );
    expect(gh.requests).toHaveLength(1);
  });

  it('429 Too Many Requests is retried like a server error', async () => {
    const gh = new FakeGitHub();
    gh.faults.push({
      method: 'POST',
      path: /^\/pulls$/,
      status: 429,
      body: { message: 'Too Many Requests' },
      times: 1,
    });
    await createPull(gh);
    expect(posts(gh)).toHaveLength(2);
  });

  it('a missing permission or a missing resource is not retried, and the permission is named', async () => {
    const gh = new FakeGitHub();
    gh.tokens.set('read-token', {
      login: 'github-actions[bot]',
      contents: 'read',
      issues: 'none',
      pullRequests: 'read',
    });
    await expect(createPull(gh, gh.client('read-token'))).rejects.toThrow(
      'creating the pull request for branch org-compliance/accounts: 403 Resource not accessible by integration (the token needs pull_requests: write)',
    );
    expect(posts(gh)).toHaveLength(1);

    const octokit = gh.client();
    await expect(
      gitHubCall('reading pull request #7', () => octokit.rest.pulls.get({ owner, repo, pull_number: 7 })),
    ).rejects.toThrow(/^reading pull request #7: 404 Not Found$/);
  });
});
