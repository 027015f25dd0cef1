import { describe, expect, it } from 'vitest';
import { BODY_LIMIT } from '../../src/github/client.js';
import { markedBody, PLAN_MARKER, upsertComment } from '../../src/github/comment.js';
import { FakeGitHub } from './fake-github.js';

const comments = '/repos/acme/compliance/issues/1/comments';

describe('the plan comment: one per pull request, found by its marker, edited in place', () => {
  it('no comment yet: reads the comments, then creates one with the marker', async () => {
    const gh = new FakeGitHub();
    gh.addPull({ head: 'feature', title: 'Tighten a rule', body: '' });
    gh.addComment(1, 'Looks good to me');

    const result = await upsertComment({
      octokit: gh.client(),
      owner: 'acme',
      repo: 'compliance',
      issueNumber: 1,
      body: 'Plan: 1 to change',
    });

    expect(result.outcome).toBe('created');
    expect(gh.requests).toEqual([
      { method: 'GET', path: comments, query: { per_page: '100' } },
      { method: 'POST', path: comments, query: {}, body: { body: `${PLAN_MARKER}\nPlan: 1 to change` } },
    ]);
  });

  it('the marker already present (on the second page): PATCH that comment, no POST', async () => {
    const gh = new FakeGitHub();
    gh.addPull({ head: 'feature', title: 'Tighten a rule', body: '' });
    for (let i = 0; i < 120; i++) gh.addComment(1, `comment ${i}`);
    const ours = gh.addComment(1, `${PLAN_MARKER}\nPlan: 1 to change`, 'github-actions[bot]');
    gh.addComment(1, 'a later comment');

    const result = await upsertComment({
      octokit: gh.client(),
      owner: 'acme',
      repo: 'compliance',
      issueNumber: 1,
      body: 'Plan: 2 to change',
    });

    expect(result).toMatchObject({ outcome: 'updated', id: ours.id });
    expect(gh.requests).toEqual([
      { method: 'GET', path: comments, query: { per_page: '100' } },
      { method: 'GET', path: comments, query: { per_page: '100', page: '2' } },
      {
        method: 'PATCH',
        path: `/repos/acme/compliance/issues/comments/${ours.id}`,
        query: {},
        body: { body: `${PLAN_MARKER}\nPlan: 2 to change` },
      },
    ]);
    expect(gh.comments.filter((c) => c.body.includes(PLAN_MARKER))).toHaveLength(1);
  });

  it('the same plan again: no write at all', async () => {
    const gh = new FakeGitHub();
    gh.addPull({ head: 'feature', title: 'Tighten a rule', body: '' });
    gh.addComment(1, `${PLAN_MARKER}\nPlan: no changes`, 'github-actions[bot]');

    const result = await upsertComment({
      octokit: gh.client(),
      owner: 'acme',
      repo: 'compliance',
      issueNumber: 1,
      body: 'Plan: no changes',
    });

    expect(result.outcome).toBe('unchanged');
    expect(gh.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('every push updates the same comment: three runs, one comment', async () => {
    const gh = new FakeGitHub();
    gh.addPull({ head: 'feature', title: 'Tighten a rule', body: '' });
    const octokit = gh.client();
    for (const n of [1, 2, 3])
      await upsertComment({
        octokit,
        owner: 'acme',
        repo: 'compliance',
        issueNumber: 1,
        body: `Plan: ${n} to change`,
      });

    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.body).toBe(`${PLAN_MARKER}\nPlan: 3 to change`);
    expect(gh.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'PATCH', 'GET', 'PATCH']);
  });

  it('a plan longer than GitHub allows is cut, saying where the rest is', () => {
    const body = markedBody('x'.repeat(BODY_LIMIT * 2));
    expect(body.length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(body.startsWith(PLAN_MARKER)).toBe(true);
    expect(body).toContain('truncated: the full text is in the job summary');
  });

  it('a comment carrying the marker that someone else wrote is never edited: ours is created beside it', async () => {
    const gh = new FakeGitHub();
    gh.addPull({ head: 'feature', title: 'Tighten a rule', body: '' });
    const quoted = gh.addComment(1, `> ${PLAN_MARKER}\n> Plan: 1 to change\nWhy does this change?`, 'alice');
    const forged = gh.addComment(1, `${PLAN_MARKER}\nPlan: nothing to see`, 'mallory');

    const first = await upsertComment({
      octokit: gh.client(),
      owner: 'acme',
      repo: 'compliance',
      issueNumber: 1,
      body: 'Plan: 2 to change',
    });
    const second = await upsertComment({
      octokit: gh.client(),
      owner: 'acme',
      repo: 'compliance',
      issueNumber: 1,
      body: 'Plan: 3 to change',
    });

    expect(first.outcome).toBe('created');
    expect(second).toMatchObject({ outcome: 'updated', id: first.id });
    expect(gh.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([
      `/repos/acme/compliance/issues/comments/${first.id}`,
    ]);
    expect(gh.comments.find((c) => c.id === quoted.id)?.user.login).toBe('alice');
    expect(gh.comments.find((c) => c.id === forged.id)?.body).toBe(`${PLAN_MARKER}\nPlan: nothing to see`);
    expect(gh.comments.find((c) => c.id === first.id)).toMatchObject({
      body: `${PLAN_MARKER}\nPlan: 3 to change`,
      user: { login: 'github-actions[bot]' },
    });
  });

  it('with a GitHub App the comment is found by the App bot login', async () => {
    const gh = new FakeGitHub();
    gh.tokens.set('app-token', {
      login: 'org-compliance[bot]',
      contents: 'write',
      issues: 'write',
      pullRequests: 'write',
    });
    gh.addPull({ head: 'feature', title: 'Tighten a rule', body: '' });
    gh.addComment(1, `${PLAN_MARKER}\nan old plan of github.token`, 'github-actions[bot]');
    const ours = gh.addComment(1, `${PLAN_MARKER}\nan old plan`, 'org-compliance[bot]');

    const result = await upsertComment({
      octokit: gh.client('app-token'),
      owner: 'acme',
      repo: 'compliance',
      issueNumber: 1,
      body: 'Plan: 1 to change',
      author: 'org-compliance[bot]',
    });
    expect(result).toMatchObject({ outcome: 'updated', id: ours.id });
  });
});
