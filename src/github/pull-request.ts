/**
 * An idempotent pull request on a fixed branch (the branch name is the key): created when the
 * change appears, updated when it changes, left alone when it does not, closed when it is no
 * longer needed. Git does the branch (fetch, checkout -B from the base, commit, push
 * --force-with-lease); the REST API does the pull request; GraphQL enables auto-merge.
 */

import { ACCOUNTS_FILE } from '../load/accounts.js';
import { errorMessage } from '../model/errors.js';
import type { GitHubClient, RepoRef } from './client.js';
import { fitBody, gitHubCall } from './client.js';
import { BOT_IDENTITY, type Git, type GitIdentity } from './git.js';

export type PullRequestOutcome = 'created' | 'updated' | 'not-updated' | 'closed';

/** What happened to auto-merge: why it was or was not asked for. */
export type AutoMergeOutcome = 'enabled' | 'already-enabled' | 'off' | 'not-eligible' | 'failed';

export type MergeMethod = 'MERGE' | 'SQUASH' | 'REBASE';

export interface SyncPullRequestOptions extends RepoRef {
  octokit: GitHubClient;
  git: Git;
  base: string;
  /** The fixed branch: its name is what makes a second run find the first run's pull request. */
  branch: string;
  title: string;
  body: string;
  labels: string[];
  /** Repository-relative path → full text, written on top of the base. */
  files: Record<string, string>;
  /** The repository allows auto-merge for this change (config/org.yaml); checked against `autoMergePaths`. */
  autoMerge: boolean;
  /** Auto-merge only when the change touches these paths and nothing else. */
  autoMergePaths?: string[];
  mergeMethod?: MergeMethod;
  commitMessage?: string;
  identity?: GitIdentity;
  /** Comment left on a pull request closed because its change is no longer needed. */
  closeComment?: string;
  log?: (message: string) => void;
}

export interface SyncPullRequestResult {
  outcome: PullRequestOutcome;
  number?: number;
  url?: string;
  /** The branch on the remote was created or moved. */
  pushed: boolean;
  /** Commit the branch points to afterwards (undefined when it was deleted or never existed). */
  head?: string;
  autoMerge: AutoMergeOutcome;
}

/** The fields of a pull request this module reads (as the REST API returns them). */
interface PullRequestData {
  number: number;
  node_id: string;
  html_url: string;
  title: string;
  body: string | null;
  labels: { name?: string }[];
  auto_merge: unknown;
}

export const ENABLE_AUTO_MERGE = `mutation EnableAutoMerge($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
  enablePullRequestAutoMerge(input: { pullRequestId: $pullRequestId, mergeMethod: $mergeMethod }) {
    pullRequest { number autoMergeRequest { enabledAt } }
  }
}`;

