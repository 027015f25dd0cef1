// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} are the placeholders of quicksight/ files, not JavaScript's.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../../src/load/index.js';
import type { OrgConfig } from '../../src/model/config.js';
import { ConfigurationError, formatDiagnostic } from '../../src/model/diagnostics.js';
import type { QuickSightKind, QuickSightSource } from '../../src/model/quicksight.js';
import { parseQuickSightSource, readQuickSightSources } from '../../src/quicksight/files.js';
import { resolveQuickSight } from '../../src/quicksight/resolve.js';
import { REPO_ROOT } from '../helpers/repo.js';

let org: OrgConfig;
let shipped: QuickSightSource[];

beforeAll(async () => {
  const loaded = await loadRepository(REPO_ROOT);
  if (!loaded.repository) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
  org = loaded.repository.org;
  shipped = (await readQuickSightSources(REPO_ROOT)).sources;
});

function source(kind: QuickSightKind, file: string, json: unknown): QuickSightSource {
  const parsed = parseQuickSightSource(kind, file, `${JSON.stringify(json, null, 2)}\n`);
  if (!parsed.source) throw new Error(parsed.diagnostics.map(formatDiagnostic).join('\n'));
  return parsed.source;
}

const dataSource = () =>
  source('quicksight-data-source', 'quicksight/data-sources/athena.json', {
    DataSourceId: 'athena',
    Name: 'Athena',
    Type: 'ATHENA',
    DataSourceParameters: { AthenaParameters: { WorkGroup: '${athena:workgroup}' } },
  });
const dataSet = () =>
  source('quicksight-data-set', 'quicksight/data-sets/scores.json', {
    DataSetId: 'scores',
    Name: 'Scores',
    ImportMode: 'SPICE',
    PhysicalTableMap: {
      t: {
        RelationalTable: {
          DataSourceArn: '${dataSource:athena}',
          Catalog: 'AwsDataCatalog',
          Schema: '${glue:database}',
          Name: 'account_summary',
          InputColumns: [{ Name: 'score', Type: 'DECIMAL' }],
        },
      },
    },
  });
const schedule = () =>
  source('quicksight-refresh-schedule', 'quicksight/refresh-schedules/scores.json', {
    DataSetId: 'scores',
    ScheduleId: 'daily',
    ScheduleFrequency: { Interval: 'DAILY', TimeOfTheDay: '06:00', Timezone: 'UTC' },
    RefreshType: 'FULL_REFRESH',
  });
const analysis = () =>
  source('quicksight-analysis', 'quicksight/analyses/compliance.json', {
    AnalysisId: 'compliance',
    Name: 'Compliance',
    Definition: {
      Sheets: [{ SheetId: 's', Name: 'Sheet', Visuals: [] }],
      DataSetIdentifierDeclarations: [{ Identifier: 'scores', DataSetArn: '${dataSet:scores}' }],
      QueryExecutionOptions: { QueryExecutionMode: 'AUTO' },
    },
  });
const dashboard = () =>
  source('quicksight-dashboard', 'quicksight/dashboards/compliance.json', {
    DashboardId: 'compliance',
    Name: 'Compliance',
    Definition: '${analysis:compliance}',
    DashboardPublishOptions: { SheetControlsOption: { VisibilityState: 'EXPANDED' } },
  });

