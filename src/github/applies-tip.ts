/**
 * An apply in a workflow deploys the commit it checked out. Re-running an old apply run (GitHub
 * re-runs with the original commit), a run that waited in the queue while main moved on, or a
 * manual run on another branch would put an older or unreviewed state into production. So apply
 * checks first that its commit is the current tip of the default branch — or that every commit
 * since changes nothing apply deploys (a README edit must not strand a waiting apply).
 */
import { relative } from 'node:path';
import { type GitHubClient, gitHubCall, type RepoRef } from './client.js';
import { tryWorkingCopyOf } from './git.js';
import { defaultBranchOf } from './workflow-context.js';

/** More files than the compare API lists: the change cannot be judged file by file. */
const COMPARE_FILE_LIMIT = 300;

export interface TipCheckOptions extends RepoRef {
  octokit: GitHubClient;
  /** The commit this run checked out. */
  sha: string;
  /** The default branch (main). */
  branch: string;
  /** Path prefixes whose change alters what apply deploys (`config/`, `sql/`, `quicksight/`, `actions/`). */
  deployedPaths: readonly string[];
}

export type TipCheck =
  | { ok: true; note?: string }
  | {
      ok: false;
      /** Why the run must not apply, for people. */
      reason: string;
    };

const short = (sha: string) => sha.slice(0, 7);

export async function checkAppliesTip(o: TipCheckOptions): Promise<TipCheck> {
  const { data: branch } = await gitHubCall(`reading the tip of branch ${o.branch}`, () =>
    o.octokit.rest.repos.getBranch({ owner: o.owner, repo: o.repo, branch: o.branch }),
  );
  const tip = branch.commit.sha;
  if (tip === o.sha) return { ok: true };
  const { data: compare } = await gitHubCall(
    `comparing commit ${short(o.sha)} with ${o.branch} (${short(tip)})`,
    () =>
      o.octokit.rest.repos.compareCommitsWithBasehead({
        owner: o.owner,
        repo: o.repo,
        basehead: `${o.sha}...${tip}`,
        per_page: 100,
      }),
  );
  if (compare.status !== 'ahead') {
    return {
      ok: false,
      reason:
        `This run is for commit ${short(o.sha)}, which is not on ${o.branch} (${o.branch} is at ${short(tip)}; the commit is ${compare.status} of it). ` +
        `Apply deploys only what ${o.branch} holds: merge the change, then let the apply workflow run on ${o.branch}.`,
    };
  }
  const files = (compare.files ?? []).map((f) => f.filename);
  const deployed = files.filter((f) => o.deployedPaths.some((p) => f.startsWith(p)));
  const commits = compare.total_commits;
  if (files.length < COMPARE_FILE_LIMIT && deployed.length === 0) {
    return {
      ok: true,
      note: `${o.branch} is ${commits} commit(s) ahead of this run's ${short(o.sha)} (at ${short(tip)}), but none of them changes what apply deploys.`,
    };
  }
  const what =
    deployed.length > 0
      ? `changing ${deployed.slice(0, 5).join(', ')}${deployed.length > 5 ? ` and ${deployed.length - 5} more` : ''}`
      : `changing more files than GitHub lists`;
  return {
    ok: false,
    reason:
      `This run is for commit ${short(o.sha)}, but ${o.branch} is at ${short(tip)} now, ${commits} commit(s) later, ${what}. ` +
      'Applying the older commit would roll production back. Run the apply workflow on the current ' +
      `${o.branch} instead (a run for it may already be queued).`,
  };
}

/**
 * The check for the workflow run this process is: its commit is the checkout's HEAD (else
 * GITHUB_SHA), the branch the repository's default, and what apply deploys is `config/`, `sql/`
 * and `quicksight/` under the root (a folder of the workspace, maybe) and the actions.
 */
export async function checkRunAppliesTip(o: {
  octokit: GitHubClient;
  repo: RepoRef;
  /** The repository root holding config/. */
  root: string;
  env?: NodeJS.ProcessEnv;
}): Promise<TipCheck> {
  const env = o.env ?? process.env;
  const copy = await tryWorkingCopyOf(o.root);
  const sha = (copy ? await copy.git.tryRevParse('HEAD') : undefined) ?? env.GITHUB_SHA;
  if (!sha)
    throw new Error(
      'Cannot tell which commit this run applies: no git checkout at the root and no GITHUB_SHA',
    );
  const prefix =
    copy?.prefix ??
    relative(env.GITHUB_WORKSPACE ?? o.root, o.root)
      .split('\\')
      .join('/');
  const under = prefix && prefix !== '.' ? prefix.replace(/\/?$/, '/') : '';
  return checkAppliesTip({
    octokit: o.octokit,
    ...o.repo,
    sha,
    branch: await defaultBranchOf(o.octokit, o.repo, env),
    deployedPaths: [`${under}config/`, `${under}sql/`, `${under}quicksight/`, 'actions/'],
  });
}