export async function syncPullRequest(o: SyncPullRequestOptions): Promise<SyncPullRequestResult> {
  const log = o.log ?? (() => {});
  const { git, octokit, owner, repo, base, branch } = o;
  const remote = git.remote;

  if (!(await git.fetchBranch(base)))
    throw new Error(`The base branch '${base}' does not exist on ${remote}`);
  const baseSha = await git.revParse(`refs/remotes/${remote}/${base}`);
  const remoteSha = await git.remoteBranchSha(branch);
  if (remoteSha) await git.fetchBranch(branch);

  await git.checkoutFresh(branch, `${remote}/${base}`);
  const paths = await git.writeFiles(o.files);
  await git.stage(paths);
  const changed = await git.hasStagedChanges();
  const open = await findOpenPullRequest(o);

  if (!changed) {
    log(`The files match ${base}: no pull request is needed`);
    if (open) {
      await gitHubCall(`commenting on pull request #${open.number} before closing it`, () =>
        octokit.rest.issues.createComment({
          owner,
          repo,
          issue_number: open.number,
          body:
            o.closeComment ??
            `Closing: \`${base}\` already has this content, so the change is no longer needed.`,
        }),
      );
      await gitHubCall(`closing pull request #${open.number}`, () =>
        octokit.rest.pulls.update({ owner, repo, pull_number: open.number, state: 'closed' }),
      );
      log(`Closed pull request #${open.number}`);
    }
    if (remoteSha) {
      await git.deleteRemoteBranch(branch, remoteSha);
      log(`Deleted branch ${branch}`);
    }
    return {
      outcome: open ? 'closed' : 'not-updated',
      ...(open ? { number: open.number, url: open.html_url } : {}),
      pushed: false,
      autoMerge: 'off',
    };
  }

  const head = await git.commit(o.commitMessage ?? o.title, o.identity ?? BOT_IDENTITY);
  const upToDate = remoteSha !== undefined && (await sameChange(git, remoteSha, head, baseSha));
  if (upToDate) {
    log(`Branch ${branch} already holds this change on top of ${base}`);
  } else {
    await git.pushWithLease(branch, remoteSha);
    log(`Pushed ${branch} (${remoteSha ? 'replacing the previous commit' : 'new branch'})`);
  }
  const headAfter = upToDate ? (remoteSha as string) : head;
  const body = fitBody(o.body);

  let pr: PullRequestData;
  let outcome: PullRequestOutcome;
  if (open) {
    pr = open;
    const patch: { title?: string; body?: string } = {};
    if (open.title !== o.title) patch.title = o.title;
    if ((open.body ?? '') !== body) patch.body = body;
    if (patch.title !== undefined || patch.body !== undefined) {
      await gitHubCall(`updating pull request #${open.number}`, () =>
        octokit.rest.pulls.update({ owner, repo, pull_number: open.number, ...patch }),
      );
      log(`Updated the ${Object.keys(patch).join(' and ')} of pull request #${open.number}`);
    }
    const have = new Set(open.labels.map((l) => l.name));
    const missing = o.labels.filter((l) => !have.has(l));
    if (missing.length) {
      await gitHubCall(`labelling pull request #${open.number} ${missing.join(', ')}`, () =>
        octokit.rest.issues.addLabels({ owner, repo, issue_number: open.number, labels: missing }),
      );
    }
    outcome = !upToDate || patch.title !== undefined || patch.body !== undefined ? 'updated' : 'not-updated';
  } else {
    const created = await gitHubCall(`creating the pull request for branch ${branch}`, () =>
      octokit.rest.pulls.create({ owner, repo, title: o.title, head: branch, base, body }),
    );
    pr = created.data as PullRequestData;
    log(`Created pull request #${pr.number}`);
    if (o.labels.length) {
      await gitHubCall(`labelling pull request #${pr.number} ${o.labels.join(', ')}`, () =>
        octokit.rest.issues.addLabels({ owner, repo, issue_number: pr.number, labels: o.labels }),
      );
    }
    outcome = 'created';
  }

  const autoMerge = await maybeEnableAutoMerge(o, pr, baseSha, headAfter, log);
  return { outcome, number: pr.number, url: pr.html_url, pushed: !upToDate, head: headAfter, autoMerge };
}

async function findOpenPullRequest(o: SyncPullRequestOptions): Promise<PullRequestData | undefined> {
  const { data } = await gitHubCall(`looking for the open pull request of branch ${o.branch}`, () =>
    o.octokit.rest.pulls.list({
      owner: o.owner,
      repo: o.repo,
      head: `${o.owner}:${o.branch}`,
      state: 'open',
    }),
  );
  return (data as PullRequestData[])[0];
}

/** The remote branch is one commit on top of the current base with the same tree as ours. */
async function sameChange(git: Git, remoteSha: string, head: string, baseSha: string): Promise<boolean> {
  const [remoteTree, ourTree, remoteParent] = await Promise.all([
    git.tryRevParse(`${remoteSha}^{tree}`),
    git.tryRevParse(`${head}^{tree}`),
    git.tryRevParse(`${remoteSha}^1`),
  ]);
  return remoteTree !== undefined && remoteTree === ourTree && remoteParent === baseSha;
}

async function maybeEnableAutoMerge(
  o: SyncPullRequestOptions,
  pr: PullRequestData,
  baseSha: string,
  head: string,
  log: (m: string) => void,
): Promise<AutoMergeOutcome> {
  if (!o.autoMerge) return 'off';
  const allowed = new Set(o.autoMergePaths ?? [ACCOUNTS_FILE]);
  const touched = await o.git.changedPaths(baseSha, head);
  if (!touched.length || !touched.every((p) => allowed.has(p))) {
    log(
      `Auto-merge not requested: the change touches ${touched.join(', ')}, not only ${[...allowed].join(', ')}`,
    );
    return 'not-eligible';
  }
  if (pr.auto_merge) return 'already-enabled';
  try {
    await o.octokit.graphql(ENABLE_AUTO_MERGE, {
      pullRequestId: pr.node_id,
      mergeMethod: o.mergeMethod ?? 'SQUASH',
    });
    log(`Enabled auto-merge on pull request #${pr.number}`);
    return 'enabled';
  } catch (e) {
    // The repository may not allow auto-merge, or branch protection may have no required checks
    // ("clean status"): the pull request stays open for a person, which is not a failure of the run.
    log(`Could not enable auto-merge on pull request #${pr.number}: ${errorMessage(e)}`);
    return 'failed';
  }
}
