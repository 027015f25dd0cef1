// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} are the placeholders of quicksight/ files, not JavaScript's.
import { describe, expect, it } from 'vitest';
import {
  analysisBody,
  dashboardBody,
  dataSetBody,
  dataSourceBody,
  deepEqualJson,
  normalizeBody,
  normalizePermissions,
  placeholderize,
  QUICKSIGHT_DEFAULTS,
  refreshScheduleBody,
  stableJson,
  timestampText,
  withoutServerChosen,
} from '../../src/quicksight/normalize.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const DATA_SET_ARN = (id: string) => `arn:aws:quicksight:${REGION}:${ACCOUNT}:dataset/${id}`;
const DATA_SOURCE_ARN = `arn:aws:quicksight:${REGION}:${ACCOUNT}:datasource/org-compliance-athena`;

/** An analysis body as the repository has it once placeholders are resolved. */
function desiredAnalysis() {
  return {
    AnalysisId: 'org-compliance',
    Name: 'Organization compliance',
    Definition: {
      DataSetIdentifierDeclarations: [
        { Identifier: 'accounts', DataSetArn: DATA_SET_ARN('org-compliance-accounts') },
        { Identifier: 'rules', DataSetArn: DATA_SET_ARN('org-compliance-rules') },
      ],
      Sheets: [
        {
          SheetId: 'accounts',
          Name: 'Accounts',
          Visuals: [
            {
              TableVisual: {
                VisualId: 'accounts-by-score',
                Title: { FormatText: { PlainText: 'Which account to fix next' } },
                ChartConfiguration: {
                  FieldWells: {
                    TableAggregatedFieldWells: {
                      GroupBy: [
                        {
                          CategoricalDimensionField: {
                            FieldId: 'account',
                            Column: { DataSetIdentifier: 'accounts', ColumnName: 'account_name' },
                          },
                        },
                      ],
                      Values: [
                        {
                          NumericalMeasureField: {
                            FieldId: 'score',
                            Column: { DataSetIdentifier: 'accounts', ColumnName: 'score' },
                            AggregationFunction: { SimpleNumericalAggregation: 'AVERAGE' },
                          },
                        },
                      ],
                    },
                  },
                  SortConfiguration: {
                    RowSort: [{ FieldSort: { FieldId: 'score', Direction: 'ASC' } }],
                  },
                },
              },
            },
            {
              BarChartVisual: {
                VisualId: 'noncompliant-by-account',
                ChartConfiguration: { Orientation: 'HORIZONTAL' },
              },
            },
          ],
        },
      ],
      CalculatedFields: [
        { DataSetIdentifier: 'rules', Name: 'failing_share', Expression: '{failing} / {accounts}' },
        { DataSetIdentifier: 'accounts', Name: 'rank', Expression: 'rank([{score} ASC])' },
      ],
      ParameterDeclarations: [
        { StringParameterDeclaration: { Name: 'ou', ParameterValueType: 'MULTI_VALUED' } },
        { StringParameterDeclaration: { Name: 'category', ParameterValueType: 'MULTI_VALUED' } },
      ],
      FilterGroups: [
        {
          FilterGroupId: 'fg-ou',
          CrossDataset: 'SINGLE_DATASET',
          ScopeConfiguration: { AllSheets: {} },
          Filters: [
            {
              CategoryFilter: {
                FilterId: 'ou',
                Column: { DataSetIdentifier: 'accounts', ColumnName: 'ou_path' },
                Configuration: {
                  CustomFilterConfiguration: {
                    MatchOperator: 'EQUALS',
                    ParameterName: 'ou',
                    NullOption: 'NON_NULLS_ONLY',
                  },
                },
              },
            },
          ],
        },
      ],
    },
  };
}

/** Deep copy with every object's keys in reverse order (AWS's order is not ours). */
function reorderKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reorderKeys) as T;
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .reverse()
        .map((k) => [k, reorderKeys((value as Record<string, unknown>)[k])]),
    ) as T;
  }
  return value;
}

