import { describe, expect, it } from 'vitest';
import {
  DRIFT_LABEL,
  DRIFT_MARKER,
  DRIFT_TITLE,
  driftIssueBody,
  recordCorrection,
  syncDriftIssue,
} from '../../src/github/drift-issue.js';
import { FakeGitHub } from './fake-github.js';

const issues = '/repos/acme/compliance/issues';
const list = { method: 'GET', path: issues, query: { labels: DRIFT_LABEL, state: 'open', per_page: '100' } };
const PLAN_A = '### org-compliance plan\n\n**1 to change**\n';
const PLAN_B = '### org-compliance plan\n\n**2 to change**\n';

describe('the drift issue', () => {
  it('is opened with the plan, updated while the drift lasts, and closed with a comment when it is gone', async () => {
    const gh = new FakeGitHub();
    // Left alone: a person's issue with the same label but no marker, and a pull request with the label.
    gh.addIssue({ title: 'Why is this rule failing?', body: 'question', labels: [DRIFT_LABEL] });
    gh.addPull({ head: 'fix', title: 'Fix drift', body: `${DRIFT_MARKER}`, labels: [DRIFT_LABEL] });
    const octokit = gh.client();
    const common = { octokit, owner: 'acme', repo: 'compliance', today: '2026-11-28' };

    // Night 1: drift appears.
    const opened = await syncDriftIssue({ ...common, drift: true, planMarkdown: PLAN_A });
    expect(opened).toEqual({
      outcome: 'opened',
      number: 3,
      url: 'https://github.com/acme/compliance/issues/3',
    });
    expect(gh.requests).toEqual([
      list,
      {
        method: 'POST',
        path: issues,
        query: {},
        body: { title: DRIFT_TITLE, body: driftIssueBody(PLAN_A), labels: [DRIFT_LABEL] },
      },
    ]);

    // Night 2: the same drift: nothing written.
    let from = gh.requests.length;
    expect((await syncDriftIssue({ ...common, drift: true, planMarkdown: PLAN_A })).outcome).toBe(
      'unchanged',
    );
    expect(gh.since(from)).toEqual([list]);

    // Night 3: more drift: the one issue is updated, no second issue.
    from = gh.requests.length;
    expect((await syncDriftIssue({ ...common, drift: true, planMarkdown: PLAN_B })).outcome).toBe('updated');
    expect(gh.since(from)).toEqual([
      list,
      { method: 'PATCH', path: `${issues}/3`, query: {}, body: { body: driftIssueBody(PLAN_B) } },
    ]);

    // Night 4: no drift: a short comment, then closed as completed.
    from = gh.requests.length;
    const closed = await syncDriftIssue({
      ...common,
      today: '2026-12-01',
      drift: false,
      planMarkdown: '',
      runUrl: 'https://github.com/acme/compliance/actions/runs/42',
    });
    expect(closed).toMatchObject({ outcome: 'closed', number: 3 });
    expect(gh.since(from)).toEqual([
      list,
      {
        method: 'POST',
        path: `${issues}/3/comments`,
        query: {},
        body: {
          body: 'No drift on 2026-12-01: AWS matches the `main` branch again ([run](https://github.com/acme/compliance/actions/runs/42)). Closing.',
        },
      },
      {
        method: 'PATCH',
        path: `${issues}/3`,
        query: {},
        body: { state: 'closed', state_reason: 'completed' },
      },
    ]);
    expect(gh.issues.map((i) => [i.number, i.state])).toEqual([
      [1, 'open'],
      [2, 'open'],
      [3, 'closed'],
    ]);

    // Night 5: still no drift: nothing to do.
    from = gh.requests.length;
    expect((await syncDriftIssue({ ...common, drift: false, planMarkdown: '' })).outcome).toBe('none');
    expect(gh.since(from)).toEqual([list]);

    // Night 6: drift again: a new issue (the closed one stays closed, as a record).
    expect((await syncDriftIssue({ ...common, drift: true, planMarkdown: PLAN_A })).outcome).toBe('opened');
    expect(
      gh.issues.filter((i) => i.state === 'open' && i.body?.includes(DRIFT_MARKER) && !i.pull),
    ).toHaveLength(1);
  });

  it('an issue with the marker and the label that someone else opened is not the drift issue', async () => {
    const gh = new FakeGitHub();
    const copied = gh.addIssue({
      title: 'Copied the drift issue',
      body: driftIssueBody(PLAN_A),
      labels: [DRIFT_LABEL],
      author: 'mallory',
    });
    const octokit = gh.client();
    const common = { octokit, owner: 'acme', repo: 'compliance', today: '2026-11-28' };

    expect((await syncDriftIssue({ ...common, drift: false, planMarkdown: '' })).outcome).toBe('none');
    expect((await syncDriftIssue({ ...common, drift: true, planMarkdown: PLAN_B })).outcome).toBe('opened');
    expect(copied).toMatchObject({ state: 'open', body: driftIssueBody(PLAN_A) });
    expect(gh.comments).toEqual([]);
    expect(gh.issues.at(-1)?.user.login).toBe('github-actions[bot]');
  });

  it('reconcile records what it corrected and when on the drift issue, and closes it', async () => {
    const gh = new FakeGitHub();
    const octokit = gh.client();
    const common = { octokit, owner: 'acme', repo: 'compliance', today: '2026-11-28' };
    await syncDriftIssue({ ...common, drift: true, planMarkdown: PLAN_A });
    const from = gh.requests.length;

    const result = await recordCorrection({
      ...common,
      ok: true,
      resultMarkdown: '| done | update | config-rule eu-west-1/security-root-mfa |',
      runUrl: 'https://github.com/acme/compliance/actions/runs/43',
    });

    expect(result).toEqual({
      outcome: 'corrected',
      number: 1,
      url: 'https://github.com/acme/compliance/issues/1',
    });
    expect(gh.since(from).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${issues}`,
      `POST ${issues}/1/comments`,
      `PATCH ${issues}/1`,
    ]);
    expect(gh.comments.map((c) => c.body)).toEqual([
      'Corrected by the nightly reconcile on 2026-11-28 ([run](https://github.com/acme/compliance/actions/runs/43)): AWS matches the `main` branch again. Closing.\n\n| done | update | config-rule eu-west-1/security-root-mfa |',
    ]);
    expect(gh.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
  });

  it('reconcile that did not correct everything says so and leaves the issue open; without an issue it opens one for the record', async () => {
    const gh = new FakeGitHub();
    const octokit = gh.client();
    const common = { octokit, owner: 'acme', repo: 'compliance', today: '2026-11-29' };

    const result = await recordCorrection({
      ...common,
      ok: false,
      resultMarkdown: '| failed | update | x |',
    });

    expect(result).toMatchObject({ outcome: 'partly-corrected', number: 1 });
    expect(gh.issues[0]).toMatchObject({
      title: DRIFT_TITLE,
      state: 'open',
      labels: [{ name: DRIFT_LABEL }],
    });
    expect(gh.issues[0]?.body).toContain(DRIFT_MARKER);
    expect(gh.comments.map((c) => c.body)).toEqual([
      'The nightly reconcile on 2026-11-29 did not correct everything; what failed is still drift. This issue stays open.\n\n| failed | update | x |',
    ]);
  });
});
