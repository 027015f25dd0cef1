// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} are the placeholders of quicksight/ files, not JavaScript's.
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument, type YAMLSeq } from 'yaml';
import { apply } from '../../src/apply/apply.js';
import { writeSnapshots } from '../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../../src/demo/workspace.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository } from '../../src/model/config.js';
import { toIsoDate } from '../../src/model/dates.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import type { QuerySession } from '../../src/model/provider.js';
import type { QuickSightSource } from '../../src/model/quicksight.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import {
  checkDataSetColumns,
  dataSetColumns,
  describeViews,
  quickSightTypeOf,
  type ViewColumn,
  viewsReadBy,
} from '../../src/quicksight/columns.js';
import { parseQuickSightSource, readQuickSightSources } from '../../src/quicksight/files.js';
import { resolveQuickSight } from '../../src/quicksight/resolve.js';
import { validateQuickSight } from '../../src/quicksight/validate.js';
import { REPO_ROOT } from '../helpers/repo.js';

const { sources, diagnostics: readDiagnostics } = await readQuickSightSources(REPO_ROOT);
const byId = (id: string) => {
  const s = sources.find((x) => x.id === id);
  if (!s) throw new Error(`no source ${id}`);
  return s;
};

const VIEWS = [
  'account_summary',
  'rule_summary',
  'category_summary',
  'trend',
  'freshness',
  'coverage',
  'evaluations',
  'accounts',
  'exceptions',
  'failing_resources',
  'finding_changes',
  'severity_summary',
  'framework_summary',
  'ou_summary',
];
/** Views a data set joins in beside the view it is about (the rules' severity from the catalog). */
const JOINED_VIEWS = ['catalog_rules'];

