/**
 * One drift issue: opened (or updated) with the plan when AWS differs from the main branch,
 * closed with a short comment once it no longer does. Found by its label and a hidden marker,
 * so a person's own issues with the same label are never touched.
 */
import { fitBody, type GitHubClient, type RepoRef } from './client.js';

export const DRIFT_LABEL = 'org-compliance-drift';
export const DRIFT_MARKER = '<!-- org-compliance:drift -->';
export const DRIFT_TITLE = 'Drift: AWS differs from the main branch';

export type DriftOutcome = 'opened' | 'updated' | 'unchanged' | 'closed' | 'none';

export interface SyncDriftIssueOptions extends RepoRef {
  octokit: GitHubClient;
  /** The plan against AWS has changes (or conflicts). */
  drift: boolean;
  /** The plan as Markdown. */
  planMarkdown: string;
  /** The day of the check, for the closing comment. */
  today: string;
  /** Link to the workflow run, for the closing comment. */
  runUrl?: string;
}

export interface SyncDriftIssueResult {
  outcome: DriftOutcome;
  number?: number;
  url?: string;
}

export function driftIssueBody(planMarkdown: string): string {
  return fitBody(
    [
      DRIFT_MARKER,
      'The nightly plan found differences between what the `main` branch describes and what is deployed',
      '(for example a rule edited in the console, or the Glue table changed by hand). Run the apply workflow',
      'to put AWS back as `main` describes it, or change `main` to match. This issue is updated by every',
      'nightly run and closed by the first one that finds no drift.',
      '',
      planMarkdown,
    ].join('\n'),
  );
}

async function findDriftIssue(o: SyncDriftIssueOptions) {
  const pages = o.octokit.paginate.iterator(o.octokit.rest.issues.listForRepo, {
    owner: o.owner,
    repo: o.repo,
    labels: DRIFT_LABEL,
    state: 'open',
    per_page: 100,
  });
  for await (const page of pages) {
    const found = page.data.find((i) => !i.pull_request && i.body?.includes(DRIFT_MARKER));
    if (found) return found;
  }
  return undefined;
}

export async function syncDriftIssue(o: SyncDriftIssueOptions): Promise<SyncDriftIssueResult> {
  const { octokit, owner, repo } = o;
  const existing = await findDriftIssue(o);
  if (!o.drift) {
    if (!existing) return { outcome: 'none' };
    await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: existing.number,
      body: `No drift on ${o.today}: AWS matches the \`main\` branch again${o.runUrl ? ` ([run](${o.runUrl}))` : ''}. Closing.`,
    });
    await octokit.rest.issues.update({
      owner,
      repo,
      issue_number: existing.number,
      state: 'closed',
      state_reason: 'completed',
    });
    return { outcome: 'closed', number: existing.number, url: existing.html_url };
  }
  const body = driftIssueBody(o.planMarkdown);
  if (existing) {
    if (existing.body === body)
      return { outcome: 'unchanged', number: existing.number, url: existing.html_url };
    await octokit.rest.issues.update({ owner, repo, issue_number: existing.number, body });
    return { outcome: 'updated', number: existing.number, url: existing.html_url };
  }
  const { data } = await octokit.rest.issues.create({
    owner,
    repo,
    title: DRIFT_TITLE,
    body,
    labels: [DRIFT_LABEL],
  });
  return { outcome: 'opened', number: data.number, url: data.html_url };
}
