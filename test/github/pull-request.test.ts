import { beforeEach, describe, expect, it } from 'vitest';
import { BOT_IDENTITY } from '../../src/github/git.js';
import {
  ENABLE_AUTO_MERGE,
  type SyncPullRequestOptions,
  syncPullRequest,
} from '../../src/github/pull-request.js';
import { FakeGitHub } from './fake-github.js';
import { createFixture, type Fixture } from './git-fixture.js';

const BRANCH = 'org-compliance/accounts';
const ACCOUNTS = 'config/accounts.yaml';
const BOT = `${BOT_IDENTITY.name}|${BOT_IDENTITY.email}`;

const V1 = `accounts:
  - id: '111111111111'
    name: payments-prod
    state: ACTIVE
    ou: /Root/Prod
    joined: '2021-04-01'
`;
const V2 = `${V1}  - id: '222222222222'
    name: claims-dev
    state: ACTIVE
    ou: /Root/Dev
    joined: '2026-11-27'
`;
const V3 = `${V2}  - id: '333333333333'
    name: claims-prod
    state: ACTIVE
    ou: /Root/Prod
    joined: '2026-11-28'
`;

const INITIAL = {
  [ACCOUNTS]: V1,
  'config/rules.yaml': 'rules: []\n',
  'README.md': '# compliance\n',
};

const pulls = '/repos/acme/compliance/pulls';
const listOpen = { method: 'GET', path: pulls, query: { head: `acme:${BRANCH}`, state: 'open' } };