describe('the shipped definitions in quicksight/', () => {
  it('read and validate with no diagnostic at all', () => {
    const all = [...readDiagnostics, ...validateQuickSight(sources)];
    expect(all.map(formatDiagnostic)).toEqual([]);
  });

  it('are one Athena data source, a SPICE data set with a daily refresh per view, one analysis and its dashboard', () => {
    const kinds = (k: QuickSightSource['kind']) =>
      sources
        .filter((s) => s.kind === k)
        .map((s) => s.id)
        .sort();
    expect(kinds('quicksight-data-source')).toEqual(['org-compliance-athena']);
    expect(byId('org-compliance-athena').json).toMatchObject({
      Type: 'ATHENA',
      DataSourceParameters: { AthenaParameters: { WorkGroup: '${athena:workgroup}' } },
    });
    const dataSets = sources.filter((s) => s.kind === 'quicksight-data-set');
    expect(viewsReadBy(dataSets).filter((v) => v !== 'accounts')).toEqual(
      [...VIEWS.filter((v) => v !== 'accounts'), ...JOINED_VIEWS].sort(),
    );
    expect(dataSets).toHaveLength(VIEWS.length);
    for (const ds of dataSets) expect(ds.json.ImportMode).toBe('SPICE');
    const schedules = sources.filter((s) => s.kind === 'quicksight-refresh-schedule');
    expect(schedules.map((s) => s.json.DataSetId).sort()).toEqual(dataSets.map((d) => d.id).sort());
    for (const s of schedules)
      expect(s.json).toMatchObject({
        ScheduleFrequency: { Interval: 'DAILY', TimeOfTheDay: '06:00', Timezone: 'UTC' },
        RefreshType: 'FULL_REFRESH',
      });
    expect(kinds('quicksight-analysis')).toEqual(['org-compliance']);
    expect(byId('org-compliance').kind).toBe('quicksight-analysis');
    const dashboard = sources.find((s) => s.kind === 'quicksight-dashboard');
    expect(dashboard?.json.Definition).toBe('${analysis:org-compliance}');
  });

  it('give the accounts ranking OU and owner, and the evaluations category, OU and owner', () => {
    const names = (id: string) => dataSetColumns(byId(id).json).columns.map((c) => c.name);
    expect(names('org-compliance-account-summary')).toEqual(
      expect.arrayContaining(['account_id', 'account_name', 'ou', 'owner', 'score', 'non_compliant']),
    );
    expect(names('org-compliance-account-summary')).not.toContain('owner_account_id');
    expect(names('org-compliance-evaluations')).toEqual(
      expect.arrayContaining([
        'account_name',
        'ou',
        'owner',
        'category',
        'counted_compliant',
        'counted_non_compliant',
      ]),
    );
  });

  it('have the sheets and visual types the dashboard promises, with titles', () => {
    const def = byId('org-compliance').json.Definition as {
      Sheets: {
        Name: string;
        Visuals: Record<string, { Title?: { FormatText?: { PlainText?: string } } }>[];
      }[];
    };
    const types = (name: string) =>
      def.Sheets.find((s) => s.Name === name)?.Visuals.map((v) => Object.keys(v)[0]) ?? [];
    expect(def.Sheets.map((s) => s.Name)).toEqual([
      'Accounts',
      'Rules',
      'Resources',
      'Changes',
      'Categories',
      'Frameworks',
      'OUs',
      'Trend',
      'Data health',
      'Exceptions',
    ]);
    expect(types('Accounts')).toEqual(expect.arrayContaining(['KPIVisual', 'TableVisual', 'BarChartVisual']));
    expect(types('Rules')).toContain('BarChartVisual');
    expect(types('Categories')).toEqual(expect.arrayContaining(['BarChartVisual', 'PieChartVisual']));
    expect(types('Trend')).toEqual(['LineChartVisual', 'LineChartVisual']);
    expect(types('Data health')).toEqual(
      expect.arrayContaining(['TableVisual', 'PivotTableVisual', 'HeatMapVisual']),
    );
    expect(types('Exceptions')).toEqual(['TableVisual']);
    expect(types('Resources')).toEqual(['KPIVisual', 'KPIVisual', 'TableVisual']);
    expect(types('Changes')).toEqual([
      'KPIVisual',
      'KPIVisual',
      'KPIVisual',
      'KPIVisual',
      'TableVisual',
      'TableVisual',
    ]);
    expect(types('Frameworks')).toEqual(['BarChartVisual', 'TableVisual']);
    expect(types('OUs')).toEqual(['BarChartVisual', 'TableVisual']);
    for (const sheet of def.Sheets)
      for (const visual of sheet.Visuals) {
        const body = Object.values(visual)[0];
        expect(body?.Title?.FormatText?.PlainText, JSON.stringify(visual).slice(0, 80)).toBeTruthy();
      }
  });

  it('resolve for an account and region with no placeholder left anywhere', async () => {
    const loaded = await loadRepository(REPO_ROOT);
    if (!loaded.repository) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    const resolved = resolveQuickSight(sources, loaded.repository.org, '123456789012', 'eu-west-1');
    expect(resolved).toHaveLength(sources.length);
    const text = JSON.stringify(resolved);
    expect(text).not.toContain('${');
    expect(text).toContain(
      'arn:aws:quicksight:eu-west-1:123456789012:dataset/org-compliance-account-summary',
    );
    expect(text).toContain('arn:aws:quicksight:eu-west-1:123456789012:datasource/org-compliance-athena');
  });
});

