import { describe, expect, it } from 'vitest';
import { apply } from '../../../src/apply/apply.js';
import { FakeAws } from '../../../src/bench/fake-aws.js';
import type { Json } from '../../../src/bench/fake-service.js';
import { DEMO_ORG } from '../../../src/demo/run.js';
import { syntheticOrganization } from '../../../src/demo/synthetic-org.js';
import { loadRepository } from '../../../src/load/index.js';
import type { Repository } from '../../../src/model/config.js';
import type { QuickSightKind } from '../../../src/model/quicksight.js';
import { runPlan } from '../../../src/pipeline/plan.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { QUICKSIGHT_ACTIONS } from '../../../src/quicksight/permissions.js';
import { renderPlanText } from '../../../src/report/plan-text.js';
import { REPO_ROOT } from '../../helpers/repo.js';

const TODAY = '2026-11-28';
/** QuickSight's region: org.yaml leaves it to the Glue region. */
const QS_REGION = 'eu-west-1';

async function repository() {
  const { repository, diagnostics } = await loadRepository(REPO_ROOT);
  if (!repository) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return repository;
}

/** Every resource of the repository deployed into a fresh fake, through plan and apply. */
async function deployed(repo: Repository) {
  const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
  const target = () => createAwsTarget(repo.org, { clients: fake.clients(), sleep: async () => {} });
  const result = await apply((await runPlan(repo, target(), { today: TODAY })).plan, target());
  if (!result.ok) throw new Error('the first apply failed');
  return { fake, target };
}

/** org.yaml's owners and viewers as the QuickSight ARNs of the fake's account (identityRegion us-east-1). */
const group = (name: string) => `arn:aws:quicksight:us-east-1:111111111111:group/default/${name}`;
const ADMINS = group('org-compliance-admins');
const SRE = group('sre');
const SECURITY = group('security');

/** What a fake resource's permissions grant, principal → actions, both sorted. */
function granted(resource: { permissions: Map<string, Set<string>> } | undefined): Record<string, string[]> {
  return Object.fromEntries(
    [...(resource?.permissions ?? [])]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([p, a]) => [p, [...a].sort()]),
  );
}

