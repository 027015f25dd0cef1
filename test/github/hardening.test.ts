/**
 * The committed bundles when the GitHub side goes wrong, run the way the runner runs them against
 * the faked GitHub API over HTTP (local target, so the AWS side is files): a narrow scope never
 * touches the drift issue, a plan that cannot be published still leaves its summary and outputs,
 * an apply of a stale commit is refused before anything is read or written, a max-deletes refusal
 * names the action input, and labels that need a permission the token lacks fail naming it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { DRIFT_LABEL, DRIFT_MARKER, driftIssueBody } from '../../src/github/drift-issue.js';
import { Git, gitAuthEnv } from '../../src/github/git.js';
import { editFile, filesUnder, scratchRepo } from '../helpers/repo.js';
import { FakeGitHub } from './fake-github.js';
import { createFixture } from './git-fixture.js';
import { runBundle, serveFakeGitHub } from './run-action.js';

const TODAY = '2026-11-28';
const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);

let root: string;
let localDir: string;

beforeEach(async () => {
  ({ root, localDir } = await scratchRepo());
  await mkdir(localDir, { recursive: true });
  await writeFile(join(localDir, 'org.json'), JSON.stringify(syntheticOrganization(DEMO_ORG)));
});

async function withGitHub<T>(
  gh: FakeGitHub,
  event: unknown,
  body: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  const api = await serveFakeGitHub(gh);
  const eventPath = join(localDir, 'event.json');
  await writeFile(eventPath, JSON.stringify(event));
  try {
    return await body({
      GITHUB_API_URL: api.url,
      GITHUB_REPOSITORY: 'acme/compliance',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '42',
    });
  } finally {
    await api.close();
  }
}

const local = () => ({ root, target: 'local', 'local-dir': localDir, today: TODAY });

describe('the drift issue and a narrow scope', () => {
  it('a manual run with scope glue leaves the drift issue alone, whatever it finds', async () => {
    const gh = new FakeGitHub();
    const issue = gh.addIssue({
      title: 'Drift',
      body: driftIssueBody('old plan'),
      labels: [DRIFT_LABEL],
      author: 'github-actions[bot]',
    });
    const run = await withGitHub(gh, { repository: { default_branch: 'main' } }, (env) =>
      runBundle(
        'plan',
        { ...local(), scope: 'glue', 'drift-issue': 'true', 'github-token': 'test-token' },
        localDir,
        env,
      ),
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['drift-issue']).toBe('skipped');
    expect(gh.requests).toEqual([]);
    expect(issue).toMatchObject({ state: 'open', body: driftIssueBody('old plan') });
    expect(run.summary).toContain(
      'The drift issue was left as it is: this run covers only `glue`, and only a run over everything opens, updates or closes it.',
    );
  }, 60_000);
});

describe('publishing that fails', () => {
  it('the plan is in the job summary and the outputs before the comment fails, and the error names the operation', async () => {
    const gh = new FakeGitHub();
    gh.tokens.set('read-only', {
      login: 'github-actions[bot]',
      contents: 'read',
      issues: 'read',
      pullRequests: 'read',
    });
    gh.addPull({ head: 'tighten', title: 'Tighten', body: '' });
    const run = await withGitHub(gh, { pull_request: { number: 1 } }, (env) =>
      runBundle(
        'plan',
        { ...local(), scope: 'glue', 'pr-comment': 'true', 'github-token': 'read-only' },
        localDir,
        env,
      ),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error::commenting the plan on #1: 403 Resource not accessible by integration (the token needs issues: write; pull_requests: write)',
    );
    expect(run.summary).toContain('### org-compliance plan');
    expect(run.summary).toContain('glue-table');
    expect(run.outputs['has-changes']).toBe('true');
    expect(run.outputs['plan-markdown']).toContain('### org-compliance plan');
    expect(gh.comments).toEqual([]);
  }, 60_000);
});

describe('apply of a commit that is not the tip of main', () => {
  const inWorkflow = (env: Record<string, string>, sha: string) => ({
    ...env,
    GITHUB_ACTIONS: 'true',
    GITHUB_SHA: sha,
    GITHUB_WORKSPACE: root,
  });

  it('is refused when a later commit changed what apply deploys: nothing is read or written', async () => {
    const gh = new FakeGitHub();
    gh.commits.set(OLD, { files: ['config/rules.yaml'] });
    gh.commits.set(NEW, { parent: OLD, files: ['config/rules.yaml', 'README.md'] });
    gh.branches.set('main', NEW);
    const run = await withGitHub(gh, { repository: { default_branch: 'main' } }, (env) =>
      runBundle('apply', { ...local(), 'github-token': 'test-token' }, localDir, inWorkflow(env, OLD)),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error::This run is for commit aaaaaaa, but main is at bbbbbbb now, 1 commit(s) later, changing config/rules.yaml. Applying the older commit would roll production back. Run the apply workflow on the current main instead (a run for it may already be queued).',
    );
    expect(run.summary).toContain('### org-compliance apply refused');
    expect(existsSync(join(localDir, 'state.json'))).toBe(false);
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/compliance/branches/main',
      `GET /repos/acme/compliance/compare/${OLD}...${NEW}`,
    ]);
  }, 60_000);

  it('is refused for a commit that is not on main at all (a manual run on a branch)', async () => {
    const gh = new FakeGitHub();
    const side = 'c'.repeat(40);
    gh.commits.set(OLD, { files: [] });
    gh.commits.set(NEW, { parent: OLD, files: ['docs/x.md'] });
    gh.commits.set(side, { parent: OLD, files: ['config/rules.yaml'] });
    gh.branches.set('main', NEW);
    // A schedule or push event without default_branch: the API says which branch is the default.
    const run = await withGitHub(gh, {}, (env) =>
      runBundle('apply', { ...local(), 'github-token': 'test-token' }, localDir, inWorkflow(env, side)),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error::This run is for commit ccccccc, which is not on main (main is at bbbbbbb; the commit is diverged of it).',
    );
    expect(gh.requests[0]).toMatchObject({ method: 'GET', path: '/repos/acme/compliance' });
    expect(existsSync(join(localDir, 'state.json'))).toBe(false);
  }, 60_000);

  it('goes ahead when the later commits change nothing it deploys, and when it is the tip', async () => {
    const gh = new FakeGitHub();
    gh.commits.set(OLD, { files: ['config/rules.yaml'] });
    gh.commits.set(NEW, { parent: OLD, files: ['README.md', 'docs/setup.md'] });
    gh.branches.set('main', NEW);
    const behind = await withGitHub(gh, { repository: { default_branch: 'main' } }, (env) =>
      runBundle(
        'apply',
        { ...local(), 'github-token': 'test-token', scope: 'glue' },
        localDir,
        inWorkflow(env, OLD),
      ),
    );
    expect(behind.code, behind.stdout).toBe(0);
    expect(behind.stdout).toContain(
      "main is 1 commit(s) ahead of this run's aaaaaaa (at bbbbbbb), but none of them changes what apply deploys.",
    );
    expect(behind.outputs.ok).toBe('true');

    const tip = await withGitHub(gh, { repository: { default_branch: 'main' } }, (env) =>
      runBundle(
        'apply',
        { ...local(), 'github-token': 'test-token', scope: 'glue' },
        localDir,
        inWorkflow(env, NEW),
      ),
    );
    expect(tip.code, tip.stdout).toBe(0);
    expect(tip.outputs['has-changes']).toBe('false');
  }, 60_000);

  it('in a workflow without a token it refuses and names the input', async () => {
    const run = await runBundle('apply', { ...local(), 'github-token': '' }, localDir, {
      GITHUB_ACTIONS: 'true',
      GITHUB_SHA: OLD,
      GITHUB_REPOSITORY: 'acme/compliance',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "::error::In a workflow, apply checks that it deploys the tip of the default branch, which needs the input 'github-token' (its default, the workflow's github.token, is enough)",
    );
  }, 60_000);
});

describe('max-deletes', () => {
  it('a refusal names the action input, after the plan and the outputs are written', async () => {
    expect((await runBundle('apply', local(), localDir)).code).toBe(0);
    // Six rules fewer: at least six deletions (rules deployed to one region or to all three).
    await editFile(join(root, 'config/rules.yaml'), (text) => {
      const entries = text.split(/\n(?= {2}- name: )/);
      return [entries[0], ...entries.slice(7)].join('\n');
    });
    const run = await runBundle('apply', local(), localDir);
    expect(run.code).toBe(1);
    const refusal =
      /::error::The plan deletes (\d+) resources, more than the limit of 5 \(input 'max-deletes'\)\. Review the plan, then raise input 'max-deletes' if it is right\./.exec(
        run.stdout,
      );
    expect(refusal, run.stdout).not.toBeNull();
    expect(Number(refusal?.[1])).toBeGreaterThanOrEqual(6);
    expect(run.outputs).toMatchObject({ ok: 'false', 'has-changes': 'true' });
    expect(run.summary).toContain('### org-compliance plan');
    expect(run.summary.match(/\| 🗑️ \| delete \| config-rule \|/g)).toHaveLength(Number(refusal?.[1]));
  }, 120_000);
});

describe('labels of the accounts pull request', () => {
  it('creating a label needs issues: write; without it the step fails naming the permission', async () => {
    const org = syntheticOrganization(DEMO_ORG);
    org.accounts.push({
      id: '004200420042',
      name: 'genomics-prod',
      state: 'ACTIVE',
      ouPath: '/Root',
      joined: '2026-11-27',
    });
    await writeFile(join(localDir, 'org.json'), JSON.stringify(org));
    const fx = await createFixture(await filesUnder(root));
    const gh = new FakeGitHub();
    gh.tokens.set('no-issues', {
      login: 'github-actions[bot]',
      contents: 'write',
      issues: 'none',
      pullRequests: 'write',
    });
    const inputs = { ...local(), root: fx.runner.dir, 'pull-request': 'true' };

    const refused = await withGitHub(gh, { repository: { default_branch: 'main' } }, (env) =>
      runBundle('discover', { ...inputs, 'github-token': 'no-issues' }, localDir, env),
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      '::error::labelling pull request #1 org-compliance, accounts: 403 Resource not accessible by integration (the token needs issues: write)',
    );
    expect(gh.labels.size).toBe(0);

    await fx.runner.run(['checkout', '--quiet', '--force', 'main']);
    const granted = await withGitHub(gh, { repository: { default_branch: 'main' } }, (env) =>
      runBundle('discover', { ...inputs, 'github-token': 'test-token' }, localDir, env),
    );
    expect(granted.code, granted.stdout).toBe(0);
    expect([...gh.labels].sort()).toEqual(['accounts', 'org-compliance']);
    expect(gh.pull(1)?.labels.map((l) => l.name)).toEqual(['org-compliance', 'accounts']);
  }, 120_000);
});

describe('the local target from a bundle without node_modules', () => {
  it('fails saying what to install, after the first line', async () => {
    const run = await runBundle('plan', local(), localDir, {}, { copy: true });
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toMatch(/^org-compliance \d+\.\d+\.\d+ plan \(Node\.js v/);
    expect(run.stdout).toMatch(
      /^::error::The local target needs the local engine \(@duckdb\/node-api, @polyglot-sql\/sdk, echarts\), and (@duckdb\/node-api|@polyglot-sql\/sdk|echarts) is not installed here\. Run 'npm ci' in the org-compliance checkout first/m,
    );
    expect(run.stderr).toBe('');
  }, 60_000);
});

describe('bad inputs', () => {
  it('a bot-login that is not a GitHub login is refused by name, before anything is read or sent', async () => {
    const gh = new FakeGitHub();
    const run = await withGitHub(gh, { pull_request: { number: 1 } }, (env) =>
      runBundle(
        'plan',
        { ...local(), 'pr-comment': 'true', 'github-token': 'test-token', 'bot-login': 'evil; rm -rf' },
        localDir,
        env,
      ),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "::error::Input 'bot-login' must be a GitHub login such as 'github-actions[bot]', got 'evil; rm -rf'",
    );
    expect(gh.requests).toEqual([]);
    expect(run.summary).toBe('');
  }, 60_000);
});

describe('annotations', () => {
  it('name the file relative to the workspace when root is a folder inside it', async () => {
    await editFile(join(root, 'config/org.yaml'), (t) =>
      t.replace(/^organizationId: .*$/m, 'organizationId: nope'),
    );
    const run = await runBundle('discover', local(), localDir, { GITHUB_WORKSPACE: dirname(root) });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error title=[^,]*,file=repo\/config\/org\.yaml,line=\d+,col=\d+::/m);
    expect(run.stdout).not.toMatch(/file=config\/org\.yaml/);
  }, 60_000);
});

describe('the token and git', () => {
  it('git gets the token for its own commands through the environment; .git/config never holds it', async () => {
    const fx = await createFixture({ 'config/accounts.yaml': 'accounts: []\n' });
    const env = gitAuthEnv('ghs_secret-token-value', 'https://github.example.com');
    const withToken = new Git(fx.runner.dir, { env });
    const header = (
      await withToken.run(['config', '--get', 'http.https://github.example.com/.extraheader'])
    ).trim();
    expect(header).toBe(
      `AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_secret-token-value').toString('base64')}`,
    );
    const without = await fx.runner.tryRun([
      'config',
      '--get',
      'http.https://github.example.com/.extraheader',
    ]);
    expect(without.code).toBe(1);
    const config = await readFile(join(fx.runner.dir, '.git/config'), 'utf8');
    expect(config).not.toContain('extraheader');
    expect(config).not.toContain(Buffer.from('x-access-token:ghs_secret-token-value').toString('base64'));
  });
});

describe('fake GitHub fidelity', () => {
  it('a drift-marker issue is listed with its author, as the REST API returns it', async () => {
    const gh = new FakeGitHub();
    gh.addIssue({ title: 't', body: DRIFT_MARKER, labels: [DRIFT_LABEL], author: 'mallory' });
    const { data } = await gh
      .client()
      .rest.issues.listForRepo({ owner: 'acme', repo: 'compliance', labels: DRIFT_LABEL });
    expect(data[0]?.user).toEqual({ login: 'mallory', type: 'User' });
  });
});
