/**
 * The nightly discover step's pull request: the proposal from accounts-pr.ts, sent through the
 * idempotent pull-request flow from the working copy the repository root lives in.
 */
import { posix } from 'node:path';
import { ACCOUNTS_FILE } from '../load/accounts.js';
import type { AccountsPullRequest } from './accounts-pr.js';
import type { GitHubClient, RepoRef } from './client.js';
import { workingCopyOf } from './git.js';
import { type SyncPullRequestResult, syncPullRequest } from './pull-request.js';

export async function syncAccountsPullRequest(options: {
  octokit: GitHubClient;
  repo: RepoRef;
  /** The repository root holding config/ (may be a folder inside the working copy). */
  root: string;
  base: string;
  proposal: AccountsPullRequest;
  /** config/accounts.yaml as the proposal read it: must be the base branch's, or the proposal is wrong. */
  accountsText: string;
  autoMerge: boolean;
  /** Environment for git's fetch and push (credentials, see gitAuthEnv). */
  gitEnv?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}): Promise<SyncPullRequestResult> {
  const { git, prefix } = await workingCopyOf(options.root, options.gitEnv);
  const inCopy = (p: string) => posix.join(prefix, p);
  const accountsPath = inCopy(ACCOUNTS_FILE);
  if (!(await git.fetchBranch(options.base)))
    throw new Error(`The base branch '${options.base}' does not exist`);
  const onBase = await git.showFile(`${git.remote}/${options.base}`, accountsPath);
  if (onBase !== undefined && onBase !== options.accountsText) {
    throw new Error(
      `${ACCOUNTS_FILE} in the checkout differs from the one on '${options.base}': run discover with pull-request on a fresh checkout of '${options.base}'`,
    );
  }
  const files = Object.fromEntries(Object.entries(options.proposal.files).map(([p, t]) => [inCopy(p), t]));
  return syncPullRequest({
    octokit: options.octokit,
    ...options.repo,
    git,
    base: options.base,
    branch: options.proposal.branch,
    title: options.proposal.title,
    body: options.proposal.body,
    labels: options.proposal.labels,
    files,
    autoMerge: options.autoMerge,
    autoMergePaths: [accountsPath],
    closeComment: `Closing: \`${ACCOUNTS_FILE}\` on \`${options.base}\` matches the Organization again, so this change is no longer needed.`,
    ...(options.log ? { log: options.log } : {}),
  });
}

/** What a dry run shows instead of sending the pull request. */
export function accountsDryRunMarkdown(proposal: AccountsPullRequest | undefined): string {
  if (!proposal)
    return '\nDry run: config/accounts.yaml matches the Organization; an open accounts pull request would be closed.\n';
  const [path, text] = Object.entries(proposal.files)[0] ?? ['', ''];
  return [
    '',
    `Dry run: this pull request would be opened or updated on the branch \`${proposal.branch}\` (labels ${proposal.labels.map((l) => `\`${l}\``).join(', ')}):`,
    '',
    `**${proposal.title}**`,
    '',
    proposal.body,
    `<details><summary>${path} as it would be committed</summary>`,
    '',
    '```yaml',
    text.trimEnd(),
    '```',
    '',
    '</details>',
    '',
  ].join('\n');
}