/** The owners' actions for ADMINS and the viewers' for SRE and SECURITY (none on analyses). */
function expectedGrants(kind: QuickSightKind): Record<string, string[]> {
  const { owner, viewer } = QUICKSIGHT_ACTIONS[kind];
  const out: Record<string, string[]> = { [ADMINS]: [...owner].sort() };
  if (viewer.length > 0) {
    out[SECURITY] = [...viewer].sort();
    out[SRE] = [...viewer].sort();
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function at(value: unknown, ...path: (string | number)[]): Json {
  let current: unknown = value;
  for (const step of path) current = (current as Record<string | number, unknown>)[step];
  return current as Json;
}

describe('aws target against an in-process fake AWS, through the providers and the real command objects', () => {
  it('creates everything, then a second plan is empty and a second apply sends no write', async () => {
    const repo = await repository();
    const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
    const target = () => createAwsTarget(repo.org, { clients: fake.clients(), sleep: async () => {} });

    const first = await runPlan(repo, target(), { today: TODAY });
    // 178 rules, 7 tables, 4 reference objects, 20 views, and the 31 resources of quicksight/.
    expect(first.plan.summary).toEqual({ create: 240, update: 0, delete: 0, noop: 0 });
    expect(first.accounts.changed).toBe(false);
    const t1 = target();
    const result = await apply(first.plan, t1);
    expect(result.ok).toBe(true);
    const writes = fake.writeCalls();
    // 178 rules (68 home + 55 × 2 other regions; the CloudFront rule is in us-east-1 only), the
    // database the tables need, the snapshot table, the 2 compacted tables and 4 reference tables,
    // the reference tables' 4 objects, and 20 views created through Athena, each then marked as
    // ours on its Glue table.
    expect(writes.filter((c) => c.operation === 'PutOrganizationConfigRule')).toHaveLength(178);
    expect(writes.filter((c) => c.operation === 'CreateDatabase')).toHaveLength(1);
    expect(writes.filter((c) => c.operation === 'CreateTable')).toHaveLength(7);
    expect(writes.filter((c) => c.operation === 'PutObject')).toHaveLength(4);
    expect(writes.filter((c) => c.operation === 'StartQueryExecution')).toHaveLength(20);
    expect(writes.filter((c) => c.operation === 'UpdateTable')).toHaveLength(20);
    // QuickSight: 31 creates, and the dashboard's first version published once it succeeded.
    expect(writes.filter((c) => c.service === 'quicksight')).toHaveLength(32);
    expect(result.writes).toBe(262);

    const second = await runPlan(repo, target(), { today: TODAY });
    expect(second.plan.hasChanges).toBe(false);
    const t2 = target();
    const again = await apply(second.plan, t2);
    expect(again.writes).toBe(0);
    expect(fake.writeCalls()).toHaveLength(262);

    // Every parameter value went out explicitly, defaults included.
    const put = fake.calls.find(
      (c) =>
        c.operation === 'PutOrganizationConfigRule' &&
        c.input.OrganizationConfigRuleName === 'security-iam-password-policy',
    );
    const meta = put?.input.OrganizationManagedRuleMetadata as {
      InputParameters: string;
      RuleIdentifier: string;
    };
    expect(meta.RuleIdentifier).toBe('IAM_PASSWORD_POLICY');
    expect(JSON.parse(meta.InputParameters)).toEqual({
      MaxPasswordAge: '90',
      MinimumPasswordLength: '14',
      PasswordReusePrevention: '24',
      RequireLowercaseCharacters: 'true',
      RequireNumbers: 'true',
      RequireSymbols: 'true',
      RequireUppercaseCharacters: 'true',
    });
  });

  it('deploys quicksight/: each kind created once, owned by tag, with exactly the permissions org.yaml gives', async () => {
    const repo = await repository();
    const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
    const target = () => createAwsTarget(repo.org, { clients: fake.clients(), sleep: async () => {} });
    const stsCalls = () => fake.calls.filter((c) => c.operation === 'GetCallerIdentity');

    const first = await runPlan(repo, target(), { today: TODAY });
    // runPlan and the five providers all need the account; one target asks STS once.
    expect(stsCalls().map((c) => [c.service, c.region])).toEqual([['sts', QS_REGION]]);
    const creates = first.plan.changes.filter((c) => c.kind.startsWith('quicksight-'));
    expect(creates.every((c) => c.action === 'create' && c.region === QS_REGION)).toBe(true);
    const perKind = (names: string[]) =>
      Object.fromEntries([...new Set(names)].map((n) => [n, names.filter((x) => x === n).length]));
    expect(perKind(creates.map((c) => c.kind))).toEqual({
      'quicksight-data-source': 1,
      'quicksight-data-set': 14,
      'quicksight-refresh-schedule': 14,
      'quicksight-analysis': 1,
      'quicksight-dashboard': 1,
    });

    const before = fake.calls.length;
    expect((await apply(first.plan, target())).ok).toBe(true);
    expect(stsCalls()).toHaveLength(2);
    const sent = fake.calls.slice(before).filter((c) => c.service === 'quicksight');
    const writes = fake.writeCalls().filter((c) => c.service === 'quicksight');
    expect(perKind(writes.map((c) => c.operation))).toEqual({
      CreateDataSource: 1,
      CreateDataSet: 14,
      CreateRefreshSchedule: 14,
      CreateAnalysis: 1,
      CreateDashboard: 1,
      UpdateDashboardPublishedVersion: 1,
    });
    // Analyses and dashboards answered *_IN_PROGRESS and were polled until they settled.
    expect(sent.filter((c) => c.operation === 'DescribeAnalysis')).toHaveLength(2);
    expect(sent.filter((c) => c.operation === 'DescribeDashboard').map((c) => c.input.VersionNumber)).toEqual(
      [1, 1],
    );
    expect(sent.find((c) => c.operation === 'UpdateDashboardPublishedVersion')?.input.VersionNumber).toBe(1);
    // Every resource that takes tags was created with the ownership tag.
    for (const c of writes.filter(
      (w) => w.operation.startsWith('Create') && w.operation !== 'CreateRefreshSchedule',
    )) {
      expect(c.input.Tags).toEqual([{ Key: 'managed-by', Value: 'org-compliance' }]);
    }

    const qs = fake.quickSight.store(QS_REGION);
    expect([qs.dataSources.size, qs.dataSets.size, qs.analyses.size, qs.dashboards.size]).toEqual([
      1, 14, 1, 1,
    ]);
    expect([...qs.dataSets.values()].reduce((n, d) => n + d.schedules.size, 0)).toBe(14);
    // Permissions: group/org-compliance-admins owns everything; group/sre and group/security view
    // the dashboard, and get nothing on the data source, the data sets or the analysis
    // (quicksight.viewersCanAuthor is false).
    expect(granted(qs.dataSources.get('org-compliance-athena'))).toEqual(
      expectedGrants('quicksight-data-source'),
    );
    for (const dataSet of qs.dataSets.values()) {
      expect(granted(dataSet)).toEqual(expectedGrants('quicksight-data-set'));
    }
    expect(granted(qs.analyses.get('org-compliance'))).toEqual({
      [ADMINS]: [...QUICKSIGHT_ACTIONS['quicksight-analysis'].owner].sort(),
    });
    expect(granted(qs.dashboards.get('org-compliance'))).toEqual(expectedGrants('quicksight-dashboard'));
    const grants = writes.flatMap((c) => (c.input.Permissions as { Principal: string }[] | undefined) ?? []);
    expect(grants).toHaveLength(1 + 14 + 1 + 3);
    expect(new Set(grants.map((g) => g.Principal))).toEqual(new Set([ADMINS, SRE, SECURITY]));

    // What QuickSight keeps is not what was sent: the declarations come back in another order,
    // and defaults were filled in. The plan sees no change all the same.
    const createAnalysis = writes.find((c) => c.operation === 'CreateAnalysis');
    const sentIds = (at(createAnalysis?.input, 'Definition').DataSetIdentifierDeclarations as Json[]).map(
      (d) => d.Identifier,
    );
    const analysis = qs.analyses.get('org-compliance');
    const keptIds = ((analysis?.definition.DataSetIdentifierDeclarations ?? []) as Json[]).map(
      (d) => d.Identifier,
    );
    expect(keptIds).toHaveLength(14);
    expect(keptIds).toEqual([...sentIds].reverse());
    expect(at(createAnalysis?.input, 'Definition', 'Sheets', 0).ContentType).toBeUndefined();
    expect(at(analysis?.definition, 'Sheets', 0).ContentType).toBe('INTERACTIVE');
    expect(analysis?.themeArn).toBe('arn:aws:quicksight::aws:theme/CLASSIC');
    const second = await runPlan(repo, target(), { today: TODAY });
    expect(
      second.plan.changes.filter((c) => c.kind.startsWith('quicksight-') && c.action !== 'no-op'),
    ).toEqual([]);
    expect(second.plan.hasChanges).toBe(false);
  });

  it('a visual title edited in the console shows as an update naming the sheet and visual, and is put back with UpdateAnalysis only', async () => {
    const repo = await repository();
    const { fake, target } = await deployed(repo);
    const analysis = fake.quickSight.store(QS_REGION).analyses.get('org-compliance');
    const title = at(analysis?.definition, 'Sheets', 0, 'Visuals', 2, 'TableVisual', 'Title', 'FormatText');
    expect(title.PlainText).toBe('Accounts by score, lowest first');
    title.PlainText = 'Accounts by score (edited in the console)';

    const drift = await runPlan(repo, target(), { today: TODAY });
    const changed = drift.plan.changes.filter((c) => c.action !== 'no-op');
    expect(changed.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      'update quicksight-analysis org-compliance',
    ]);
    const text = renderPlanText(drift.plan);
    expect(text.split('\n')).toEqual([
      `~ quicksight-analysis org-compliance (${QS_REGION}): update`,
      '    ~ sheet "Accounts": visual "accounts-by-score" (TableVisual): Title.FormatText changed',
      'Plan: 0 to create, 1 to update, 0 to delete, 239 unchanged.',
    ]);

    const before = fake.calls.length;
    const result = await apply(drift.plan, target());
    expect(result.ok).toBe(true);
    expect(result.writes).toBe(1);
    const sent = fake.calls.slice(before);
    expect(
      fake
        .writeCalls()
        .filter((c) => sent.includes(c))
        .map((c) => c.operation),
    ).toEqual(['UpdateAnalysis']);
    // The update was polled through UPDATE_IN_PROGRESS; the permissions were read and left alone.
    expect(sent.map((c) => c.operation)).toEqual([
      'GetCallerIdentity',
      'ListTagsForResource',
      'UpdateAnalysis',
      'DescribeAnalysis',
      'DescribeAnalysis',
      'DescribeAnalysisPermissions',
    ]);
    expect(analysis?.work.status).toBe('UPDATE_SUCCESSFUL');
    expect(
      at(analysis?.definition, 'Sheets', 0, 'Visuals', 2, 'TableVisual', 'Title', 'FormatText').PlainText,
    ).toBe('Accounts by score, lowest first');
    expect((await runPlan(repo, target(), { today: TODAY })).plan.hasChanges).toBe(false);
  });

  it('a dashboard version QuickSight rejects is never published, and viewers keep the version they had', async () => {
    const repo = await repository();
    const { fake, target } = await deployed(repo);
    // The dashboard's own Definition, with one column of a table reading a data set it does not declare.
    const analysisSource = repo.quicksight.find((s) => s.kind === 'quicksight-analysis');
    const definition = structuredClone(analysisSource?.json.Definition) as Json;
    const values = at(
      definition,
      'Sheets',
      0,
      'Visuals',
      2,
      'TableVisual',
      'ChartConfiguration',
      'FieldWells',
    );
    const column = at(values, 'TableUnaggregatedFieldWells', 'Values', 0, 'Column');
    column.DataSetIdentifier = 'retired-accounts';
    const broken: Repository = {
      ...repo,
      quicksight: repo.quicksight.map((s) =>
        s.kind === 'quicksight-dashboard' ? { ...s, json: { ...s.json, Definition: definition } } : s,
      ),
    };

    const drift = await runPlan(broken, target(), { today: TODAY });
    expect(
      drift.plan.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.kind}`),
    ).toEqual(['update quicksight-dashboard']);
    const before = fake.calls.length;
    const result = await apply(drift.plan, target());
    expect(result.ok).toBe(false);
    const failure = result.results.find((r) => r.outcome === 'failed');
    expect(failure?.change.kind).toBe('quicksight-dashboard');
    expect(failure?.error).toContain('version 2 ended UPDATE_FAILED with 1 error:');
    expect(failure?.error).toContain(
      'DATA_SET_NOT_FOUND: Data set identifier retired-accounts is not declared, at sheet "Accounts", visual "accounts-by-score" (TableVisual)',
    );
    expect(failure?.error).toContain('The version was not published');
    const sent = fake.calls.slice(before);
    expect(sent.filter((c) => c.operation === 'UpdateDashboardPublishedVersion')).toEqual([]);
    expect(
      fake
        .writeCalls()
        .filter((c) => sent.includes(c))
        .map((c) => c.operation),
    ).toEqual(['UpdateDashboard']);
    expect(sent.filter((c) => c.operation === 'DescribeDashboard').map((c) => c.input.VersionNumber)).toEqual(
      [2, 2],
    );

    const dashboard = fake.quickSight.store(QS_REGION).dashboards.get('org-compliance');
    expect(dashboard?.versions.map((v) => v.work.status)).toEqual(['CREATION_SUCCESSFUL', 'UPDATE_FAILED']);
    expect(dashboard?.publishedVersionNumber).toBe(1);
    // Viewers still see version 1, so the next plan still has the change to make.
    const again = await runPlan(broken, target(), { today: TODAY });
    expect(
      again.plan.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.kind}`),
    ).toEqual(['update quicksight-dashboard']);
    expect((await runPlan(repo, target(), { today: TODAY })).plan.hasChanges).toBe(false);
  });

  it('a table changed by hand is updated with UpdateTable, and only it', async () => {
    const repo = await repository();
    const { fake, target } = await deployed(repo);

    const table = fake.tables.get('eu-west-1')?.get('org_compliance.config_snapshots') as {
      Parameters: Record<string, string>;
    };
    const values = table.Parameters['projection.account.values']?.split(',') ?? [];
    const removed = values[3];
    table.Parameters['projection.account.values'] = values.filter((v) => v !== removed).join(',');
    table.Parameters['projection.dt.range'] = '2024/1/1,NOW';

    const drift = await runPlan(repo, target(), { today: TODAY });
    const changed = drift.plan.changes.filter((c) => c.action !== 'no-op');
    expect(changed.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      'update glue-table org_compliance.config_snapshots',
    ]);
    expect(changed[0]?.diffs.map((d) => d.path)).toEqual([
      'parameters.projection.account.values',
      'parameters.projection.dt.range',
    ]);
    const before = fake.writeCalls().length;
    const result = await apply(drift.plan, target());
    expect(result.ok).toBe(true);
    expect(
      fake
        .writeCalls()
        .slice(before)
        .map((c) => c.operation),
    ).toEqual(['UpdateTable']);
    expect(fake.tables.get('eu-west-1')?.get('org_compliance.config_snapshots')?.Parameters).toMatchObject({
      'projection.dt.range': '2025/1/1,NOW',
    });
    expect((await runPlan(repo, target(), { today: TODAY })).plan.hasChanges).toBe(false);
  });

  it('a rule edited in the console shows the edited fields and is put back', async () => {
    const repo = await repository();
    const { fake, target } = await deployed(repo);
    const rule = fake.rules.get('us-east-1')?.get('security-restricted-ssh') as {
      OrganizationManagedRuleMetadata: Record<string, unknown>;
      ExcludedAccounts?: string[];
    };
    rule.ExcludedAccounts = [repo.accounts[0]?.id ?? ''];
    const drift = await runPlan(repo, target(), { today: TODAY });
    const changed = drift.plan.changes.filter((c) => c.action !== 'no-op');
    expect(changed.map((c) => [c.name, c.region, c.diffs.map((d) => d.path)])).toEqual([
      ['security-restricted-ssh', 'us-east-1', ['excludedAccounts']],
    ]);
    const before = fake.writeCalls().length;
    await apply(drift.plan, target());
    const sent = fake.writeCalls().slice(before);
    expect(sent.map((c) => [c.operation, c.region, c.input.ExcludedAccounts])).toEqual([
      ['PutOrganizationConfigRule', 'us-east-1', []],
    ]);
  });

  it('a plan lists the data sets and reads their tags once for both providers that need them; the next plan reads afresh', async () => {
    const repo = await repository();
    const { fake, target } = await deployed(repo);
    const t = target();
    const count = (from: number, operation: string) =>
      fake.calls.slice(from).filter((c) => c.service === 'quicksight' && c.operation === operation);
    const dataSetTagReads = (from: number) =>
      count(from, 'ListTagsForResource').filter((c) => String(c.input.ResourceArn).includes(':dataset/'));

    const first = fake.calls.length;
    expect((await runPlan(repo, t, { today: TODAY })).plan.hasChanges).toBe(false);
    expect(count(first, 'ListDataSets')).toHaveLength(1);
    expect(dataSetTagReads(first)).toHaveLength(14);

    // A data set edited and untagged by hand between two plans: the second plan reads the tags
    // again, so it sees that the tool no longer owns it and refuses to change it.
    const second = fake.calls.length;
    const dataSet = fake.quickSight.store(QS_REGION).dataSets.get('org-compliance-trend');
    if (!dataSet) throw new Error('the trend data set was not deployed');
    dataSet.tags.delete('managed-by');
    dataSet.body = { ...dataSet.body, Name: 'trend (edited by hand)' };
    const again = await runPlan(repo, t, { today: TODAY });
    expect(count(second, 'ListDataSets')).toHaveLength(1);
    expect(dataSetTagReads(second)).toHaveLength(14);
    expect(again.plan.conflicts.map((c) => c.subject)).toEqual([
      `quicksight-data-set/${QS_REGION}/org-compliance-trend`,
    ]);
  });

  it('a repository without quicksight/ files makes no QuickSight or STS call at all', async () => {
    const repo = { ...(await repository()), quicksight: [] };
    const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
    const target = () => createAwsTarget(repo.org, { clients: fake.clients(), sleep: async () => {} });
    const first = await runPlan(repo, target(), { today: TODAY });
    expect(first.plan.summary).toEqual({ create: 209, update: 0, delete: 0, noop: 0 });
    expect((await apply(first.plan, target())).ok).toBe(true);
    expect((await runPlan(repo, target(), { today: TODAY })).plan.hasChanges).toBe(false);
    expect(fake.calls.filter((c) => c.service === 'quicksight' || c.service === 'sts')).toEqual([]);
  });
});
