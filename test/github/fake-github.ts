/**
 * An in-process GitHub REST (and GraphQL) API for the calls the workflows make, handed to Octokit
 * as its `request.fetch`. It keeps pull requests, issues, comments and labels the way GitHub
 * does (pull requests are issues; numbers are shared; lists paginate with Link headers) and
 * records every request so tests can assert method, path, query and body exactly.
 *
 * It is as strict as GitHub where the workflows can go wrong:
 * - every token acts as one login with the permissions a workflow grants it (`contents`, `issues`,
 *   `pull-requests`); a call the token may not make gets GitHub's 403 "Resource not accessible by
 *   integration" with `x-accepted-github-permissions`. Creating a label (which adding an unknown
 *   label to an issue or pull request does) needs `issues: write`.
 * - comments and issues are authored by the token's login, as GitHub records them;
 * - `faults` make chosen requests fail the ways GitHub fails: a status (5xx, 403, 429) with its
 *   headers (`retry-after`, `x-ratelimit-*`), or no answer at all until the client gives up.
 */
import { type ClientOptions, createGitHubClient, type GitHubClient } from '../../src/github/client.js';

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

export type Permission = 'none' | 'read' | 'write';

export interface TokenGrant {
  /** Who the token acts as: `github-actions[bot]` for GITHUB_TOKEN, `<app-slug>[bot]` for an App. */
  login: string;
  contents: Permission;
  issues: Permission;
  pullRequests: Permission;
}

/** A request the fake answers with a failure instead of its normal answer. */
export interface Fault {
  method?: string;
  /** Matched against the path (without the /repos/<owner>/<repo> prefix for repository routes). */
  path?: RegExp;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Never answer (until the client aborts the request). */
  hang?: boolean;
  /** How many matching requests fail; default every one. */
  times?: number;
}

/** The rights the workflow's default `github.token` has in these tests unless a test says otherwise. */
export const FULL_GRANT: TokenGrant = {
  login: 'github-actions[bot]',
  contents: 'write',
  issues: 'write',
  pullRequests: 'write',
};