describe('the data sets against the views as DuckDB runs them', () => {
  // The views use current_date, so the data ends today.
  const TODAY = toIsoDate(new Date());
  let repo: Repository;
  let session: QuerySession;
  let views: Map<string, ViewColumn[]>;

  beforeAll(async () => {
    const base = await mkdtemp(join(tmpdir(), 'org-compliance-quicksight-'));
    const localDir = join(base, 'local');
    const root = join(base, 'repo');
    await mkdir(localDir, { recursive: true });
    const organization = syntheticOrganization({
      organizationId: 'o-a1b2c3d4e5',
      accounts: 6,
      ous: 5,
      seed: 11,
      until: TODAY,
    });
    await writeFile(join(localDir, 'org.json'), JSON.stringify(organization));
    await prepareDemoWorkspace({
      sourceRoot: REPO_ROOT,
      root,
      organization,
      notYetListed: [],
      regions: 2,
      today: TODAY,
    });
    // The accounts view has an `owner` column only when some account in accounts.yaml has one.
    const accountsPath = join(root, 'config/accounts.yaml');
    const doc = parseDocument(await readFile(accountsPath, 'utf8'));
    (doc.get('accounts') as YAMLSeq).items.forEach((_, i) => {
      if (i % 2 === 0) doc.setIn(['accounts', i, 'owner'], `team-${i}`);
    });
    await writeFile(accountsPath, doc.toString());
    const loaded = await loadRepository(root, { today: TODAY });
    if (!loaded.repository) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    repo = loaded.repository;
    await writeSnapshots({
      org: repo.org,
      organization,
      rules: repo.rules,
      days: 3,
      until: TODAY,
      seed: 11,
      s3Dir: join(localDir, 's3'),
    });
    const target = createLocalTarget(repo.org, localDir, { today: TODAY });
    const result = await apply((await runPlan(repo, target, { today: TODAY })).plan, target);
    if (!result.ok) throw new Error(result.results.map((r) => r.error).join('\n'));
    session = await createLocalTarget(repo.org, localDir, { today: TODAY }).openQuerySession();
    views = await describeViews(session, repo.org.glue.database, viewsReadBy(sources));
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('DESCRIBE gives every view a data set reads, with its SQL types', () => {
    expect([...views.keys()].sort()).toEqual([...VIEWS, ...JOINED_VIEWS].sort());
    const type = (view: string, column: string) =>
      quickSightTypeOf(views.get(view)?.find((c) => c.name === column)?.type ?? '');
    expect(type('account_summary', 'score')).toBe('DECIMAL');
    expect(type('account_summary', 'compliant')).toBe('INTEGER');
    expect(type('account_summary', 'last_snapshot')).toBe('DATETIME');
    expect(type('freshness', 'stale')).toBe('BIT');
    expect(type('accounts', 'owner')).toBe('STRING');
    expect(type('failing_resources', 'first_seen')).toBe('DATETIME');
    expect(type('failing_resources', 'days_failing')).toBe('INTEGER');
    expect(type('failing_resources', 'excluded')).toBe('BIT');
    expect(type('finding_changes', 'change')).toBe('STRING');
    expect(type('severity_summary', 'score')).toBe('DECIMAL');
    expect(type('framework_summary', 'rules')).toBe('INTEGER');
    expect(type('ou_summary', 'depth')).toBe('INTEGER');
    expect(type('catalog_rules', 'severity')).toBe('STRING');
  });

  it('every input column exists in its view with a type that holds it', () => {
    expect(checkDataSetColumns(sources, views).map(formatDiagnostic)).toEqual([]);
  });

  it('a column the view does not have, or a type that cannot hold it, is reported where it is written', () => {
    const text = JSON.stringify(
      {
        DataSetId: 'broken',
        Name: 'broken',
        ImportMode: 'SPICE',
        PhysicalTableMap: {
          t: {
            RelationalTable: {
              DataSourceArn: '${dataSource:org-compliance-athena}',
              Schema: '${glue:database}',
              Name: 'rule_summary',
              InputColumns: [
                { Name: 'accounts_failing', Type: 'INTEGER' },
                { Name: 'score', Type: 'INTEGER' },
              ],
            },
          },
        },
      },
      null,
      2,
    );
    const { source } = parseQuickSightSource('quicksight-data-set', 'quicksight/data-sets/broken.json', text);
    if (!source) throw new Error('not parsed');
    const found = checkDataSetColumns([source], views).map(formatDiagnostic);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(
      /^quicksight\/data-sets\/broken\.json:13:21: error: PhysicalTableMap\.t\.RelationalTable\.InputColumns\[0\]\.Name: view 'rule_summary' has no column 'accounts_failing'; its columns: rule, category, /,
    );
    expect(found[1]).toBe(
      "quicksight/data-sets/broken.json:18:21: error: PhysicalTableMap.t.RelationalTable.InputColumns[1].Type: column 'score' of view 'rule_summary' is DOUBLE: declare it as DECIMAL, not INTEGER",
    );
    const gone = checkDataSetColumns([source], new Map([...views].filter(([v]) => v !== 'rule_summary')));
    expect(gone.map(formatDiagnostic)).toEqual([
      "quicksight/data-sets/broken.json:10:17: error: PhysicalTableMap.t.RelationalTable.Name: no view 'rule_summary' among the deployed views; did you mean 'ou_summary'?",
    ]);
  });
});