/** What DescribeAnalysisDefinition sends back for desiredAnalysis(): AWS's defaults filled in, its order. */
function describedAnalysis() {
  const d = desiredAnalysis();
  const [table, bar] = d.Definition.Sheets[0]?.Visuals ?? [];
  const answer = {
    $metadata: { httpStatusCode: 200 },
    Status: 200,
    RequestId: 'f0e1d2c3-0000-4000-8000-000000000000',
    AnalysisId: d.AnalysisId,
    Name: d.Name,
    ResourceStatus: 'CREATION_SUCCESSFUL',
    Errors: [],
    Definition: {
      // AWS keeps neither declaration order nor calculated-field order nor parameter order.
      DataSetIdentifierDeclarations: [...d.Definition.DataSetIdentifierDeclarations].reverse(),
      CalculatedFields: [...d.Definition.CalculatedFields].reverse(),
      ParameterDeclarations: d.Definition.ParameterDeclarations.map((p) => ({
        StringParameterDeclaration: {
          ...p.StringParameterDeclaration,
          DefaultValues: {},
          ValueWhenUnset: { ValueWhenUnsetOption: 'RECOMMENDED_VALUE' },
        },
      })).reverse(),
      Sheets: [
        {
          SheetId: 'accounts',
          Name: 'Accounts',
          ContentType: 'INTERACTIVE',
          Visuals: [
            {
              TableVisual: {
                ...table?.TableVisual,
                Title: { ...table?.TableVisual?.Title, Visibility: 'VISIBLE' },
                Subtitle: { Visibility: 'VISIBLE' },
                Actions: [],
                ConditionalFormatting: { ConditionalFormattingOptions: [] },
              },
            },
            {
              BarChartVisual: {
                ...bar?.BarChartVisual,
                Title: { Visibility: 'VISIBLE' },
                Subtitle: { Visibility: 'VISIBLE' },
                Actions: [],
                ColumnHierarchies: [],
              },
            },
          ],
        },
      ],
      FilterGroups: d.Definition.FilterGroups.map((g) => ({ ...g, Status: 'ENABLED' })),
      AnalysisDefaults: {
        DefaultNewSheetConfiguration: {
          InteractiveLayoutConfiguration: {
            Grid: {
              CanvasSizeOptions: {
                ScreenCanvasSizeOptions: { ResizeOption: 'FIXED', OptimizedViewPortWidth: '1600px' },
              },
            },
          },
          SheetContentType: 'INTERACTIVE',
        },
      },
      Options: { WeekStart: 'SUNDAY' },
      ColumnConfigurations: [],
    },
  };
  return reorderKeys(answer);
}

