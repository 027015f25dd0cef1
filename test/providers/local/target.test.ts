import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApplyRefusedError, apply } from '../../../src/apply/apply.js';
import { DEMO_ORG } from '../../../src/demo/run.js';
import { syntheticOrganization } from '../../../src/demo/synthetic-org.js';
import { loadRepository } from '../../../src/load/index.js';
import type { Repository } from '../../../src/model/config.js';
import { runPlan } from '../../../src/pipeline/plan.js';
import { createLocalTarget } from '../../../src/providers/local/target.js';
import { editFile, scratchRepo } from '../../helpers/repo.js';

const TODAY = '2026-11-28';

async function load(root: string): Promise<Repository> {
  const { repository, diagnostics } = await loadRepository(root);
  if (!repository) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return repository;
}

describe('local target, end to end', () => {
  let root: string;
  let localDir: string;

  beforeEach(async () => {
    ({ root, localDir } = await scratchRepo());
    const { mkdir } = await import('node:fs/promises');
    await mkdir(localDir, { recursive: true });
    await writeFile(join(localDir, 'org.json'), JSON.stringify(syntheticOrganization(DEMO_ORG)));
  });

  it('plan, apply, plan again: no changes, and a second apply writes nothing', async () => {
    const repo = await load(root);
    const target = createLocalTarget(repo.org, localDir);
    const first = await runPlan(repo, target, { today: TODAY });
    // 68 rules: 12 run in the home region only, 1 in us-east-1 only (CloudFront), 55 in each of 3
    // regions; the snapshot table, the 2 compacted tables and 4 reference tables (accounts,
    // catalog rules, rule controls, exceptions) with their 4 objects; 20 views (5 generated, 15 from sql/views/); QuickSight: 1 data source,
    // 14 data sets, 14 refresh schedules, 1 analysis, 1 dashboard.
    expect(first.plan.summary).toEqual({
      create: 12 + 1 + 55 * 3 + 7 + 4 + 20 + 31,
      update: 0,
      delete: 0,
      noop: 0,
    });
    expect(first.accounts.changed).toBe(false);

    const result = await apply(first.plan, target);
    expect(result.ok).toBe(true);
    expect(result.writes).toBe(240);
    // Deploying the dashboard rendered it.
    const page = await readFile(join(localDir, 'quicksight/dashboards/org-compliance.html'), 'utf8');
    expect(page).toContain('<title>');
    expect(page).toContain('Organization score');

    const statePath = join(localDir, 'state.json');
    const before = await stat(statePath);
    const again = createLocalTarget(repo.org, localDir);
    const second = await runPlan(repo, again, { today: TODAY });
    expect(second.plan.hasChanges).toBe(false);
    expect(second.plan.summary.noop).toBe(240);
    const secondApply = await apply(second.plan, again);
    expect(secondApply.writes).toBe(0);
    expect(again.writeCount()).toBe(0);
    expect((await stat(statePath)).mtimeMs).toBe(before.mtimeMs);
  });

  it('the Glue table in the local state carries the projection enum of active and recently closed accounts', async () => {
    const repo = await load(root);
    const target = createLocalTarget(repo.org, localDir);
    await apply((await runPlan(repo, target, { today: TODAY })).plan, target);
    const state = JSON.parse(await readFile(join(localDir, 'state.json'), 'utf8'));
    const table = state.glueTables['eu-west-1']['org_compliance.config_snapshots'];
    const enumValues: string[] = table.parameters['projection.account.values'].split(',');
    // 40 accounts: 38 ACTIVE, one SUSPENDED and one CLOSED, both closed on 2026-10-01 (within 365 days).
    expect(enumValues).toHaveLength(40);
    expect(enumValues).toEqual([...repo.accounts.map((a) => a.id)].sort());
    expect(table.parameters['projection.region.values']).toBe('eu-west-1,eu-central-1,us-east-1');
    expect(table.parameters['managed-by']).toBe('org-compliance');
  });

  it('a changed parameter is one update with one write; a removed rule is deleted from every region', async () => {
    let repo = await load(root);
    await apply(
      (await runPlan(repo, createLocalTarget(repo.org, localDir), { today: TODAY })).plan,
      createLocalTarget(repo.org, localDir),
    );

    await editFile(join(root, 'config/rules.yaml'), (t) =>
      t.replace('maxAccessKeyAge: 90', 'maxAccessKeyAge: 60'),
    );
    await editFile(join(root, 'config/rules.yaml'), (t) =>
      t.replace(/ {2}- name: cost-eip-attached\n(?: {4}.*\n)+/, ''),
    );
    repo = await load(root);
    const target = createLocalTarget(repo.org, localDir);
    const { plan } = await runPlan(repo, target, { today: TODAY });
    expect(
      plan.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.name} ${c.region}`),
    ).toEqual([
      'delete cost-eip-attached eu-central-1',
      'delete cost-eip-attached eu-west-1',
      'delete cost-eip-attached us-east-1',
      // The catalog reaches SQL as data: the reference table's rows change, not a view.
      'update org_compliance.ref_catalog_rules eu-west-1',
      // Its framework controls (EC2.12 and what that control relates it to) leave rule_controls.
      'update org_compliance.ref_rule_controls eu-west-1',
      'update security-access-keys-rotated eu-west-1',
    ]);
    expect(plan.changes.find((c) => c.kind === 'table-data' && c.action === 'update')?.description).toEqual([
      'catalog_rules: - cost-eip-attached',
    ]);
    const update = plan.changes.find((c) => c.action === 'update' && c.kind === 'config-rule');
    expect(update?.diffs).toEqual([{ path: 'inputParameters.maxAccessKeyAge', before: '90', after: '60' }]);

    await expect(apply(plan, target, { maxDeletes: 2 })).rejects.toBeInstanceOf(ApplyRefusedError);
    expect(target.writeCount()).toBe(0);
    const result = await apply(plan, target, { maxDeletes: 3 });
    expect(result.writes).toBe(6);
    expect(
      (await runPlan(repo, createLocalTarget(repo.org, localDir), { today: TODAY })).plan.hasChanges,
    ).toBe(false);
  });

  it('leaves rules it does not own alone', async () => {
    const repo = await load(root);
    await writeFile(
      join(localDir, 'state.json'),
      JSON.stringify({
        version: 1,
        glueTables: {},
        configRules: {
          'eu-west-1': {
            'securityhub-access-keys-rotated-a1b2c3': {
              name: 'securityhub-access-keys-rotated-a1b2c3',
              identifier: 'ACCESS_KEYS_ROTATED',
              description: 'Created by Security Hub',
              inputParameters: {},
              resourceTypesScope: [],
              excludedAccounts: [],
              status: 'CREATE_SUCCESSFUL',
            },
          },
        },
      }),
    );
    const target = createLocalTarget(repo.org, localDir);
    const { plan } = await runPlan(repo, target, { today: TODAY });
    expect(plan.summary.delete).toBe(0);
    await apply(plan, target);
    const state = JSON.parse(await readFile(join(localDir, 'state.json'), 'utf8'));
    expect(state.configRules['eu-west-1']['securityhub-access-keys-rotated-a1b2c3'].description).toBe(
      'Created by Security Hub',
    );
  });

  it('a closed account beyond the retention window leaves the projection enum', async () => {
    await editFile(join(root, 'config/accounts.yaml'), (t) =>
      t.replace("closed: '2026-10-01'", "closed: '2025-06-01'"),
    );
    const repo = await load(root);
    const target = createLocalTarget(repo.org, localDir);
    await apply((await runPlan(repo, target, { today: TODAY })).plan, target);
    const state = JSON.parse(await readFile(join(localDir, 'state.json'), 'utf8'));
    const enumValues: string[] =
      state.glueTables['eu-west-1']['org_compliance.config_snapshots'].parameters[
        'projection.account.values'
      ].split(',');
    expect(enumValues).toHaveLength(39);
  });

  it('a dashboard file removed from quicksight/ is deleted, and so is its rendered page', async () => {
    let repo = await load(root);
    const target = createLocalTarget(repo.org, localDir);
    await apply((await runPlan(repo, target, { today: TODAY })).plan, target);
    const page = join(localDir, 'quicksight/dashboards/org-compliance.html');
    expect((await stat(page)).isFile()).toBe(true);

    await rm(join(root, 'quicksight/dashboards/org-compliance.json'));
    repo = await load(root);
    const again = createLocalTarget(repo.org, localDir);
    const { plan } = await runPlan(repo, again, { today: TODAY });
    expect(plan.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.key}`)).toEqual([
      'delete quicksight-dashboard/eu-west-1/org-compliance',
    ]);
    expect((await apply(plan, again)).ok).toBe(true);
    await expect(stat(page)).rejects.toThrow(/ENOENT/);
    const state = JSON.parse(await readFile(join(localDir, 'state.json'), 'utf8'));
    expect(Object.keys(state.quicksight['quicksight-dashboard'])).toEqual([]);
    expect(Object.keys(state.quicksight['quicksight-analysis'])).toEqual([
      'quicksight-analysis/eu-west-1/org-compliance',
    ]);
  });
});