describe('syncPullRequest against a bare repository and a faked GitHub API', () => {
  let fx: Fixture;
  let gh: FakeGitHub;
  let mainSha: string;

  beforeEach(async () => {
    fx = await createFixture(INITIAL);
    gh = new FakeGitHub();
    mainSha = (await fx.branchSha('main')) as string;
  });

  function sync(overrides: Partial<SyncPullRequestOptions> = {}) {
    return syncPullRequest({
      octokit: gh.client(),
      owner: 'acme',
      repo: 'compliance',
      git: fx.runner,
      base: 'main',
      branch: BRANCH,
      title: 'Accounts: 1 added',
      body: 'One account joined.\n',
      labels: ['org-compliance', 'accounts'],
      files: { [ACCOUNTS]: V2 },
      autoMerge: false,
      ...overrides,
    });
  }

  it('no pull request yet: pushes the branch, creates the pull request, adds the labels', async () => {
    const result = await sync();

    expect(result).toMatchObject({ outcome: 'created', number: 1, pushed: true, autoMerge: 'off' });
    expect(gh.requests).toEqual([
      listOpen,
      {
        method: 'POST',
        path: pulls,
        query: {},
        body: { title: 'Accounts: 1 added', head: BRANCH, base: 'main', body: 'One account joined.\n' },
      },
      {
        method: 'POST',
        path: '/repos/acme/compliance/issues/1/labels',
        query: {},
        body: { labels: ['org-compliance', 'accounts'] },
      },
    ]);
    // One bot commit on top of main, holding the new file; main itself untouched.
    expect(await fx.log(`main..${BRANCH}`)).toEqual([`Accounts: 1 added|${BOT}`]);
    expect(await fx.inBare(['rev-parse', `${BRANCH}^`])).toBe(mainSha);
    expect(await fx.show(BRANCH, ACCOUNTS)).toBe(V2.trimEnd());
    expect(await fx.branchSha('main')).toBe(mainSha);
    expect(result.head).toBe(await fx.branchSha(BRANCH));
  });

  it('pull request open and out of date: force-with-lease push replaces the commit, PATCH sends the new title and body', async () => {
    await sync();
    const before = (await fx.branchSha(BRANCH)) as string;
    const from = gh.requests.length;

    const result = await sync({
      title: 'Accounts: 2 added',
      body: 'Two accounts joined.\n',
      files: { [ACCOUNTS]: V3 },
    });

    expect(result).toMatchObject({ outcome: 'updated', number: 1, pushed: true });
    expect(gh.since(from)).toEqual([
      listOpen,
      {
        method: 'PATCH',
        path: `${pulls}/1`,
        query: {},
        body: { title: 'Accounts: 2 added', body: 'Two accounts joined.\n' },
      },
    ]);
    const after = (await fx.branchSha(BRANCH)) as string;
    expect(after).not.toBe(before);
    // Replaced, not stacked: still one commit on top of main, and the old one is gone from the branch.
    expect(await fx.log(`main..${BRANCH}`)).toEqual([`Accounts: 2 added|${BOT}`]);
    await expect(fx.inBare(['merge-base', '--is-ancestor', before, BRANCH])).rejects.toThrow();
    expect(await fx.show(BRANCH, ACCOUNTS)).toBe(V3.trimEnd());
    expect(gh.pull(1)).toMatchObject({
      title: 'Accounts: 2 added',
      body: 'Two accounts joined.\n',
      state: 'open',
    });
  });

  it('base moved on, same change: the branch is rebuilt on the new base, the pull request is not patched', async () => {
    await sync();
    const newMain = await fx.pushAsPerson('main', { 'README.md': '# compliance\n\nMore.\n' }, 'Docs');
    const from = gh.requests.length;

    const result = await sync();

    expect(result).toMatchObject({ outcome: 'updated', pushed: true });
    expect(gh.since(from)).toEqual([listOpen]);
    expect(await fx.inBare(['rev-parse', `${BRANCH}^`])).toBe(newMain);
    expect(await fx.log(`main..${BRANCH}`)).toEqual([`Accounts: 1 added|${BOT}`]);
  });

  it('nothing changed: no push, no PATCH, outcome not-updated', async () => {
    await sync();
    const sha = await fx.branchSha(BRANCH);
    const from = gh.requests.length;

    const result = await sync();

    expect(result).toMatchObject({ outcome: 'not-updated', number: 1, pushed: false, head: sha });
    expect(gh.since(from)).toEqual([listOpen]);
    expect(await fx.branchSha(BRANCH)).toBe(sha);
    expect(await fx.log(`main..${BRANCH}`)).toHaveLength(1);
  });

  it('the branch exists but its pull request was closed: a new pull request, the branch reused', async () => {
    await sync();
    (gh.pull(1) as { state: string }).state = 'closed';
    const sha = await fx.branchSha(BRANCH);
    const from = gh.requests.length;

    const result = await sync();

    expect(result).toMatchObject({ outcome: 'created', number: 2, pushed: false });
    expect(gh.since(from)).toEqual([
      listOpen,
      {
        method: 'POST',
        path: pulls,
        query: {},
        body: { title: 'Accounts: 1 added', head: BRANCH, base: 'main', body: 'One account joined.\n' },
      },
      {
        method: 'POST',
        path: '/repos/acme/compliance/issues/2/labels',
        query: {},
        body: { labels: ['org-compliance', 'accounts'] },
      },
    ]);
    expect(await fx.branchSha(BRANCH)).toBe(sha);
    expect(gh.pull(1)?.state).toBe('closed');
    expect(gh.pull(2)?.state).toBe('open');
  });

  it('a stale branch left by a closed pull request is replaced before the new pull request', async () => {
    await sync();
    (gh.pull(1) as { state: string }).state = 'closed';
    const stale = await fx.branchSha(BRANCH);

    const result = await sync({ title: 'Accounts: 2 added', files: { [ACCOUNTS]: V3 } });

    expect(result).toMatchObject({ outcome: 'created', number: 2, pushed: true });
    expect(await fx.branchSha(BRANCH)).not.toBe(stale);
    expect(await fx.show(BRANCH, ACCOUNTS)).toBe(V3.trimEnd());
  });

  it('a missing label is added to an open pull request, present ones are not sent again', async () => {
    await sync({ labels: ['org-compliance'] });
    const from = gh.requests.length;

    const result = await sync();

    expect(result.outcome).toBe('not-updated');
    expect(gh.since(from)).toEqual([
      listOpen,
      {
        method: 'POST',
        path: '/repos/acme/compliance/issues/1/labels',
        query: {},
        body: { labels: ['accounts'] },
      },
    ]);
  });

  it('the change is no longer needed: the pull request is closed with a comment and the branch deleted', async () => {
    await sync();
    const from = gh.requests.length;

    const result = await sync({ files: { [ACCOUNTS]: V1 }, closeComment: 'No longer needed.' });

    expect(result).toMatchObject({ outcome: 'closed', number: 1, pushed: false });
    expect(gh.since(from)).toEqual([
      listOpen,
      {
        method: 'POST',
        path: '/repos/acme/compliance/issues/1/comments',
        query: {},
        body: { body: 'No longer needed.' },
      },
      { method: 'PATCH', path: `${pulls}/1`, query: {}, body: { state: 'closed' } },
    ]);
    expect(await fx.branchSha(BRANCH)).toBeUndefined();
    expect(await fx.branchSha('main')).toBe(mainSha);
  });

  it('no change and no pull request: nothing is pushed or sent', async () => {
    const result = await sync({ files: { [ACCOUNTS]: V1 } });

    expect(result).toEqual({ outcome: 'not-updated', pushed: false, autoMerge: 'off' });
    expect(gh.requests).toEqual([listOpen]);
    expect(await fx.branchSha(BRANCH)).toBeUndefined();
  });

  describe('auto-merge', () => {
    const mutation = {
      method: 'POST',
      path: '/graphql',
      query: {},
      body: { query: ENABLE_AUTO_MERGE, variables: { pullRequestId: 'PR_node1', mergeMethod: 'SQUASH' } },
    };

    it('is requested with the GraphQL mutation when the change touches accounts.yaml only', async () => {
      const result = await sync({ autoMerge: true });

      expect(result.autoMerge).toBe('enabled');
      expect(gh.requests.at(-1)).toEqual(mutation);
      expect(gh.requests.filter((r) => r.path === '/graphql')).toHaveLength(1);

      // Already on: not asked again.
      const from = gh.requests.length;
      expect((await sync({ autoMerge: true })).autoMerge).toBe('already-enabled');
      expect(gh.since(from)).toEqual([listOpen]);
    });

    it('is not requested when the change touches another file too', async () => {
      const result = await sync({
        autoMerge: true,
        files: { [ACCOUNTS]: V2, 'config/rules.yaml': 'rules: [] # changed\n' },
      });

      expect(result).toMatchObject({ outcome: 'created', autoMerge: 'not-eligible' });
      expect(gh.requests.some((r) => r.path === '/graphql')).toBe(false);
    });

    it('is not requested when config/org.yaml does not enable it', async () => {
      const result = await sync({ autoMerge: false });

      expect(result.autoMerge).toBe('off');
      expect(gh.requests.some((r) => r.path === '/graphql')).toBe(false);
    });

    it('a refusal (no required checks, auto-merge not allowed) leaves the pull request open for a person', async () => {
      gh.autoMergeError = 'Pull request is in clean status';
      const logs: string[] = [];

      const result = await sync({ autoMerge: true, log: (m) => logs.push(m) });

      expect(result).toMatchObject({ outcome: 'created', autoMerge: 'failed' });
      expect(gh.requests.at(-1)).toEqual(mutation);
      expect(logs.join('\n')).toContain('Pull request is in clean status');
    });
  });
});