describe('normalizeBody: what AWS sends back and what the repository says are one shape', () => {
  it('makes a described analysis (defaults filled in, keys and sets reordered) equal to the desired body', () => {
    const desired = normalizeBody('quicksight-analysis', desiredAnalysis());
    const current = normalizeBody('quicksight-analysis', analysisBody(describedAnalysis()));
    expect(current).toEqual(desired);
    // Equal as text too: the export of one is the file of the other.
    expect(stableJson(current)).toBe(stableJson(desired));
  });

  it('sorts keys at every depth and drops read-only members, keeping only request members', () => {
    const body = normalizeBody('quicksight-analysis', analysisBody(describedAnalysis()));
    expect(Object.keys(body)).toEqual(['AnalysisId', 'Definition', 'Name']);
    const definition = body.Definition as Record<string, unknown>;
    expect(Object.keys(definition)).toEqual([...Object.keys(definition)].sort());
    expect(JSON.stringify(body)).not.toMatch(/RequestId|ResourceStatus|Errors|\$metadata/);
  });

  it('keeps the order of arrays whose order means something, and sorts those AWS treats as sets', () => {
    const swapped = desiredAnalysis();
    const visuals = swapped.Definition.Sheets[0]?.Visuals ?? [];
    visuals.reverse();
    expect(normalizeBody('quicksight-analysis', swapped)).not.toEqual(
      normalizeBody('quicksight-analysis', desiredAnalysis()),
    );
    const body = normalizeBody('quicksight-analysis', desiredAnalysis());
    const definition = body.Definition as Record<string, Array<Record<string, unknown>>>;
    expect(definition.DataSetIdentifierDeclarations?.map((d) => d.Identifier)).toEqual(['accounts', 'rules']);
    expect(definition.CalculatedFields?.map((c) => c.Name)).toEqual(['rank', 'failing_share']);
    expect(
      definition.ParameterDeclarations?.map(
        (p) => (p.StringParameterDeclaration as Record<string, unknown>).Name,
      ),
    ).toEqual(['category', 'ou']);
  });

  it('keeps values that differ from the default, and members whose presence is their value', () => {
    const chosen = desiredAnalysis() as ReturnType<typeof desiredAnalysis> & {
      Definition: { Options?: unknown; AnalysisDefaults?: unknown };
    };
    chosen.Definition.Options = { WeekStart: 'MONDAY' };
    chosen.Definition.AnalysisDefaults = {
      DefaultNewSheetConfiguration: {
        InteractiveLayoutConfiguration: {
          Grid: {
            CanvasSizeOptions: {
              ScreenCanvasSizeOptions: { ResizeOption: 'FIXED', OptimizedViewPortWidth: '1280px' },
            },
          },
        },
        SheetContentType: 'INTERACTIVE',
      },
    };
    const definition = normalizeBody('quicksight-analysis', chosen).Definition as Record<string, unknown>;
    expect(definition.Options).toEqual({ WeekStart: 'MONDAY' });
    expect(definition.AnalysisDefaults).toEqual({
      DefaultNewSheetConfiguration: {
        InteractiveLayoutConfiguration: {
          Grid: {
            CanvasSizeOptions: {
              ScreenCanvasSizeOptions: { OptimizedViewPortWidth: '1280px', ResizeOption: 'FIXED' },
            },
          },
        },
      },
    });
    const group = (definition.FilterGroups as Array<Record<string, unknown>>)[0];
    expect(group?.ScopeConfiguration).toEqual({ AllSheets: {} });
  });

  it('is idempotent and leaves its input alone', () => {
    const input = describedAnalysis();
    const before = structuredClone(input);
    const once = normalizeBody('quicksight-analysis', analysisBody(input));
    expect(normalizeBody('quicksight-analysis', once)).toEqual(once);
    expect(input).toEqual(before);
  });

  it('documents where every default it drops was seen', () => {
    for (const rules of Object.values(QUICKSIGHT_DEFAULTS)) {
      for (const rule of rules) expect(rule.source).not.toBe('');
    }
  });

  it('turns a DescribeDataSource answer into the CreateDataSource body', () => {
    const described = {
      Arn: DATA_SOURCE_ARN,
      DataSourceId: 'org-compliance-athena',
      Name: 'Org compliance (Athena)',
      Type: 'ATHENA',
      Status: 'CREATION_SUCCESSFUL',
      CreatedTime: new Date('2025-06-01T10:00:00Z'),
      LastUpdatedTime: new Date('2025-06-01T10:00:00Z'),
      DataSourceParameters: { AthenaParameters: { WorkGroup: 'primary' } },
      AlternateDataSourceParameters: [{ AthenaParameters: { WorkGroup: 'primary' } }],
      SslProperties: { DisableSsl: false },
    };
    expect(normalizeBody('quicksight-data-source', dataSourceBody(described))).toEqual({
      DataSourceId: 'org-compliance-athena',
      DataSourceParameters: { AthenaParameters: { WorkGroup: 'primary' } },
      Name: 'Org compliance (Athena)',
      Type: 'ATHENA',
    });
    expect(
      normalizeBody(
        'quicksight-data-source',
        dataSourceBody({ ...described, SslProperties: { DisableSsl: true } }),
      ).SslProperties,
    ).toEqual({ DisableSsl: true });
  });

  it('turns a DescribeDataSet answer into the CreateDataSet body', () => {
    const physical = {
      'accounts-view': {
        RelationalTable: {
          DataSourceArn: DATA_SOURCE_ARN,
          Schema: 'org_compliance',
          Name: 'account_scores',
          InputColumns: [
            { Name: 'account_name', Type: 'STRING' },
            { Name: 'score', Type: 'DECIMAL' },
          ],
        },
      },
    };
    const described = {
      Arn: DATA_SET_ARN('org-compliance-accounts'),
      DataSetId: 'org-compliance-accounts',
      Name: 'Accounts',
      CreatedTime: new Date(),
      LastUpdatedTime: new Date(),
      PhysicalTableMap: physical,
      OutputColumns: [{ Name: 'account_name', Type: 'STRING' }],
      ImportMode: 'SPICE',
      ConsumedSpiceCapacityInBytes: 1024,
      FieldFolders: {},
      ColumnGroups: [],
      DataSetUsageConfiguration: { DisableUseAsDirectQuerySource: false, DisableUseAsImportedSource: false },
    };
    expect(normalizeBody('quicksight-data-set', dataSetBody(described))).toEqual({
      DataSetId: 'org-compliance-accounts',
      ImportMode: 'SPICE',
      Name: 'Accounts',
      PhysicalTableMap: physical,
    });
  });

  it('drops the LogicalTableMap AWS generates, but only when the repository leaves it out and it transforms nothing', () => {
    const current = {
      DataSetId: 'ds',
      PhysicalTableMap: { p1: { RelationalTable: { Name: 'v' } } },
      LogicalTableMap: { a1b2c3: { Alias: 'v', Source: { PhysicalTableId: 'p1' } } },
    };
    expect(withoutServerChosen('quicksight-data-set', current, { DataSetId: 'ds' })).not.toHaveProperty(
      'LogicalTableMap',
    );
    expect(
      withoutServerChosen('quicksight-data-set', current, { LogicalTableMap: { l: {} } }),
    ).toHaveProperty('LogicalTableMap');
    const transformed = {
      ...current,
      LogicalTableMap: {
        a1b2c3: {
          Alias: 'v',
          Source: { PhysicalTableId: 'p1' },
          DataTransforms: [{ ProjectOperation: { ProjectedColumns: ['a'] } }],
        },
      },
    };
    expect(withoutServerChosen('quicksight-data-set', transformed, {})).toHaveProperty('LogicalTableMap');
  });

  it('reads a refresh schedule with its data set, and compares its start time whatever its form', () => {
    const schedule = {
      ScheduleId: 'daily',
      Arn: `${DATA_SET_ARN('ds')}/refresh-schedule/daily`,
      RefreshType: 'FULL_REFRESH',
      ScheduleFrequency: { Interval: 'DAILY', TimeOfTheDay: '06:00', Timezone: 'UTC' },
      StartAfterDateTime: new Date('2025-06-01T00:00:00.000Z'),
    };
    expect(normalizeBody('quicksight-refresh-schedule', refreshScheduleBody('ds', schedule))).toEqual(
      normalizeBody('quicksight-refresh-schedule', {
        DataSetId: 'ds',
        ScheduleId: 'daily',
        RefreshType: 'FULL_REFRESH',
        ScheduleFrequency: { Interval: 'DAILY', TimeOfTheDay: '06:00', Timezone: 'UTC' },
        StartAfterDateTime: '2025-06-01T00:00:00Z',
      }),
    );
    expect(withoutServerChosen('quicksight-refresh-schedule', { StartAfterDateTime: 'x' }, {})).toEqual({});
    expect(timestampText('2025-06-01T00:00:00.250+00:00')).toBe('2025-06-01T00:00:00.250Z');
  });

  it('drops the dashboard publish options AWS documents as defaults, and keeps the others', () => {
    const body = normalizeBody(
      'quicksight-dashboard',
      dashboardBody({
        DashboardId: 'd',
        Name: 'D',
        Definition: { DataSetIdentifierDeclarations: [] },
        DashboardPublishOptions: {
          AdHocFilteringOption: { AvailabilityStatus: 'ENABLED' },
          ExportToCSVOption: { AvailabilityStatus: 'DISABLED' },
          SheetControlsOption: { VisibilityState: 'COLLAPSED' },
        },
      }),
    );
    expect(body).toEqual({
      DashboardId: 'd',
      DashboardPublishOptions: { ExportToCSVOption: { AvailabilityStatus: 'DISABLED' } },
      Name: 'D',
    });
  });
});

