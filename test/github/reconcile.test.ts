/**
 * The nightly workflow's drift and reconcile jobs, decided the way GitHub decides them (their
 * `if:` and `with:` evaluated from .github/workflows/nightly.yml by GitHub's expression engine) and
 * run as a runner runs them: each action bundle from a copy of its directory without node_modules,
 * the AWS SDK inside it talking HTTP to the fake AWS (fake-aws-server.ts), Octokit to the fake
 * GitHub. A rule is changed by hand in "AWS"; with reconcile on, the night puts it back and the
 * drift issue says what was corrected and when; with it off, the drift is reported and nothing is
 * written.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeAws } from '../../src/bench/fake-aws.js';
import { type FakeAwsServer, serveFakeAws } from '../../src/bench/fake-aws-server.js';
import { DRIFT_LABEL, DRIFT_MARKER } from '../../src/github/drift-issue.js';
import { loadRepository } from '../../src/load/index.js';
import { scratchRepo } from '../helpers/repo.js';
import { FakeGitHub } from './fake-github.js';
import { runBundle, serveFakeGitHub } from './run-action.js';
import { type Contexts, readWorkflow, runJob, type Workflow } from './workflow-runner.js';

const TODAY = '2026-11-28';
const SHA = 'd'.repeat(40);
const RULE = 'security-access-keys-rotated';

let root: string;
let work: string;
let aws: FakeAws;
let awsServer: FakeAwsServer;
let gh: FakeGitHub;
let ghServer: { url: string; close: () => Promise<void> };
let nightly: Workflow;

beforeEach(async () => {
  ({ root, localDir: work } = await scratchRepo());
  await mkdir(work, { recursive: true });
  // QuickSight speaks REST, which the fake AWS endpoint does not serve: this repository has none.
  await rm(join(root, 'quicksight'), { recursive: true, force: true });
  const { repository } = await loadRepository(root, { today: TODAY });
  if (!repository) throw new Error('the scratch repository does not load');
  aws = new FakeAws({
    organizationId: repository.org.organizationId,
    accounts: repository.accounts
      .filter((a) => a.state === 'ACTIVE')
      .map((a) => ({ id: a.id, name: a.name, state: a.state, ouPath: a.ouPath, joined: a.joined })),
  });
  awsServer = await serveFakeAws(aws);
  gh = new FakeGitHub();
  gh.commits.set(SHA, { files: ['config/rules.yaml'] });
  gh.branches.set('main', SHA);
  ghServer = await serveFakeGitHub(gh);
  nightly = await readWorkflow('nightly.yml');
});

afterEach(async () => {
  await awsServer?.close();
  await ghServer?.close();
});

/** The runner's environment for one step: GitHub's variables, the fake AWS endpoint, dummy credentials. */
async function runnerEnv(event: unknown): Promise<Record<string, string>> {
  const eventPath = join(work, `event-${Date.now()}.json`);
  await writeFile(eventPath, JSON.stringify(event));
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/compliance',
    GITHUB_API_URL: ghServer.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '77',
    GITHUB_SHA: SHA,
    GITHUB_WORKSPACE: root,
    GITHUB_EVENT_PATH: eventPath,
    AWS_ENDPOINT_URL: awsServer.url,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake',
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** `uses: ./actions/<name>` as the runner runs it: the bundle from a copy, with the step's inputs. */
function stepRunner(event: unknown) {
  return async (action: string, inputs: Record<string, string>) => {
    // The workflow's github.token is test-token in the fake; the root is the checkout.
    const withToken = Object.fromEntries(
      Object.entries(inputs).map(([k, v]) => [k, k === 'github-token' ? 'test-token' : v]),
    );
    const run = await runBundle(action, { root, today: TODAY, ...withToken }, work, await runnerEnv(event), {
      copy: true,
    });
    if (run.code !== 0) throw new Error(`${action} failed:\n${run.stdout}\n${run.stderr}`);
    expect(run.stdout).not.toMatch(/ERR_MODULE_NOT_FOUND/);
    return run.outputs;
  };
}

/** apply.yml's first run: everything deployed, as main describes it. */
async function deploy(): Promise<void> {
  const outputs = await stepRunner({ repository: { default_branch: 'main' } })('apply', {
    'github-token': 'test-token',
  });
  expect(outputs.ok).toBe('true');
}

/** Someone loosens the rule by hand: access keys may now be a year old (the catalog says 90 days). */
function plantDrift(): Record<string, unknown> {
  const rule = aws.rules.get('eu-west-1')?.get(RULE) as Record<string, Record<string, unknown>> | undefined;
  if (!rule) throw new Error(`${RULE} was not deployed to eu-west-1`);
  const original = structuredClone(rule.OrganizationManagedRuleMetadata) as Record<string, unknown>;
  expect(JSON.parse(String(original.InputParameters))).toEqual({ maxAccessKeyAge: '90' });
  rule.OrganizationManagedRuleMetadata = { ...original, InputParameters: '{"maxAccessKeyAge":"365"}' };
  return original;
}

async function night(contexts: Contexts) {
  const event = { schedule: '17 5 * * *', repository: { default_branch: 'main' } };
  const drift = await runJob(nightly, 'drift', contexts, stepRunner(event));
  const reconcile = await runJob(
    nightly,
    'reconcile',
    { ...contexts, needs: { drift: { outputs: drift.outputs, result: 'success' } } },
    stepRunner(event),
  );
  return { drift, reconcile };
}

const schedule = (vars: Record<string, string>): Contexts => ({
  github: { event_name: 'schedule', token: 'test-token', run_id: '77', ref: 'refs/heads/main' },
  inputs: {},
  vars,
});

describe('the nightly reconcile, against the fakes', () => {
  it('switched on: the rule changed by hand is put back, and the drift issue records what was corrected and when', async () => {
    await deploy();
    const original = plantDrift();
    const writesBefore = aws.writeCalls().length;

    const { drift, reconcile } = await night(schedule({ ORG_COMPLIANCE_RECONCILE: 'true' }));

    expect(drift).toMatchObject({ ran: true, outputs: { 'has-changes': 'true' } });
    expect(reconcile.ran).toBe(true);
    const written = aws.writeCalls().slice(writesBefore);
    // The one correction, inside the apply lock (taken with a conditional put, removed after).
    expect(
      written.map((c) =>
        c.service === 's3'
          ? `${c.operation} ${String(c.input.Key)} ${String(c.input.IfNoneMatch ?? '')}`
          : `${c.operation} ${c.region} ${String(c.input.OrganizationConfigRuleName)}`,
      ),
    ).toEqual([
      'PutObject org-compliance/locks/apply.json *',
      `PutOrganizationConfigRule eu-west-1 ${RULE}`,
      'DeleteObject org-compliance/locks/apply.json ',
    ]);
    const rule = aws.rules.get('eu-west-1')?.get(RULE) as Record<string, unknown>;
    expect(rule.OrganizationManagedRuleMetadata).toEqual(original);

    const issue = gh.issues.find((i) => i.body?.includes(DRIFT_MARKER));
    expect(issue).toMatchObject({
      state: 'closed',
      state_reason: 'completed',
      labels: [{ name: DRIFT_LABEL }],
    });
    expect(issue?.body).toContain(RULE);
    const comments = gh.comments.filter((c) => c.issue === issue?.number).map((c) => c.body);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain(
      `Corrected by the nightly reconcile on ${TODAY} ([run](https://github.com/acme/compliance/actions/runs/77)): AWS matches the \`main\` branch again. Closing.`,
    );
    expect(comments[0]).toContain(RULE);
    expect(comments[0]).toMatch(/done/);

    // The next night finds nothing: no job writes anything, no issue is opened.
    const writesAfter = aws.writeCalls().length;
    const next = await night(schedule({ ORG_COMPLIANCE_RECONCILE: 'true' }));
    expect(next.drift.outputs['has-changes']).toBe('false');
    expect(next.reconcile.ran).toBe(false);
    expect(aws.writeCalls().length).toBe(writesAfter);
    expect(gh.issues.filter((i) => i.state === 'open')).toEqual([]);
  }, 180_000);

  it('switched off (the default): the drift is reported in the issue and nothing is written', async () => {
    await deploy();
    plantDrift();
    const writesBefore = aws.writeCalls().length;

    const { drift, reconcile } = await night(schedule({}));

    expect(drift.outputs['has-changes']).toBe('true');
    expect(reconcile.ran).toBe(false);
    expect(aws.writeCalls().slice(writesBefore)).toEqual([]);
    const rule = aws.rules.get('eu-west-1')?.get(RULE) as Record<string, Record<string, unknown>>;
    expect(rule.OrganizationManagedRuleMetadata?.InputParameters).toBe('{"maxAccessKeyAge":"365"}');
    const issue = gh.issues.find((i) => i.body?.includes(DRIFT_MARKER));
    expect(issue).toMatchObject({ state: 'open' });
    expect(issue?.body).toContain(RULE);
    expect(gh.comments).toEqual([]);
  }, 180_000);

  it('the reconcile job is decided by the variable on a schedule, the input by hand, never on a dry run or without drift', () => {
    const decide = async (contexts: Contexts, hasChanges: string) =>
      (
        await runJob(
          nightly,
          'reconcile',
          { ...contexts, needs: { drift: { outputs: { 'has-changes': hasChanges }, result: 'success' } } },
          async () => ({}),
        )
      ).ran;
    const dispatch = (inputs: Record<string, unknown>): Contexts => ({
      github: { event_name: 'workflow_dispatch' },
      inputs: {
        discover: true,
        drift: true,
        report: true,
        'dry-run': false,
        scope: 'all',
        reconcile: false,
        ...inputs,
      },
      vars: { ORG_COMPLIANCE_RECONCILE: 'true' },
    });
    return Promise.all([
      expect(decide(schedule({ ORG_COMPLIANCE_RECONCILE: 'true' }), 'true')).resolves.toBe(true),
      expect(decide(schedule({ ORG_COMPLIANCE_RECONCILE: 'false' }), 'true')).resolves.toBe(false),
      expect(decide(schedule({}), 'true')).resolves.toBe(false),
      expect(decide(schedule({ ORG_COMPLIANCE_RECONCILE: 'true' }), 'false')).resolves.toBe(false),
      expect(decide(dispatch({ reconcile: true }), 'true')).resolves.toBe(true),
      // By hand the input decides, whatever the variable says.
      expect(decide(dispatch({ reconcile: false }), 'true')).resolves.toBe(false),
      expect(decide(dispatch({ reconcile: true, 'dry-run': true }), 'true')).resolves.toBe(false),
    ]);
  });

  it("reconcile runs where apply runs: the production environment and apply.yml's concurrency group", async () => {
    const apply = await readWorkflow('apply.yml');
    const reconcile = nightly.jobs.reconcile;
    expect(reconcile?.environment).toBe(apply.jobs.apply?.environment);
    expect(reconcile?.concurrency).toEqual({ group: 'org-compliance-apply', 'cancel-in-progress': false });
    expect(nightly.jobs.drift?.concurrency).toEqual({
      group: 'org-compliance-apply',
      'cancel-in-progress': false,
    });
    expect((apply as unknown as { concurrency: unknown }).concurrency).toEqual({
      group: 'org-compliance-apply',
      'cancel-in-progress': false,
    });
  });
});