describe('resolveQuickSight', () => {
  it('fills in the placeholders from config/org.yaml, the account and the region', () => {
    const resolved = resolveQuickSight(
      [dashboard(), analysis(), schedule(), dataSet(), dataSource()],
      org,
      '123456789012',
      'eu-central-1',
    );
    expect(resolved.map((r) => r.key)).toEqual([
      'quicksight-data-source/eu-central-1/athena',
      'quicksight-data-set/eu-central-1/scores',
      'quicksight-refresh-schedule/eu-central-1/scores/daily',
      'quicksight-analysis/eu-central-1/compliance',
      'quicksight-dashboard/eu-central-1/compliance',
    ]);
    const [source, set, refresh, anal] = resolved.map((r) => r.properties);
    expect(source).toEqual({
      id: 'athena',
      name: 'Athena',
      body: {
        DataSourceId: 'athena',
        DataSourceParameters: { AthenaParameters: { WorkGroup: 'primary' } },
        Name: 'Athena',
        Type: 'ATHENA',
      },
      permissions: [],
    });
    expect(set?.body.PhysicalTableMap).toEqual({
      t: {
        RelationalTable: {
          Catalog: 'AwsDataCatalog',
          DataSourceArn: 'arn:aws:quicksight:eu-central-1:123456789012:datasource/athena',
          InputColumns: [{ Name: 'score', Type: 'DECIMAL' }],
          Name: 'account_summary',
          Schema: 'org_compliance',
        },
      },
    });
    expect(refresh).toMatchObject({
      id: 'daily',
      name: 'daily',
      body: { DataSetId: 'scores', ScheduleId: 'daily' },
    });
    expect(anal?.body.Definition).toMatchObject({
      DataSetIdentifierDeclarations: [
        { Identifier: 'scores', DataSetArn: 'arn:aws:quicksight:eu-central-1:123456789012:dataset/scores' },
      ],
    });
  });

  it("publishes the analysis's Definition in the dashboard, less what a dashboard cannot take", () => {
    const resolved = resolveQuickSight(
      [dataSource(), dataSet(), analysis(), dashboard()],
      org,
      '123456789012',
      'eu-west-1',
    );
    const anal = resolved.find((r) => r.kind === 'quicksight-analysis')?.properties.body.Definition as Record<
      string,
      unknown
    >;
    const dash = resolved.find((r) => r.kind === 'quicksight-dashboard')?.properties.body;
    expect(anal.QueryExecutionOptions).toEqual({ QueryExecutionMode: 'AUTO' });
    expect(dash?.Definition).toEqual(
      Object.fromEntries(Object.entries(anal).filter(([member]) => member !== 'QueryExecutionOptions')),
    );
    expect(dash?.DashboardPublishOptions).toEqual({ SheetControlsOption: { VisibilityState: 'EXPANDED' } });
  });

  it('sorts keys at every depth and leaves no undefined', () => {
    const resolved = resolveQuickSight([dataSource(), dataSet()], org, '123456789012', 'eu-west-1');
    const sorted = (v: unknown): boolean =>
      Array.isArray(v)
        ? v.every(sorted)
        : typeof v === 'object' && v !== null
          ? Object.keys(v).join() === Object.keys(v).sort().join() &&
            Object.values(v).every((x) => x !== undefined && sorted(x))
          : true;
    for (const r of resolved) expect(sorted(r.properties.body)).toBe(true);
  });

  it('uses the partition of the region in ARNs', () => {
    const [, set] = resolveQuickSight([dataSource(), dataSet()], org, '123456789012', 'cn-north-1');
    expect(JSON.stringify(set?.properties.body)).toContain(
      'arn:aws-cn:quicksight:cn-north-1:123456789012:datasource/athena',
    );
  });

  it('refuses a placeholder it cannot resolve, naming the file, line and field', () => {
    const broken = source('quicksight-data-set', 'quicksight/data-sets/scores.json', {
      ...dataSet().json,
      Name: 'Scores in ${aws:regoin}',
    });
    let error: unknown;
    try {
      resolveQuickSight([dataSource(), broken], org, '123456789012', 'eu-west-1');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).diagnostics.map(formatDiagnostic)).toEqual([
      'quicksight/data-sets/scores.json:3:11: error: Name: placeholder ${aws:regoin} cannot be resolved',
    ]);
  });

  it('leaves no placeholder anywhere in the shipped definitions', () => {
    const resolved = resolveQuickSight(shipped, org, '210987654321', 'us-east-1');
    expect(resolved.map((r) => r.properties.id).sort()).toEqual(shipped.map((s) => s.id).sort());
    for (const r of resolved) expect(JSON.stringify(r.properties), r.key).not.toContain('${');
    const dash = resolved.find((r) => r.kind === 'quicksight-dashboard');
    const anal = resolved.find((r) => r.kind === 'quicksight-analysis');
    expect(dash?.properties.body.Definition).toEqual(anal?.properties.body.Definition);
  });
});