describe('normalizePermissions', () => {
  it('merges by principal and sorts principals and actions (both are sets for the API)', () => {
    expect(
      normalizePermissions([
        { Principal: 'arn:aws:quicksight:eu-west-1:111122223333:group/default/viewers', Actions: ['b', 'a'] },
        { principal: 'arn:aws:quicksight:eu-west-1:111122223333:group/default/admins', actions: ['z'] },
        { Principal: 'arn:aws:quicksight:eu-west-1:111122223333:group/default/viewers', Actions: ['a', 'c'] },
        { Principal: 'arn:aws:quicksight:eu-west-1:111122223333:user/default/nobody', Actions: [] },
      ]),
    ).toEqual([
      { principal: 'arn:aws:quicksight:eu-west-1:111122223333:group/default/admins', actions: ['z'] },
      {
        principal: 'arn:aws:quicksight:eu-west-1:111122223333:group/default/viewers',
        actions: ['a', 'b', 'c'],
      },
    ]);
  });
});

describe('placeholderize', () => {
  const ctx = { accountId: ACCOUNT, region: REGION, workgroup: 'org-compliance', database: 'org_compliance' };

  it('turns this account’s ARNs, region, workgroup and database back into placeholders', () => {
    expect(
      placeholderize(
        {
          DataSetArn: DATA_SET_ARN('org-compliance-accounts'),
          DataSourceArn: DATA_SOURCE_ARN,
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/quicksight-athena`,
          ThemeArn: `arn:aws:quicksight:${REGION}:${ACCOUNT}:theme/org`,
          Builtin: 'arn:aws:quicksight::aws:theme/MIDNIGHT',
          Other: 'arn:aws:quicksight:eu-west-1:999999999999:dataset/theirs',
          AthenaParameters: { WorkGroup: 'org-compliance' },
          RelationalTable: { Schema: 'org_compliance', Name: 'account_scores' },
          CustomSql: { SqlQuery: 'SELECT * FROM "org_compliance"."account_scores"' },
          Text: 'eu-west-1 is where we live',
        },
        ctx,
      ),
    ).toEqual({
      DataSetArn: '${dataSet:org-compliance-accounts}',
      DataSourceArn: '${dataSource:org-compliance-athena}',
      RoleArn: 'arn:aws:iam::${aws:accountId}:role/quicksight-athena',
      ThemeArn: 'arn:aws:quicksight:${aws:region}:${aws:accountId}:theme/org',
      Builtin: 'arn:aws:quicksight::aws:theme/MIDNIGHT',
      Other: 'arn:aws:quicksight:eu-west-1:999999999999:dataset/theirs',
      AthenaParameters: { WorkGroup: '${athena:workgroup}' },
      RelationalTable: { Schema: '${glue:database}', Name: 'account_scores' },
      CustomSql: { SqlQuery: 'SELECT * FROM "${glue:database}"."account_scores"' },
      Text: 'eu-west-1 is where we live',
    });
  });
});

describe('stableJson and deepEqualJson', () => {
  it('writes sorted keys, two spaces and a trailing newline', () => {
    expect(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } })).toBe(
      '{\n  "a": {\n    "c": "x",\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });

  it('ignores key order but not array order', () => {
    expect(deepEqualJson({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(deepEqualJson({ b: [2, 1] }, { b: [1, 2] })).toBe(false);
  });

  it('takes a key holding undefined for an absent one', () => {
    expect(deepEqualJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqualJson({ a: 1 }, { a: 1, b: null })).toBe(false);
  });

  it('compares a Date with a timestamp (a Date or its text) by timestamp text, and with nothing else', () => {
    const date = new Date('2025-06-01T00:00:00Z');
    expect(deepEqualJson({ at: date }, { at: '2025-06-01T00:00:00.000Z' })).toBe(true);
    expect(deepEqualJson(['2025-06-01T00:00:00Z'], [date])).toBe(true);
    expect(deepEqualJson(date, new Date(date.getTime()))).toBe(true);
    expect(deepEqualJson(date, '2025-06-02T00:00:00Z')).toBe(false);
    expect(deepEqualJson(date, date.getTime())).toBe(false);
    expect(deepEqualJson(date, {})).toBe(false);
    expect(deepEqualJson(new Date('nonsense'), 'Invalid Date')).toBe(true);
  });
});
