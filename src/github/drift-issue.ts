/**
 * One drift issue: opened (or updated) with the plan when AWS differs from the main branch,
 * closed with a short comment once it no longer does, or once the nightly reconcile has put AWS
 * back (the comment then lists what was corrected and when). Found by its label, a hidden marker
 * and its author, so a person's own issues with the same label are never touched.
 */
import { fitBody, type GitHubClient, gitHubCall, type RepoRef } from './client.js';
import { ACTIONS_BOT } from './comment.js';

export const DRIFT_LABEL = 'org-compliance-drift';
export const DRIFT_MARKER = '<!-- org-compliance:drift -->';
export const DRIFT_TITLE = 'Drift: AWS differs from the main branch';

export type DriftOutcome =
  | 'opened'
  | 'updated'
  | 'unchanged'
  | 'closed'
  | 'none'
  /** reconcile: what was corrected is recorded on the issue and the issue closed. */
  | 'corrected'
  /** reconcile: some changes failed; recorded on the issue, which stays open. */
  | 'partly-corrected';

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
  /** Who the token acts as; only an issue this login opened is the drift issue. */
  author?: string;
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

async function findDriftIssue(o: RepoRef & { octokit: GitHubClient; author?: string }) {
  const author = o.author ?? ACTIONS_BOT;
  return gitHubCall(`looking for the open drift issue (label ${DRIFT_LABEL})`, async () => {
    const pages = o.octokit.paginate.iterator(o.octokit.rest.issues.listForRepo, {
      owner: o.owner,
      repo: o.repo,
      labels: DRIFT_LABEL,
      state: 'open',
      per_page: 100,
    });
    for await (const page of pages) {
      const found = page.data.find(
        (i) => !i.pull_request && i.user?.login === author && i.body?.includes(DRIFT_MARKER),
      );
      if (found) return found;
    }
    return undefined;
  });
}

async function commentOn(o: RepoRef & { octokit: GitHubClient }, number: number, body: string) {
  await gitHubCall(`commenting on drift issue #${number}`, () =>
    o.octokit.rest.issues.createComment({ owner: o.owner, repo: o.repo, issue_number: number, body }),
  );
}

async function closeIssue(o: RepoRef & { octokit: GitHubClient }, number: number, comment: string) {
  await commentOn(o, number, comment);
  await gitHubCall(`closing drift issue #${number}`, () =>
    o.octokit.rest.issues.update({
      owner: o.owner,
      repo: o.repo,
      issue_number: number,
      state: 'closed',
      state_reason: 'completed',
    }),
  );
}

export async function syncDriftIssue(o: SyncDriftIssueOptions): Promise<SyncDriftIssueResult> {
  const { octokit, owner, repo } = o;
  const existing = await findDriftIssue(o);
  if (!o.drift) {
    if (!existing) return { outcome: 'none' };
    await closeIssue(
      o,
      existing.number,
      `No drift on ${o.today}: AWS matches the \`main\` branch again${o.runUrl ? ` ([run](${o.runUrl}))` : ''}. Closing.`,
    );
    return { outcome: 'closed', number: existing.number, url: existing.html_url };
  }
  const body = driftIssueBody(o.planMarkdown);
  if (existing) {
    if (existing.body === body)
      return { outcome: 'unchanged', number: existing.number, url: existing.html_url };
    await gitHubCall(`updating drift issue #${existing.number}`, () =>
      octokit.rest.issues.update({ owner, repo, issue_number: existing.number, body }),
    );
    return { outcome: 'updated', number: existing.number, url: existing.html_url };
  }
  const { data } = await gitHubCall('opening the drift issue', () =>
    octokit.rest.issues.create({ owner, repo, title: DRIFT_TITLE, body, labels: [DRIFT_LABEL] }),
  );
  return { outcome: 'opened', number: data.number, url: data.html_url };
}

export interface RecordCorrectionOptions extends RepoRef {
  octokit: GitHubClient;
  /** Every change was carried out: AWS matches main again. */
  ok: boolean;
  /** What apply did, as Markdown (the table of changes with their outcome). */
  resultMarkdown: string;
  today: string;
  runUrl?: string;
  author?: string;
}

/**
 * After the nightly reconcile applied the drift: says on the drift issue what was corrected and
 * when, and closes it when everything was (an issue is opened for the record when the drift
 * was never reported, e.g. the plan ran as a dry run).
 */
export async function recordCorrection(o: RecordCorrectionOptions): Promise<SyncDriftIssueResult> {
  const when = `${o.today}${o.runUrl ? ` ([run](${o.runUrl}))` : ''}`;
  const comment = fitBody(
    [
      o.ok
        ? `Corrected by the nightly reconcile on ${when}: AWS matches the \`main\` branch again. Closing.`
        : `The nightly reconcile on ${when} did not correct everything; what failed is still drift. This issue stays open.`,
      '',
      o.resultMarkdown,
    ].join('\n'),
  );
  let issue = await findDriftIssue(o);
  if (!issue) {
    const { data } = await gitHubCall('opening the drift issue', () =>
      o.octokit.rest.issues.create({
        owner: o.owner,
        repo: o.repo,
        title: DRIFT_TITLE,
        body: driftIssueBody(
          `_The nightly reconcile found drift on ${o.today} and applied \`main\`; see the comments._`,
        ),
        labels: [DRIFT_LABEL],
      }),
    );
    issue = data;
  }
  const number = issue.number;
  if (o.ok) await closeIssue(o, number, comment);
  else await commentOn(o, number, comment);
  return { outcome: o.ok ? 'corrected' : 'partly-corrected', number, url: issue.html_url };
}