describe('Git.pushWithLease', () => {
  it('never overwrites a commit someone else pushed after we looked', async () => {
    const fx = await createFixture(INITIAL);
    const theirs = await fx.pushAsPerson(BRANCH, { [ACCOUNTS]: V2 }, 'A person edits the branch');
    const seen = (await fx.runner.remoteBranchSha(BRANCH)) as string;
    const later = await fx.pushAsPerson(BRANCH, { [ACCOUNTS]: V3 }, 'A person edits it again');
    expect(seen).toBe(theirs);

    await fx.runner.fetchBranch('main');
    await fx.runner.checkoutFresh(BRANCH, 'origin/main');
    await fx.runner.writeFiles({ [ACCOUNTS]: `${V1}# ours\n` });
    await fx.runner.stage([ACCOUNTS]);
    await fx.runner.commit('ours');

    await expect(fx.runner.pushWithLease(BRANCH, seen)).rejects.toThrow(/stale info|rejected/);
    expect(await fx.branchSha(BRANCH)).toBe(later);
  });

  it('refuses to create a branch that appeared in the meantime', async () => {
    const fx = await createFixture(INITIAL);
    const theirs = await fx.pushAsPerson(BRANCH, { [ACCOUNTS]: V2 }, 'A person creates the branch');
    await fx.runner.fetchBranch('main');
    await fx.runner.checkoutFresh(BRANCH, 'origin/main');
    await fx.runner.writeFiles({ [ACCOUNTS]: V3 });
    await fx.runner.stage([ACCOUNTS]);
    await fx.runner.commit('ours');

    await expect(fx.runner.pushWithLease(BRANCH, undefined)).rejects.toThrow();
    expect(await fx.branchSha(BRANCH)).toBe(theirs);
  });
});
