/**
 * The committed bundles of plan, discover and report with the workflow inputs, end to end on the
 * local target: the pull request of the nightly discover against a bare repository and the
 * faked GitHub API served over HTTP, the plan comment of a pull request, and the report's dry run.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { ACCOUNTS_BRANCH } from '../../src/github/accounts-pr.js';
import { PLAN_MARKER } from '../../src/github/comment.js';
import { filesUnder, scratchRepo } from '../helpers/repo.js';
import { FakeGitHub } from './fake-github.js';
import { createFixture } from './git-fixture.js';
import { runBundle, serveFakeGitHub } from './run-action.js';

const TODAY = '2026-11-28';
const NEWCOMER = {
  id: '004200420042',
  name: 'genomics-prod',
  state: 'ACTIVE',
  ouPath: '/Root/Workloads/Prod',
  joined: '2026-11-27',
};

/** What the job log shows of an action's stdout: the runner consumes `::add-mask::` lines. */
function shown(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

describe('action bundles with the workflow inputs', () => {
  let root: string;
  let localDir: string;

  beforeEach(async () => {
    ({ root, localDir } = await scratchRepo());
    await mkdir(localDir, { recursive: true });
    const org = syntheticOrganization(DEMO_ORG);
    org.accounts.push(NEWCOMER);
    await writeFile(join(localDir, 'org.json'), JSON.stringify(org));
  });

  it('discover with pull-request and dry-run shows the pull request it would send and changes nothing', async () => {
    const before = await readFile(join(root, 'config/accounts.yaml'), 'utf8');
    const run = await runBundle(
      'discover',
      {
        root,
        target: 'local',
        'local-dir': localDir,
        today: TODAY,
        'pull-request': 'true',
        'dry-run': 'true',
        write: 'true',
      },
      localDir,
    );
    expect(run.code).toBe(0);
    expect(run.outputs.changed).toBe('true');
    expect(run.outputs['pull-request-outcome']).toBeUndefined();
    expect(run.summary).toContain(
      `Dry run: this pull request would be opened or updated on the branch \`${ACCOUNTS_BRANCH}\``,
    );
    expect(run.summary).toContain('**Accounts: 1 added**');
    expect(run.summary).toContain(
      '| added | `004200420042` | genomics-prod | /Root/Workloads/Prod, ACTIVE, joined 2026-11-27 |',
    );
    expect(run.summary).toContain("  - id: '004200420042'");
    expect(await readFile(join(root, 'config/accounts.yaml'), 'utf8')).toBe(before);
  }, 60_000);

  it('discover with pull-request pushes the fixed branch and opens the pull request; a second run leaves it alone', async () => {
    const fx = await createFixture(await filesUnder(root));
    const gh = new FakeGitHub();
    const api = await serveFakeGitHub(gh);
    const event = join(localDir, 'event.json');
    await writeFile(event, JSON.stringify({ repository: { default_branch: 'main' } }));
    const env = { GITHUB_API_URL: api.url, GITHUB_REPOSITORY: 'acme/compliance', GITHUB_EVENT_PATH: event };
    const inputs = {
      root: fx.runner.dir,
      target: 'local',
      'local-dir': localDir,
      today: TODAY,
      'pull-request': 'true',
      'github-token': 'test-token',
      'auto-merge': 'true',
    };
    try {
      const first = await runBundle('discover', inputs, localDir, env);
      expect(first.code).toBe(0);
      expect(first.outputs).toMatchObject({
        'pull-request-outcome': 'created',
        'pull-request-number': '1',
        'pull-request-url': 'https://github.com/acme/compliance/pull/1',
      });
      expect(first.stdout).toContain('::add-mask::test-token');
      expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /repos/acme/compliance/pulls',
        'POST /repos/acme/compliance/pulls',
        'POST /repos/acme/compliance/issues/1/labels',
        'POST /graphql',
      ]);
      expect(gh.requests[1]?.body).toMatchObject({
        title: 'Accounts: 1 added',
        head: ACCOUNTS_BRANCH,
        base: 'main',
      });
      expect(await fx.log(`main..${ACCOUNTS_BRANCH}`)).toEqual([
        'Accounts: 1 added|github-actions[bot]|41898282+github-actions[bot]@users.noreply.github.com',
      ]);
      expect(await fx.show(ACCOUNTS_BRANCH, 'config/accounts.yaml')).toContain("- id: '004200420042'");

      // The runner's checkout is left on the pull request's branch: a run from it is refused.
      const stale = await runBundle('discover', inputs, localDir, env);
      expect(stale.code).toBe(1);
      expect(stale.stdout).toContain(
        "::error::config/accounts.yaml in the checkout differs from the one on 'main': run discover with pull-request on a fresh checkout of 'main'",
      );

      // The next night starts from a fresh checkout of main.
      await fx.runner.run(['checkout', '--quiet', '--force', 'main']);
      const from = gh.requests.length;
      const second = await runBundle('discover', inputs, localDir, env);
      expect(second.code).toBe(0);
      expect(second.outputs['pull-request-outcome']).toBe('not-updated');
      expect(gh.since(from).map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /repos/acme/compliance/pulls',
      ]);
    } finally {
      await api.close();
    }
  }, 60_000);

  it('plan with pr-comment puts the plan in one comment on the pull request of the event', async () => {
    const gh = new FakeGitHub();
    gh.addPull({ head: 'tighten-rules', title: 'Tighten rules', body: '' });
    const api = await serveFakeGitHub(gh);
    const event = join(localDir, 'event.json');
    await writeFile(event, JSON.stringify({ pull_request: { number: 1 } }));
    const env = { GITHUB_API_URL: api.url, GITHUB_REPOSITORY: 'acme/compliance', GITHUB_EVENT_PATH: event };
    const inputs = {
      root,
      target: 'local',
      'local-dir': localDir,
      today: TODAY,
      'pr-comment': 'true',
      'github-token': 'test-token',
      scope: 'glue',
    };
    try {
      const first = await runBundle('plan', inputs, localDir, env);
      expect(first.code).toBe(0);
      expect(first.outputs['has-changes']).toBe('true');
      expect(first.outputs['comment-url']).toMatch(
        /^https:\/\/github\.com\/acme\/compliance\/issues\/1#issuecomment-\d+$/,
      );
      expect(gh.comments).toHaveLength(1);
      expect(gh.comments[0]?.body.startsWith(`${PLAN_MARKER}\n### org-compliance plan`)).toBe(true);
      expect(gh.comments[0]?.body).toContain('_Scope: glue._');
      expect(gh.comments[0]?.body).not.toContain('config-rule');

      const second = await runBundle('plan', { ...inputs, scope: 'all' }, localDir, env);
      expect(second.code).toBe(0);
      expect(gh.comments).toHaveLength(1);
      expect(gh.comments[0]?.body).toContain('config-rule');
      expect(gh.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'PATCH']);
    } finally {
      await api.close();
    }
  }, 60_000);

  it('plan that cannot be made says so in the comment instead of leaving an old plan', async () => {
    const gh = new FakeGitHub();
    gh.addPull({ head: 'broken', title: 'Broken', body: '' });
    gh.addComment(1, `${PLAN_MARKER}\nan old plan`, 'github-actions[bot]');
    const api = await serveFakeGitHub(gh);
    const event = join(localDir, 'event.json');
    await writeFile(event, JSON.stringify({ pull_request: { number: 1 } }));
    await writeFile(join(root, 'config/org.yaml'), 'organizationId: nope\n');
    try {
      const run = await runBundle(
        'plan',
        {
          root,
          target: 'local',
          'local-dir': localDir,
          today: TODAY,
          'pr-comment': 'true',
          'github-token': 'test-token',
        },
        localDir,
        { GITHUB_API_URL: api.url, GITHUB_REPOSITORY: 'acme/compliance', GITHUB_EVENT_PATH: event },
      );
      expect(run.code).toBe(1);
      expect(gh.comments).toHaveLength(1);
      expect(gh.comments[0]?.body).toContain('**The plan could not be made**');
      expect(gh.comments[0]?.body).toContain('configuration error(s) in the repository');
    } finally {
      await api.close();
    }
  }, 60_000);

  it('report writes the report to the job summary; a dry run names how many it would e-mail, never who', async () => {
    const base = { root, target: 'local', 'local-dir': localDir, today: TODAY };
    await writeFile(join(localDir, 'org.json'), JSON.stringify(syntheticOrganization(DEMO_ORG)));
    expect((await runBundle('apply', base, localDir)).code).toBe(0);

    const run = await runBundle(
      'report',
      {
        ...base,
        'dry-run': 'true',
        recipients: 'sec-team@example.com, cto@example.com',
        'ses-from': 'compliance@example.com',
        'webhook-url': 'https://hooks.example.com/services/very-secret',
        'dashboard-url': 'https://dashboards.example.com/compliance',
        format: 'json',
        out: join(localDir, 'report.json'),
      },
      localDir,
    );
    expect(run.code).toBe(0);
    expect(run.summary).toContain(`## Compliance report, ${TODAY}`);
    expect(run.summary).toContain('Dashboard: https://dashboards.example.com/compliance');
    expect(run.outputs['report-markdown']?.trimEnd()).toBe(run.summary.trimEnd());
    expect(JSON.parse(run.outputs['report-json'] ?? '{}')).toEqual(
      JSON.parse(await readFile(join(localDir, 'report.json'), 'utf8')),
    );
    expect(run.stdout).toContain(
      'Dry run: the report would be e-mailed to 2 recipient(s) through Amazon SES',
    );
    expect(run.stdout).toContain('Dry run: the report would be posted to the chat webhook');
    // The runner reads `::add-mask::` lines and never shows them; everything else is the log.
    expect(shown(run.stdout)).not.toMatch(/sec-team@|cto@|compliance@example|very-secret/);
    expect(run.stdout).toContain('::add-mask::https://hooks.example.com/services/very-secret');
    expect(run.stdout).toContain('::add-mask::sec-team@example.com');
    expect(run.stdout).toContain('::add-mask::cto@example.com');
  }, 120_000);

  it('report refuses a recipient that is not an address without echoing it', async () => {
    const run = await runBundle(
      'report',
      {
        root,
        target: 'local',
        'local-dir': localDir,
        today: TODAY,
        recipients: 'ok@example.com,not-an-address',
        'ses-from': 'c@example.com',
      },
      localDir,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("::error::Input 'recipients': entry 2 is not an e-mail address");
    expect(shown(run.stdout)).not.toContain('not-an-address');
  }, 60_000);
});
