import { describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { FakeAws } from '../../src/bench/fake-aws.js';
import { DEMO_ORG } from '../../src/cli/program.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { loadRepository } from '../../src/load/index.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { createAwsTarget } from '../../src/providers/aws/target.js';
import { REPO_ROOT } from '../helpers/repo.js';

const TODAY = '2026-11-28';

async function repository() {
  const { repository, diagnostics } = await loadRepository(REPO_ROOT);
  if (!repository) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  // The fake answers Organizations, Config, Glue and Athena; QuickSight is covered by the
  // provider tests (aws-sdk-client-mock) and the local target.
  return { ...repository, quicksight: [] };
}

describe('aws target against an in-process fake AWS, through the providers and the real command objects', () => {
  it('creates everything, then a second plan is empty and a second apply sends no write', async () => {
    const repo = await repository();
    const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
    const target = () => createAwsTarget(repo.org, { clients: fake.clients(), sleep: async () => {} });

    const first = await runPlan(repo, target(), { today: TODAY });
    expect(first.plan.summary).toEqual({ create: 194, update: 0, delete: 0, noop: 0 });
    expect(first.accounts.changed).toBe(false);
    const t1 = target();
    const result = await apply(first.plan, t1);
    expect(result.ok).toBe(true);
    const writes = fake.writeCalls();
    // 180 rules (68 home + 56 × 2 other regions), the database the table needs, the table, and
    // 13 views created through Athena.
    expect(writes.filter((c) => c.operation === 'PutOrganizationConfigRule')).toHaveLength(180);
    expect(writes.filter((c) => c.operation === 'CreateDatabase')).toHaveLength(1);
    expect(writes.filter((c) => c.operation === 'CreateTable')).toHaveLength(1);
    expect(writes.filter((c) => c.operation === 'StartQueryExecution')).toHaveLength(13);
    expect(result.writes).toBe(195);

    const second = await runPlan(repo, target(), { today: TODAY });
    expect(second.plan.hasChanges).toBe(false);
    const t2 = target();
    const again = await apply(second.plan, t2);
    expect(again.writes).toBe(0);
    expect(fake.writeCalls()).toHaveLength(195);

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

  it('a table changed by hand is updated with UpdateTable, and only it', async () => {
    const repo = await repository();
    const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
    const target = () => createAwsTarget(repo.org, { clients: fake.clients(), sleep: async () => {} });
    await apply((await runPlan(repo, target(), { today: TODAY })).plan, target());

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
    const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
    const target = () => createAwsTarget(repo.org, { clients: fake.clients(), sleep: async () => {} });
    await apply((await runPlan(repo, target(), { today: TODAY })).plan, target());
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
});