interface IssueRecord {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: Label[];
  user: { login: string; type: string };
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

function userOf(login: string) {
  return { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly issues: IssueRecord[] = [];
  readonly comments: CommentRecord[] = [];
  /** Labels defined in the repository. */
  readonly labels = new Set<string>();
  /** Tokens the fake accepts, and what each may do. */
  readonly tokens = new Map<string, TokenGrant>([['test-token', FULL_GRANT]]);
  /** Requests that fail (first matching fault wins; `times` counts down). */
  readonly faults: Fault[] = [];
  /** Branch name → the commit it points to (GET …/branches/<name>). */
  readonly branches = new Map<string, string>();
  /** The commit graph the compare API walks: sha → its parent and the files it changed. */
  readonly commits = new Map<string, { parent?: string; files: string[] }>();
  defaultBranch = 'main';
  /** When set, the GraphQL auto-merge mutation fails with this message (as GitHub does without required checks). */
  autoMergeError?: string;
  private nextNumber = 1;
  private nextCommentId = 1001;

  constructor(
    readonly owner = 'acme',
    readonly repo = 'compliance',
  ) {}

  /** A client as the actions build it, with waits shortened for tests. */
  client(token = 'test-token', options: ClientOptions = {}): GitHubClient {
    return createGitHubClient(token, {
      fetch: this.fetch,
      baseUrl: API,
      backoffUnitMs: 1,
      secondMs: 1,
      writeIntervalMs: 0,
      ...options,
    });
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
    author?: string;
  }) {
    const number = this.nextNumber++;
    for (const l of p.labels ?? []) this.labels.add(l);
    const issue: IssueRecord = {
      number,
      title: p.title,
      body: p.body,
      state: p.state ?? 'open',
      state_reason: null,
      labels: (p.labels ?? []).map((name) => ({ name })),
      user: userOf(p.author ?? 'github-actions[bot]'),
      pull: { head: p.head, base: p.base ?? 'main', auto_merge: null, node_id: `PR_node${number}` },
    };
    this.issues.push(issue);
    return issue;
  }

  addIssue(p: {
    title: string;
    body: string;
    labels?: string[];
    state?: 'open' | 'closed';
    author?: string;
  }) {
    for (const l of p.labels ?? []) this.labels.add(l);
    const issue: IssueRecord = {
      number: this.nextNumber++,
      title: p.title,
      body: p.body,
      state: p.state ?? 'open',
      state_reason: null,
      labels: (p.labels ?? []).map((name) => ({ name })),
      user: userOf(p.author ?? 'someone'),
    };
    this.issues.push(issue);
    return issue;
  }

  addComment(issue: number, body: string, login = 'someone') {
    const c: CommentRecord = { id: this.nextCommentId++, issue, body, user: userOf(login) };
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
    const auth = new Headers(init?.headers).get('authorization') ?? '';
    const grant = this.tokens.get(auth.replace(/^token /, ''));
    if (!auth.startsWith('token ') || !grant) return this.json(401, { message: 'Bad credentials' });
    const fault = this.faultFor(method, this.routePath(url.pathname));
    if (fault?.hang) {
      // Like a server that accepted the connection and never answers: only the client's abort ends it.
      return new Promise<Response>((_, reject) => {
        const signal = init?.signal;
        const abort = () => reject(signal?.reason ?? new DOMException('aborted', 'AbortError'));
        if (signal?.aborted) abort();
        signal?.addEventListener('abort', abort, { once: true });
      });
    }
    if (fault) {
      return this.json(fault.status ?? 500, fault.body ?? { message: 'Server Error' }, fault.headers ?? {});
    }
    return this.route(method, url, query, body ?? {}, grant);
  };

  private routePath(path: string): string {
    const repoPath = `/repos/${this.owner}/${this.repo}`;
    return path.startsWith(repoPath) ? path.slice(repoPath.length) || '/' : path;
  }

  private faultFor(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) => (f.method === undefined || f.method === method) && (f.path === undefined || f.path.test(path)),
    );
    if (!fault) return undefined;
    if (fault.times !== undefined) {
      fault.times--;
      if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    }
    return fault;
  }

  /** GitHub's answer to a token without the permission a call needs. */
  private forbidden(accepted: string, docs: string): Response {
    return this.json(
      403,
      {
        message: 'Resource not accessible by integration',
        documentation_url: `https://docs.github.com/rest/${docs}`,
        status: '403',
      },
      { 'x-accepted-github-permissions': accepted },
    );
  }

  private json(status: number, data: unknown, headers: Record<string, string> = {}): Response {
    return new Response(status === 204 ? null : JSON.stringify(data), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    });
  }

  private route(
    method: string,
    url: URL,
    query: Record<string, string>,
    body: Json,
    grant: TokenGrant,
  ): Response {
    const repoPath = `/repos/${this.owner}/${this.repo}`;
    const path = url.pathname;
    const can = (what: 'contents' | 'issues' | 'pullRequests', level: 'read' | 'write') =>
      grant[what] === 'write' || (level === 'read' && grant[what] === 'read');
    if (method === 'POST' && path === '/graphql') {
      if (!can('pullRequests', 'write'))
        return this.json(200, {
          data: { enablePullRequestAutoMerge: null },
          errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }],
        });
      return this.graphql(body, grant);
    }
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
    const branch = /^\/branches\/(.+)$/.exec(rest)?.[1];
    const isPull = (n: number | undefined) => this.issues.some((i) => i.number === n && i.pull);
    // Comments and labels of a pull request go through the issues API; GitHub accepts either permission there.
    const onIssueOrPull = (n: number | undefined, level: 'read' | 'write') =>
      can('issues', level) || (isPull(n) && can('pullRequests', level));

    if (method === 'GET' && rest === '') {
      if (!can('contents', 'read')) return this.forbidden('contents=read', 'repos/repos#get-a-repository');
      return this.json(200, {
        name: this.repo,
        full_name: `${this.owner}/${this.repo}`,
        default_branch: this.defaultBranch,
      });
    }
    if (method === 'GET' && branch !== undefined) {
      if (!can('contents', 'read')) return this.forbidden('contents=read', 'branches/branches#get-a-branch');
      const sha = this.branches.get(decodeURIComponent(branch));
      if (!sha) return this.json(404, { message: 'Branch not found' });
      return this.json(200, { name: decodeURIComponent(branch), commit: { sha } });
    }
    const basehead = /^\/compare\/([0-9a-f]+)\.\.\.([0-9a-f]+)$/.exec(rest);
    if (method === 'GET' && basehead) {
      if (!can('contents', 'read'))
        return this.forbidden('contents=read', 'commits/commits#compare-two-commits');
      return this.compare(basehead[1] as string, basehead[2] as string);
    }
    if (method === 'GET' && rest === '/pulls') {
      if (!can('pullRequests', 'read'))
        return this.forbidden('pull_requests=read', 'pulls/pulls#list-pull-requests');
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
      if (!can('pullRequests', 'write'))
        return this.forbidden('pull_requests=write', 'pulls/pulls#create-a-pull-request');
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
        author: grant.login,
      });
      return this.json(201, this.pullJson(issue));
    }
    if (pullNumber !== undefined && method === 'PATCH') {
      if (!can('pullRequests', 'write'))
        return this.forbidden('pull_requests=write', 'pulls/pulls#update-a-pull-request');
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
      if (!onIssueOrPull(labelsOf, 'write'))
        return this.forbidden('issues=write; pull_requests=write', 'issues/labels#add-labels-to-an-issue');
      const names = body.labels as string[];
      // An unknown label is created on the way, which needs the right to create labels.
      if (names.some((n) => !this.labels.has(n)) && !can('issues', 'write'))
        return this.forbidden('issues=write', 'issues/labels#add-labels-to-an-issue');
      for (const name of names) {
        this.labels.add(name);
        if (!issue.labels.some((l) => l.name === name)) issue.labels.push({ name });
      }
      return this.json(
        200,
        issue.labels.map((l, k) => ({ id: k + 1, name: l.name })),
      );
    }
    if (commentsOf !== undefined) {
      const number = commentsOf;
      if (!this.issues.some((i) => i.number === number)) return this.json(404, { message: 'Not Found' });
      if (method === 'GET') {
        if (!onIssueOrPull(number, 'read'))
          return this.forbidden('issues=read; pull_requests=read', 'issues/comments#list-issue-comments');
        return this.page(
          url,
          this.comments.filter((c) => c.issue === number).map((c) => this.commentJson(c)),
        );
      }
      if (method === 'POST') {
        if (!onIssueOrPull(number, 'write'))
          return this.forbidden(
            'issues=write; pull_requests=write',
            'issues/comments#create-an-issue-comment',
          );
        return this.json(201, this.commentJson(this.addComment(number, String(body.body), grant.login)));
      }
    }
    if (commentId !== undefined && method === 'PATCH') {
      const c = this.comments.find((x) => x.id === commentId);
      if (!c) return this.json(404, { message: 'Not Found' });
      if (!onIssueOrPull(c.issue, 'write'))
        return this.forbidden('issues=write; pull_requests=write', 'issues/comments#update-an-issue-comment');
      c.body = String(body.body);
      return this.json(200, this.commentJson(c));
    }
    if (rest === '/issues' && method === 'GET') {
      if (!can('issues', 'read'))
        return this.forbidden('issues=read', 'issues/issues#list-repository-issues');
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
      if (!can('issues', 'write')) return this.forbidden('issues=write', 'issues/issues#create-an-issue');
      const labels = (body.labels as string[] | undefined) ?? [];
      const issue = this.addIssue({
        title: String(body.title),
        body: String(body.body ?? ''),
        labels,
        author: grant.login,
      });
      return this.json(201, this.issueJson(issue));
    }
    if (issueNumber !== undefined && method === 'PATCH') {
      const issue = this.issues.find((i) => i.number === issueNumber);
      if (!issue) return this.json(404, { message: 'Not Found' });
      if (!onIssueOrPull(issueNumber, 'write'))
        return this.forbidden('issues=write', 'issues/issues#update-an-issue');
      if (typeof body.title === 'string') issue.title = body.title;
      if (typeof body.body === 'string') issue.body = body.body;
      if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
      if (typeof body.state_reason === 'string') issue.state_reason = body.state_reason;
      return this.json(200, this.issueJson(issue));
    }
    return this.json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  }

  /** The commits from `from` back to the root of the fake's graph. */
  private ancestry(from: string): string[] {
    const out: string[] = [];
    for (let at: string | undefined = from; at && this.commits.has(at); at = this.commits.get(at)?.parent)
      out.push(at);
    return out;
  }

  /** GET compare/base...head: how head relates to base, and the files of the commits base lacks. */
  private compare(base: string, head: string): Response {
    if (!this.commits.has(base) || !this.commits.has(head)) return this.json(404, { message: 'Not Found' });
    const fromHead = this.ancestry(head);
    const fromBase = this.ancestry(base);
    let status: string;
    let ahead: string[] = [];
    if (base === head) status = 'identical';
    else if (fromHead.includes(base)) {
      status = 'ahead';
      ahead = fromHead.slice(0, fromHead.indexOf(base));
    } else if (fromBase.includes(head)) status = 'behind';
    else status = 'diverged';
    const files = [...new Set(ahead.flatMap((sha) => this.commits.get(sha)?.files ?? []))].sort();
    return this.json(200, {
      status,
      ahead_by: ahead.length,
      behind_by: status === 'behind' ? fromBase.indexOf(head) : 0,
      total_commits: ahead.length,
      commits: ahead.reverse().map((sha) => ({ sha })),
      files: files.map((filename) => ({ filename, status: 'modified' })),
    });
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

  private graphql(body: Json, grant: TokenGrant): Response {
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
      enabled_by: { login: grant.login },
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
      user: i.user,
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
      user: i.user,
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
