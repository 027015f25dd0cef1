import { describe, expect, it } from 'vitest';
import {
  DRIFT_LABEL,
  DRIFT_MARKER,
  DRIFT_TITLE,
  driftIssueBody,
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
});
