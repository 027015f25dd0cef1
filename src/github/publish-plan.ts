/**
 * Where a plan goes besides the job summary: the pull request's one plan comment, and the drift
 * issue of the nightly run. In a dry run nothing is sent; the summary says what would have been.
 */
import { errorMessage } from '../model/errors.js';
import type { GitHubClient, RepoRef } from './client.js';
import { upsertComment } from './comment.js';
import { DRIFT_LABEL, syncDriftIssue } from './drift-issue.js';
import type { Scope } from './scope.js';

export interface PlanPublishing {
  octokit?: GitHubClient;
  repo?: RepoRef;
  /** Comment on this pull request (pr-comment). */
  pullRequest?: number;
  /** Open, update or close the drift issue (drift-issue). */
  driftIssue: boolean;
  /**
   * What the run covers. Only a run over everything (`all`) may open, rewrite or close the drift
   * issue: a narrow one (a manual run with a scope) sees only part of the drift.
   */
  scope: Scope;
  /** Who the token acts as: comments and issues by anyone else are never edited. */
  author?: string;
  dryRun: boolean;
  today: string;
  runUrl?: string;
  log: (message: string) => void;
}

export interface PublishResult {
  commentUrl?: string;
  driftIssue?: string;
  /** Lines for the job summary about what was (or in a dry run, would have been) sent. */
  notes: string[];
}

function client(p: PlanPublishing): { octokit: GitHubClient; repo: RepoRef } {
  if (!p.octokit || !p.repo) throw new Error("Publishing the plan needs the input 'github-token'");
  return { octokit: p.octokit, repo: p.repo };
}

export async function publishPlan(
  p: PlanPublishing,
  plan: { drift: boolean; markdown: string },
): Promise<PublishResult> {
  const result: PublishResult = { notes: [] };
  if (p.pullRequest !== undefined) {
    if (p.dryRun) result.notes.push(`Dry run: the plan comment on #${p.pullRequest} was not written.`);
    else {
      const { octokit, repo } = client(p);
      const c = await upsertComment({
        octokit,
        ...repo,
        issueNumber: p.pullRequest,
        body: plan.markdown,
        ...(p.author ? { author: p.author } : {}),
      });
      p.log(`Plan comment ${c.outcome}: ${c.url}`);
      result.commentUrl = c.url;
    }
  }
  if (p.driftIssue && p.scope !== 'all') {
    result.notes.push(
      `The drift issue was left as it is: this run covers only \`${p.scope}\`, and only a run over everything opens, updates or closes it.`,
    );
    result.driftIssue = 'skipped';
  } else if (p.driftIssue) {
    if (p.dryRun) {
      result.notes.push(
        plan.drift
          ? `Dry run: the drift issue (label \`${DRIFT_LABEL}\`) would be opened or updated with this plan.`
          : `Dry run: no drift; an open drift issue (label \`${DRIFT_LABEL}\`) would be closed.`,
      );
      result.driftIssue = 'dry-run';
    } else {
      const { octokit, repo } = client(p);
      const d = await syncDriftIssue({
        octokit,
        ...repo,
        drift: plan.drift,
        planMarkdown: plan.markdown,
        today: p.today,
        ...(p.runUrl ? { runUrl: p.runUrl } : {}),
        ...(p.author ? { author: p.author } : {}),
      });
      p.log(`Drift issue: ${d.outcome}${d.url ? ` (${d.url})` : ''}`);
      result.driftIssue = d.outcome;
      if (d.url) result.notes.push(`Drift issue ${d.outcome}: ${d.url}`);
    }
  }
  return result;
}

/** When the plan could not be made, the pull request's comment says so instead of showing an old plan. */
export async function publishPlanFailure(p: PlanPublishing, message: string): Promise<void> {
  if (p.pullRequest === undefined || p.dryRun || !p.octokit || !p.repo) return;
  const body = [
    '### org-compliance plan',
    '',
    `**The plan could not be made**${p.runUrl ? ` ([run](${p.runUrl}))` : ''}:`,
    '',
    '```',
    message.slice(0, 8_000),
    '```',
  ].join('\n');
  try {
    await upsertComment({
      octokit: p.octokit,
      ...p.repo,
      issueNumber: p.pullRequest,
      body,
      ...(p.author ? { author: p.author } : {}),
    });
  } catch (e) {
    // The plan's own error is the one to report; this one only goes to the log.
    p.log(`Could not update the plan comment: ${errorMessage(e)}`);
  }
}
