import { beforeAll, describe, expect, it } from 'vitest';
import { desiredResources } from '../../src/desired/index.js';
import { principalArn } from '../../src/desired/quicksight.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository } from '../../src/model/config.js';
import type { QuickSightProperties } from '../../src/model/quicksight.js';
import type { CurrentResource, DesiredResource } from '../../src/model/resources.js';
import { plan } from '../../src/plan/plan.js';
import { renderPlanMarkdown } from '../../src/report/plan-markdown.js';
import { renderPlanText } from '../../src/report/plan-text.js';
import { REPO_ROOT } from '../helpers/repo.js';

const TODAY = '2026-11-28';
const ACCOUNT = '222222222222';
const ADMINS = `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/org-compliance-admins`;
const SRE = `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/sre`;
const SECURITY = `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/security`;

describe('quicksight/ as desired resources', () => {
  let repo: Repository;
  let quicksight: DesiredResource[];

  beforeAll(async () => {
    const loaded = await loadRepository(REPO_ROOT, { today: TODAY });
    if (!loaded.repository) throw new Error('the shipped repository does not load');
    repo = loaded.repository;
    quicksight = desiredResources(repo, TODAY, { quickSightAccountId: ACCOUNT }).filter((d) =>
      d.kind.startsWith('quicksight-'),
    );
  });

  it('short principals become ARNs in the identity region and namespace; ARNs stay as written', () => {
    const settings = { ...repo.org.quicksight, identityRegion: 'eu-central-1', namespace: 'ops' };
    expect(principalArn('group/sre', settings, ACCOUNT)).toBe(
      `arn:aws:quicksight:eu-central-1:${ACCOUNT}:group/ops/sre`,
    );
    expect(principalArn('user/jane.doe', settings, ACCOUNT)).toBe(
      `arn:aws:quicksight:eu-central-1:${ACCOUNT}:user/ops/jane.doe`,
    );
    expect(principalArn(SRE, settings, ACCOUNT)).toBe(SRE);
  });

  it('31 resources in dependency order, in the Glue region, with ARNs of this account', () => {
    const counts: Record<string, number> = {};
    for (const d of quicksight) counts[d.kind] = (counts[d.kind] ?? 0) + 1;
    expect(counts).toEqual({
      'quicksight-data-source': 1,
      'quicksight-data-set': 14,
      'quicksight-refresh-schedule': 14,
      'quicksight-analysis': 1,
      'quicksight-dashboard': 1,
    });
    expect(new Set(quicksight.map((d) => d.region))).toEqual(new Set(['eu-west-1']));
    const text = JSON.stringify(quicksight);
    expect(text).not.toContain('${');
    expect(text).toContain(`arn:aws:quicksight:eu-west-1:${ACCOUNT}:dataset/org-compliance-account-summary`);
  });

  it('owners get the full set everywhere; viewers open the dashboard, and get nothing on its data or the analysis', () => {
    const perms = (kind: string) =>
      ((quicksight.find((d) => d.kind === kind)?.properties ?? {}) as QuickSightProperties).permissions;
    expect(perms('quicksight-dashboard')).toEqual([
      {
        principal: ADMINS,
        actions: [
          'quicksight:DeleteDashboard',
          'quicksight:DescribeDashboard',
          'quicksight:DescribeDashboardPermissions',
          'quicksight:ListDashboardVersions',
          'quicksight:QueryDashboard',
          'quicksight:UpdateDashboard',
          'quicksight:UpdateDashboardPermissions',
          'quicksight:UpdateDashboardPublishedVersion',
        ],
      },
      {
        principal: SECURITY,
        actions: [
          'quicksight:DescribeDashboard',
          'quicksight:ListDashboardVersions',
          'quicksight:QueryDashboard',
        ],
      },
      {
        principal: SRE,
        actions: [
          'quicksight:DescribeDashboard',
          'quicksight:ListDashboardVersions',
          'quicksight:QueryDashboard',
        ],
      },
    ]);
    expect(perms('quicksight-analysis').map((p) => p.principal)).toEqual([ADMINS]);
    // quicksight.viewersCanAuthor is false: no PassDataSet or PassDataSource for viewers.
    expect(perms('quicksight-data-set').map((p) => p.principal)).toEqual([ADMINS]);
    expect(perms('quicksight-data-source').map((p) => p.principal)).toEqual([ADMINS]);
    expect(perms('quicksight-refresh-schedule')).toEqual([]);
  });

  it('with quicksight.viewersCanAuthor, viewers may also use every data set and the data source', () => {
    const authoring = {
      ...repo,
      org: { ...repo.org, quicksight: { ...repo.org.quicksight, viewersCanAuthor: true } },
    };
    const resources = desiredResources(authoring, TODAY, { quickSightAccountId: ACCOUNT });
    const dataSets = resources.filter((d) => d.kind === 'quicksight-data-set');
    expect(dataSets).toHaveLength(14);
    for (const dataSet of dataSets) {
      const permissions = (dataSet.properties as QuickSightProperties).permissions;
      expect(permissions.map((p) => p.principal)).toEqual([ADMINS, SECURITY, SRE]);
      expect(permissions.find((p) => p.principal === SRE)?.actions).toContain('quicksight:PassDataSet');
    }
    const source = resources.find((d) => d.kind === 'quicksight-data-source')
      ?.properties as QuickSightProperties;
    expect(source.permissions.find((p) => p.principal === SECURITY)?.actions).toEqual([
      'quicksight:DescribeDataSource',
      'quicksight:DescribeDataSourcePermissions',
      'quicksight:PassDataSource',
    ]);
  });

  it('no account id and no quicksight.accountId: a clear error, not ARNs with a hole', () => {
    expect(() => desiredResources(repo, TODAY)).toThrow(
      'quicksight/ holds definitions but no QuickSight account id is known',
    );
    expect(
      desiredResources(
        { ...repo, org: { ...repo.org, quicksight: { ...repo.org.quicksight, accountId: ACCOUNT } } },
        TODAY,
      ).filter((d) => d.kind === 'quicksight-dashboard'),
    ).toHaveLength(1);
  });

  it('the plan describes an analysis change by sheet and visual, and permissions by principal', () => {
    const desired = quicksight.filter((d) => d.kind === 'quicksight-analysis');
    const analysis = desired[0] as DesiredResource<'quicksight-analysis'>;
    const edited = structuredClone(analysis.properties);
    const definition = edited.body.Definition as {
      Sheets: { Name: string; Visuals: Record<string, { Title?: unknown }>[] }[];
    };
    const sheet = definition.Sheets[0];
    const visual = sheet?.Visuals[0];
    const type = Object.keys(visual ?? {})[0] as string;
    (visual as Record<string, { Title?: unknown }>)[type] = {
      ...(visual as Record<string, { Title?: unknown }>)[type],
      Title: { Visibility: 'VISIBLE', FormatText: { PlainText: 'Score (edited in the console)' } },
    };
    edited.permissions = [
      ...edited.permissions,
      { principal: SRE, actions: ['quicksight:DescribeAnalysis', 'quicksight:QueryAnalysis'] },
    ];
    const current: CurrentResource[] = [{ ...analysis, properties: edited, owned: true }];
    const result = plan(desired, current);
    expect(result.summary).toEqual({ create: 0, update: 1, delete: 0, noop: 0 });
    expect(result.changes[0]?.description).toEqual([
      'sheet "Accounts": visual "organization-score" (KPIVisual): Title.FormatText changed',
      `permissions: revoke ${SRE} quicksight:DescribeAnalysis, quicksight:QueryAnalysis`,
    ]);
    expect(renderPlanText(result).split('\n')).toEqual([
      '~ quicksight-analysis org-compliance (eu-west-1): update',
      '    ~ sheet "Accounts": visual "organization-score" (KPIVisual): Title.FormatText changed',
      `    ~ permissions: revoke ${SRE} quicksight:DescribeAnalysis, quicksight:QueryAnalysis`,
      'Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.',
    ]);
    const markdown = renderPlanMarkdown(result);
    expect(markdown).toContain(
      '| ✏️ | update | quicksight-analysis | `org-compliance` | eu-west-1 | `body.Definition`, `permissions` |',
    );
    expect(markdown).toContain(
      '- sheet "Accounts": visual "organization-score" (KPIVisual): Title.FormatText changed',
    );
  });
});
