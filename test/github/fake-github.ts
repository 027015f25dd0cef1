/**
 * An in-process GitHub REST (and GraphQL) API for the calls the workflows make, handed to Octokit
 * as its `request.fetch`. It keeps pull requests, issues, comments and labels the way GitHub
 * does (pull requests are issues; numbers are shared; lists paginate with Link headers) and
 * records every request so tests can assert method, path, query and body exactly.
 */
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';

export const API = 'https://api.github.com';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

interface Label {
  name: string;
}

interface IssueRecord {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: Label[];
  /** Set on pull requests. */
  pull?: { head: string; base: string; auto_merge: unknown; node_id: string };
}

interface CommentRecord {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
}

type Json = Record<string, unknown>;

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly issues: IssueRecord[] = [];
  readonly comments: CommentRecord[] = [];
  /** When set, the GraphQL auto-merge mutation fails with this message (as GitHub does without required checks). */
  autoMergeError?: string;
  private nextNumber = 1;
  private nextCommentId = 1001;

  constructor(
    readonly owner = 'acme',
    readonly repo = 'compliance',
  ) {}

  client(): GitHubClient {
    return createGitHubClient('test-token', { fetch: this.fetch, baseUrl: API });
  }

  /** Requests after `from` (an index into `requests`), without the noise of headers. */
  since(from: number): RecordedRequest[] {
    return this.requests.slice(from);
  }

  // ---- seeding -------------------------------------------------------------------------------

  addPull(p: {
    head: string;
    base?: string;
    title: string;
    body: string;
    labels?: string[];
    state?: 'open' | 'closed';
  }) {
    const number = this.nextNumber++;
    const issue: IssueRecord = {
      number,
      title: p.title,
      body: p.body,
      state: p.state ?? 'open',
      state_reason: null,
      labels: (p.labels ?? []).map((name) => ({ name })),
      pull: { head: p.head, base: p.base ?? 'main', auto_merge: null, node_id: `PR_node${number}` },
    };
    this.issues.push(issue);
    return issue;
  }

  addIssue(p: { title: string; body: string; labels?: string[]; state?: 'open' | 'closed' }) {
    const issue: IssueRecord = {
      number: this.nextNumber++,
      title: p.title,
      body: p.body,
      state: p.state ?? 'open',
      state_reason: null,
      labels: (p.labels ?? []).map((name) => ({ name })),
    };
    this.issues.push(issue);
    return issue;
  }

  addComment(issue: number, body: string, login = 'someone') {
    const c: CommentRecord = {
      id: this.nextCommentId++,
      issue,
      body,
      user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
    };
    this.comments.push(c);
    return c;
  }

  pull(number: number): IssueRecord | undefined {
    return this.issues.find((i) => i.number === number && i.pull);
  }

  // ---- the HTTP layer ------------------------------------------------------------------------

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const text = typeof init?.body === 'string' ? init.body : undefined;
    const body = text ? (JSON.parse(text) as Json) : undefined;
    const query = Object.fromEntries(url.searchParams.entries());
    this.requests.push({ method, path: url.pathname, query, ...(body !== undefined ? { body } : {}) });
    const auth = new Headers(init?.headers).get('authorization');
    if (auth !== 'token test-token') return this.json(401, { message: 'Bad credentials' });
    return this.route(method, url, query, body ?? {});
  };

  private json(status: number, data: unknown, headers: Record<string, string> = {}): Response {
    return new Response(status === 204 ? null : JSON.stringify(data), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    });
  }

  private route(method: string, url: URL, query: Record<string, string>, body: Json): Response {
    const repoPath = `/repos/${this.owner}/${this.repo}`;
    const path = url.pathname;
    if (method === 'POST' && path === '/graphql') return this.graphql(body);
    if (!path.startsWith(repoPath)) return this.json(404, { message: 'Not Found' });
    const rest = path.slice(repoPath.length);
    const id = (re: RegExp): number | undefined => {
      const found = re.exec(rest);
      return found ? Number(found[1]) : undefined;
    };
    const pullNumber = id(/^\/pulls\/(\d+)$/);
    const labelsOf = id(/^\/issues\/(\d+)\/labels$/);
    const commentsOf = id(/^\/issues\/(\d+)\/comments$/);
    const commentId = id(/^\/issues\/comments\/(\d+)$/);
    const issueNumber = id(/^\/issues\/(\d+)$/);

    if (method === 'GET' && rest === '/pulls') {
      const state = query.state ?? 'open';
      const list = this.issues.filter(
        (i) =>
          i.pull &&
          (state === 'all' || i.state === state) &&
          (!query.head || `${this.owner}:${i.pull.head}` === query.head) &&
          (!query.base || i.pull.base === query.base),
      );
      return this.page(
        url,
        list.map((i) => this.pullJson(i)),
      );
    }
    if (method === 'POST' && rest === '/pulls') {
      const head = String(body.head);
      if (this.issues.some((i) => i.pull?.head === head && i.state === 'open')) {
        return this.json(422, {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `A pull request already exists for ${this.owner}:${head}.`,
            },
          ],
        });
      }
      const issue = this.addPull({
        head,
        base: String(body.base),
        title: String(body.title),
        body: body.body === undefined ? '' : String(body.body),
      });
      return this.json(201, this.pullJson(issue));
    }
    if (pullNumber !== undefined && method === 'PATCH') {
      const issue = this.pull(pullNumber);
      if (!issue) return this.json(404, { message: 'Not Found' });
      if (typeof body.title === 'string') issue.title = body.title;
      if (typeof body.body === 'string') issue.body = body.body;
      if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
      return this.json(200, this.pullJson(issue));
    }
    if (labelsOf !== undefined && method === 'POST') {
      const issue = this.issues.find((i) => i.number === labelsOf);
      if (!issue) return this.json(404, { message: 'Not Found' });
      for (const name of body.labels as string[])
        if (!issue.labels.some((l) => l.name === name)) issue.labels.push({ name });
      return this.json(
        200,
        issue.labels.map((l, k) => ({ id: k + 1, name: l.name })),
      );
    }
    if (commentsOf !== undefined) {
      const number = commentsOf;
      if (!this.issues.some((i) => i.number === number)) return this.json(404, { message: 'Not Found' });
      if (method === 'GET')
        return this.page(
          url,
          this.comments.filter((c) => c.issue === number).map((c) => this.commentJson(c)),
        );
      if (method === 'POST')
        return this.json(
          201,
          this.commentJson(this.addComment(number, String(body.body), 'github-actions[bot]')),
        );
    }
    if (commentId !== undefined && method === 'PATCH') {
      const c = this.comments.find((x) => x.id === commentId);
      if (!c) return this.json(404, { message: 'Not Found' });
      c.body = String(body.body);
      return this.json(200, this.commentJson(c));
    }
    if (rest === '/issues' && method === 'GET') {
      const state = query.state ?? 'open';
      const labels = query.labels ? query.labels.split(',') : [];
      const list = this.issues.filter(
        (i) =>
          (state === 'all' || i.state === state) && labels.every((l) => i.labels.some((x) => x.name === l)),
      );
      return this.page(
        url,
        list.map((i) => this.issueJson(i)),
      );
    }
    if (rest === '/issues' && method === 'POST') {
      const issue = this.addIssue({
        title: String(body.title),
        body: String(body.body ?? ''),
        labels: (body.labels as string[] | undefined) ?? [],
      });
      return this.json(201, this.issueJson(issue));
    }
    if (issueNumber !== undefined && method === 'PATCH') {
      const issue = this.issues.find((i) => i.number === issueNumber);
      if (!issue) return this.json(404, { message: 'Not Found' });
      if (typeof body.title === 'string') issue.title = body.title;
      if (typeof body.body === 'string') issue.body = body.body;
      if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
      if (typeof body.state_reason === 'string') issue.state_reason = body.state_reason;
      return this.json(200, this.issueJson(issue));
    }
    return this.json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  }

  /** GitHub's pagination: per_page (default 30) and page, with a Link header to the next page. */
  private page(url: URL, items: unknown[]): Response {
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const page = Number(url.searchParams.get('page') ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URL(url.href);
      next.searchParams.set('page', String(page + 1));
      const last = new URL(url.href);
      last.searchParams.set('page', String(Math.ceil(items.length / perPage)));
      headers.link = `<${next.href}>; rel="next", <${last.href}>; rel="last"`;
    }
    return this.json(200, slice, headers);
  }

  private graphql(body: Json): Response {
    const query = String(body.query);
    const variables = (body.variables ?? {}) as Json;
    if (!query.includes('enablePullRequestAutoMerge'))
      return this.json(200, { errors: [{ message: 'unsupported query in the fake' }] });
    const issue = this.issues.find((i) => i.pull?.node_id === variables.pullRequestId);
    if (!issue?.pull)
      return this.json(200, {
        data: null,
        errors: [
          {
            type: 'NOT_FOUND',
            message: `Could not resolve to a node with the global id of '${String(variables.pullRequestId)}'`,
          },
        ],
      });
    if (this.autoMergeError)
      return this.json(200, {
        data: { enablePullRequestAutoMerge: null },
        errors: [{ message: this.autoMergeError }],
      });
    issue.pull.auto_merge = {
      merge_method: String(variables.mergeMethod).toLowerCase(),
      enabled_by: { login: 'github-actions[bot]' },
    };
    return this.json(200, {
      data: {
        enablePullRequestAutoMerge: {
          pullRequest: { number: issue.number, autoMergeRequest: { enabledAt: '2026-11-28T04:00:00Z' } },
        },
      },
    });
  }

  private pullJson(i: IssueRecord) {
    const p = i.pull as NonNullable<IssueRecord['pull']>;
    return {
      id: 500 + i.number,
      node_id: p.node_id,
      number: i.number,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${i.number}`,
      state: i.state,
      title: i.title,
      body: i.body,
      labels: i.labels.map((l, k) => ({ id: k + 1, name: l.name })),
      auto_merge: p.auto_merge,
      head: { ref: p.head, label: `${this.owner}:${p.head}` },
      base: { ref: p.base, label: `${this.owner}:${p.base}` },
    };
  }

  private issueJson(i: IssueRecord) {
    return {
      id: 900 + i.number,
      number: i.number,
      html_url: `https://github.com/${this.owner}/${this.repo}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
      state: i.state,
      state_reason: i.state_reason,
      title: i.title,
      body: i.body,
      labels: i.labels.map((l, k) => ({ id: k + 1, name: l.name })),
      ...(i.pull
        ? { pull_request: { url: `${API}/repos/${this.owner}/${this.repo}/pulls/${i.number}` } }
        : {}),
    };
  }

  private commentJson(c: CommentRecord) {
    return {
      id: c.id,
      body: c.body,
      user: c.user,
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${c.issue}#issuecomment-${c.id}`,
    };
  }
}
