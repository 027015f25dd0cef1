/**
 * One comment per pull request, found again by a hidden marker and its author, and edited in place
 * on every push, never a second one. Comments are read page by page until it is found. A comment
 * carrying the marker that someone else wrote (quoting the plan, say) is never edited.
 */
import { fitBody, type GitHubClient, gitHubCall, type RepoRef } from './client.js';

/** The login GitHub shows for what the workflow's own `github.token` writes. */
export const ACTIONS_BOT = 'github-actions[bot]';

export const PLAN_MARKER = '<!-- org-compliance:plan -->';

export type CommentOutcome = 'created' | 'updated' | 'unchanged';

export interface UpsertCommentOptions extends RepoRef {
  octokit: GitHubClient;
  issueNumber: number;
  /** The visible text; the marker is put in front of it. */
  body: string;
  marker?: string;
  /** Who writes the comment: `github-actions[bot]` (default) or a GitHub App's `<slug>[bot]`. */
  author?: string;
}

export interface UpsertCommentResult {
  outcome: CommentOutcome;
  id: number;
  url: string;
}

/** The body as posted: the marker on its own line, then the text, cut to GitHub's limit. */
export function markedBody(body: string, marker: string = PLAN_MARKER): string {
  return fitBody(`${marker}\n${body}`);
}

export async function findMarkedComment(
  octokit: GitHubClient,
  ref: RepoRef & { issueNumber: number },
  marker: string,
  author: string = ACTIONS_BOT,
): Promise<{ id: number; body?: string; html_url: string } | undefined> {
  return gitHubCall(`reading the comments of #${ref.issueNumber}`, async () => {
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
      owner: ref.owner,
      repo: ref.repo,
      issue_number: ref.issueNumber,
      per_page: 100,
    });
    for await (const page of pages) {
      const found = page.data.find((c) => c.user?.login === author && c.body?.includes(marker));
      if (found) return found;
    }
    return undefined;
  });
}

export async function upsertComment(o: UpsertCommentOptions): Promise<UpsertCommentResult> {
  const marker = o.marker ?? PLAN_MARKER;
  const body = markedBody(o.body, marker);
  const existing = await findMarkedComment(o.octokit, o, marker, o.author ?? ACTIONS_BOT);
  if (existing) {
    if (existing.body === body) return { outcome: 'unchanged', id: existing.id, url: existing.html_url };
    const { data } = await gitHubCall(`updating the plan comment on #${o.issueNumber}`, () =>
      o.octokit.rest.issues.updateComment({
        owner: o.owner,
        repo: o.repo,
        comment_id: existing.id,
        body,
      }),
    );
    return { outcome: 'updated', id: data.id, url: data.html_url };
  }
  const { data } = await gitHubCall(`commenting the plan on #${o.issueNumber}`, () =>
    o.octokit.rest.issues.createComment({
      owner: o.owner,
      repo: o.repo,
      issue_number: o.issueNumber,
      body,
    }),
  );
  return { outcome: 'created', id: data.id, url: data.html_url };
}
