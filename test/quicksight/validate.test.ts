// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} are the placeholders of quicksight/ files, not JavaScript's.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import type { QuickSightKind, QuickSightSource } from '../../src/model/quicksight.js';
import { dataSetColumns, expressionReferences } from '../../src/quicksight/columns.js';
import { JsonDocument, parseQuickSightSource } from '../../src/quicksight/files.js';
import { checkShape, REQUEST_SHAPES, shapeOf } from '../../src/quicksight/schema.js';
import { validateQuickSight } from '../../src/quicksight/validate.js';

const DATA_SOURCE = `{
  "DataSourceId": "athena",
  "Name": "Athena",
  "Type": "ATHENA",
  "DataSourceParameters": { "AthenaParameters": { "WorkGroup": "\${athena:workgroup}" } }
}
`;

const DATA_SET = `{
  "DataSetId": "scores",
  "Name": "Scores",
  "ImportMode": "SPICE",
  "PhysicalTableMap": {
    "scores": {
      "RelationalTable": {
        "DataSourceArn": "\${dataSource:athena}",
        "Schema": "\${glue:database}",
        "Name": "account_summary",
        "InputColumns": [
          { "Name": "account_name", "Type": "STRING" },
          { "Name": "score", "Type": "DECIMAL" }
        ]
      }
    }
  }
}
`;

const SCHEDULE = `{
  "DataSetId": "scores",
  "ScheduleId": "daily",
  "ScheduleFrequency": { "Interval": "DAILY", "TimeOfTheDay": "06:00", "Timezone": "UTC" },
  "RefreshType": "FULL_REFRESH"
}
`;

// Line numbers below are those of this text.
const ANALYSIS = `{
  "AnalysisId": "compliance",
  "Name": "Compliance",
  "Definition": {
    "DataSetIdentifierDeclarations": [
      { "Identifier": "scores", "DataSetArn": "\${dataSet:scores}" }
    ],
    "Sheets": [
      {
        "SheetId": "accounts",
        "Name": "Accounts",
        "Visuals": [
          {
            "BarChartVisual": {
              "VisualId": "worst",
              "Title": { "FormatText": { "PlainText": "Worst accounts" } },
              "ChartConfiguration": {
                "FieldWells": {
                  "BarChartAggregatedFieldWells": {
                    "Category": [
                      { "CategoricalDimensionField": { "FieldId": "account", "Column": { "DataSetIdentifier": "scores", "ColumnName": "account_name" } } }
                    ],
                    "Values": [
                      { "NumericalMeasureField": { "FieldId": "score", "Column": { "DataSetIdentifier": "scores", "ColumnName": "score" }, "AggregationFunction": { "SimpleNumericalAggregation": "MAX" } } }
                    ]
                  }
                },
                "SortConfiguration": { "CategorySort": [{ "FieldSort": { "FieldId": "score", "Direction": "ASC" } }] }
              }
            }
          }
        ],
        "Layouts": [
          { "Configuration": { "GridLayout": { "Elements": [{ "ElementId": "worst", "ElementType": "VISUAL", "ColumnSpan": 36, "RowSpan": 12 }] } } }
        ]
      }
    ]
  }
}
`;

const DASHBOARD = `{
  "DashboardId": "compliance",
  "Name": "Compliance",
  "Definition": "\${analysis:compliance}"
}
`;

const FILES: [QuickSightKind, string, string][] = [
  ['quicksight-data-source', 'quicksight/data-sources/athena.json', DATA_SOURCE],
  ['quicksight-data-set', 'quicksight/data-sets/scores.json', DATA_SET],
  ['quicksight-refresh-schedule', 'quicksight/refresh-schedules/scores.json', SCHEDULE],
  ['quicksight-analysis', 'quicksight/analyses/compliance.json', ANALYSIS],
  ['quicksight-dashboard', 'quicksight/dashboards/compliance.json', DASHBOARD],
];

/** The fixture files, with `edit` applied to the text of the one whose path ends with `file`. */
function sources(file?: string, edit?: (text: string) => string): QuickSightSource[] {
  return FILES.map(([kind, path, text]) => {
    const changed = file && edit && path.endsWith(file) ? edit(text) : text;
    if (file && edit && path.endsWith(file) && changed === text)
      throw new Error(`the edit of ${file} changed nothing`);
    const parsed = parseQuickSightSource(kind, path, changed);
    if (!parsed.source) throw new Error(parsed.diagnostics.map(formatDiagnostic).join('\n'));
    return parsed.source;
  });
}

function validate(file?: string, edit?: (text: string) => string): string[] {
  return validateQuickSight(sources(file, edit)).map(formatDiagnostic);
}

describe('validateQuickSight', () => {
  it('passes the fixture with no diagnostic', () => {
    expect(validate()).toEqual([]);
  });

  it('a misspelled member: its path, where its name is written, and the nearest valid name', () => {
    expect(
      validate('analyses/compliance.json', (t) =>
        t.replace('"SortConfiguration": { "CategorySort"', '"SortConfiguration": { "CategorySrot"'),
      ),
    ).toEqual([
      "quicksight/analyses/compliance.json:28:40: error: Definition.Sheets[0].Visuals[0].BarChartVisual.ChartConfiguration.SortConfiguration.CategorySrot: unknown member 'CategorySrot' of BarChartSortConfiguration; did you mean 'CategorySort'?",
    ]);
    expect(
      validate('analyses/compliance.json', (t) =>
        t.replace('"ChartConfiguration": {', '"ChartConfiguraton": {'),
      ),
    ).toEqual([
      "quicksight/analyses/compliance.json:17:15: error: Definition.Sheets[0].Visuals[0].BarChartVisual.ChartConfiguraton: unknown member 'ChartConfiguraton' of BarChartVisual; did you mean 'ChartConfiguration'?",
    ]);
  });

  it('a missing required member: named, at the object that lacks it', () => {
    expect(validate('analyses/compliance.json', (t) => t.replace('"FieldId": "account", ', ''))).toEqual([
      "quicksight/analyses/compliance.json:21:54: error: Definition.Sheets[0].Visuals[0].BarChartVisual.ChartConfiguration.FieldWells.BarChartAggregatedFieldWells.Category[0].CategoricalDimensionField.FieldId: missing required member 'FieldId' of CategoricalDimensionField",
    ]);
    expect(validate('data-sets/scores.json', (t) => t.replace('  "ImportMode": "SPICE",\n', ''))).toEqual([
      "quicksight/data-sets/scores.json:1:1: error: ImportMode: missing required member 'ImportMode' of CreateDataSetRequest",
    ]);
  });

  it('an unknown column: the data set, the column, and the nearest one', () => {
    expect(
      validate('analyses/compliance.json', (t) =>
        t.replace('"ColumnName": "account_name"', '"ColumnName": "acount_name"'),
      ),
    ).toEqual([
      "quicksight/analyses/compliance.json:21:135: error: Definition.Sheets[0].Visuals[0].BarChartVisual.ChartConfiguration.FieldWells.BarChartAggregatedFieldWells.Category[0].CategoricalDimensionField.Column.ColumnName: column 'acount_name' is not in data set 'scores' (scores); did you mean 'account_name'?",
    ]);
  });

  it('an unresolved data set: the placeholder, and the identifier that is not declared', () => {
    expect(
      validate('analyses/compliance.json', (t) => t.replace('"${dataSet:scores}"', '"${dataSet:score}"')),
    ).toEqual([
      "quicksight/analyses/compliance.json:6:47: error: Definition.DataSetIdentifierDeclarations[0].DataSetArn: ${dataSet:score} names no data set in quicksight/; did you mean 'scores'?",
    ]);
    expect(
      validate('analyses/compliance.json', (t) =>
        t.replace(
          '{ "DataSetIdentifier": "scores", "ColumnName": "score" }',
          '{ "DataSetIdentifier": "score", "ColumnName": "score" }',
        ),
      ),
    ).toEqual([
      "quicksight/analyses/compliance.json:24:105: error: Definition.Sheets[0].Visuals[0].BarChartVisual.ChartConfiguration.FieldWells.BarChartAggregatedFieldWells.Values[0].NumericalMeasureField.Column.DataSetIdentifier: a visual reads one data set; this one uses 'scores' and 'score'",
      "quicksight/analyses/compliance.json:24:105: error: Definition.Sheets[0].Visuals[0].BarChartVisual.ChartConfiguration.FieldWells.BarChartAggregatedFieldWells.Values[0].NumericalMeasureField.Column.DataSetIdentifier: data set identifier 'score' is not declared in DataSetIdentifierDeclarations; did you mean 'scores'?",
    ]);
  });

  it('a value of the wrong JSON type', () => {
    expect(
      validate('analyses/compliance.json', (t) => t.replace('"RowSpan": 12', '"RowSpan": "12"')),
    ).toEqual([
      'quicksight/analyses/compliance.json:34:139: error: Definition.Sheets[0].Layouts[0].Configuration.GridLayout.Elements[0].RowSpan: expected a number, found a string',
    ]);
    expect(
      validate('analyses/compliance.json', (t) =>
        t.replace(
          '"Title": { "FormatText": { "PlainText": "Worst accounts" } }',
          '"Title": ["Worst accounts"]',
        ),
      ),
    ).toEqual([
      'quicksight/analyses/compliance.json:16:24: error: Definition.Sheets[0].Visuals[0].BarChartVisual.Title: expected an object (VisualTitleLabelOptions), found a list',
    ]);
  });

  it('unknown and misplaced placeholders, and members the tool sets itself', () => {
    expect(
      validate('data-sources/athena.json', (t) => t.replace('${athena:workgroup}', '${athena:workgrop}')),
    ).toEqual([
      "quicksight/data-sources/athena.json:5:64: error: DataSourceParameters.AthenaParameters.WorkGroup: unknown placeholder ${athena:workgrop}; did you mean 'athena:workgroup'?; known: ${aws:accountId}, ${aws:region}, ${athena:workgroup}, ${glue:database}, ${dataSource:<id>}, ${dataSet:<id>}, ${analysis:<id>}",
    ]);
    expect(
      validate('data-sources/athena.json', (t) =>
        t.replace('"Type": "ATHENA",', '"Type": "ATHENA",\n  "AwsAccountId": "123456789012",'),
      ),
    ).toEqual([
      'quicksight/data-sources/athena.json:5:3: error: AwsAccountId: AwsAccountId is set by the tool for the target account; remove it so the file deploys to any account',
    ]);
    expect(
      validate('dashboards/compliance.json', (t) =>
        t.replace('${analysis:compliance}', '${analysis:complience}'),
      ),
    ).toEqual([
      "quicksight/dashboards/compliance.json:4:17: error: Definition: ${analysis:complience} names no analysis in quicksight/; did you mean 'compliance'?",
    ]);
  });

  it('ids: unique, and the name of the file', () => {
    const twice = [...sources(), ...sources().filter((s) => s.kind === 'quicksight-data-set')].map((s, i) =>
      i === 5 ? { ...s, file: 'quicksight/data-sets/copy.json' } : s,
    );
    expect(validateQuickSight(twice).map(formatDiagnostic)).toEqual([
      "quicksight/data-sets/copy.json:2:16: error: DataSetId: DataSetId 'scores' differs from the file name; name the file scores.json",
      "quicksight/data-sets/copy.json:2:16: error: DataSetId: DataSetId 'scores' is also used by quicksight/data-sets/scores.json",
    ]);
  });

  it('sorts, layouts and filter scopes name what exists', () => {
    expect(
      validate('analyses/compliance.json', (t) =>
        t
          .replace('"FieldSort": { "FieldId": "score"', '"FieldSort": { "FieldId": "scores"')
          .replace('"ElementId": "worst"', '"ElementId": "wrost"'),
      ),
    ).toEqual([
      "quicksight/analyses/compliance.json:28:85: error: Definition.Sheets[0].Visuals[0].BarChartVisual.ChartConfiguration.SortConfiguration.CategorySort[0].FieldSort.FieldId: no field 'scores' in this visual's field wells; did you mean 'score'?",
      "quicksight/analyses/compliance.json:33:20: warning: Definition.Sheets[0].Layouts: visual 'worst' is on sheet 'accounts' but no layout places it",
      "quicksight/analyses/compliance.json:34:76: error: Definition.Sheets[0].Layouts[0].Configuration.GridLayout.Elements[0].ElementId: the layout places 'wrost', which is not on sheet 'accounts'; did you mean 'worst'?",
    ]);
  });

  it('refresh schedules: an existing SPICE data set', () => {
    expect(
      validate('refresh-schedules/scores.json', (t) =>
        t.replace('"DataSetId": "scores"', '"DataSetId": "score"'),
      ),
    ).toEqual([
      "quicksight/refresh-schedules/scores.json:2:16: error: DataSetId: no data set 'score' in quicksight/data-sets/; did you mean 'scores'?",
    ]);
    expect(validate('data-sets/scores.json', (t) => t.replace('"SPICE"', '"DIRECT_QUERY"'))).toEqual([
      "quicksight/refresh-schedules/scores.json:2:16: error: DataSetId: data set 'scores' is DIRECT_QUERY: only SPICE data sets are refreshed; remove this schedule or import into SPICE",
    ]);
  });
});

describe('data set columns through the logical tables', () => {
  const joined = {
    PhysicalTableMap: {
      s: {
        RelationalTable: {
          InputColumns: [
            { Name: 'account_id', Type: 'STRING' },
            { Name: 'score', Type: 'DECIMAL' },
          ],
        },
      },
      o: {
        RelationalTable: {
          InputColumns: [
            { Name: 'account_id', Type: 'STRING' },
            { Name: 'owner', Type: 'STRING' },
          ],
        },
      },
    },
    LogicalTableMap: {
      s: { Alias: 's', Source: { PhysicalTableId: 's' } },
      o: {
        Alias: 'o',
        Source: { PhysicalTableId: 'o' },
        DataTransforms: [
          { RenameColumnOperation: { ColumnName: 'account_id', NewColumnName: 'o_account_id' } },
        ],
      },
      j: {
        Alias: 'j',
        Source: {
          JoinInstruction: {
            LeftOperand: 's',
            RightOperand: 'o',
            Type: 'LEFT',
            OnClause: '{account_id} = {o_account_id}',
          },
        },
        DataTransforms: [
          {
            CreateColumnsOperation: {
              Columns: [{ ColumnName: 'pct', ColumnId: 'pct', Expression: '{score} * 100' }],
            },
          },
          { ProjectOperation: { ProjectedColumns: ['account_id', 'owner', 'pct', 'score'] } },
        ],
      },
    },
  };

  it('are those of the root table after joins, renames, calculated columns and projections', () => {
    const { columns, problems, complete } = dataSetColumns(joined);
    expect(problems).toEqual([]);
    expect(complete).toBe(true);
    expect(columns).toEqual([
      { name: 'account_id', type: 'STRING' },
      { name: 'owner', type: 'STRING' },
      { name: 'pct', type: 'CALCULATED' },
      { name: 'score', type: 'DECIMAL' },
    ]);
  });

  it('a column on both sides of a join, or an unknown one in a projection, is a problem', () => {
    const clash = structuredClone(joined);
    clash.LogicalTableMap.o.DataTransforms = [];
    clash.LogicalTableMap.j.Source.JoinInstruction.OnClause = '{account_id} = {account_id}';
    clash.LogicalTableMap.j.DataTransforms[1] = {
      ProjectOperation: { ProjectedColumns: ['account_id', 'ownr'] },
    };
    expect(dataSetColumns(clash).problems.map((p) => `${p.path.join('.')}: ${p.message}`)).toEqual([
      "LogicalTableMap.j.Source.JoinInstruction.RightOperand: column 'account_id' is on both sides of the join; rename one side (RenameColumnOperation) or leave it out of its input columns",
      "LogicalTableMap.j.DataTransforms.1.ProjectOperation.ProjectedColumns.1: no column 'ownr' at this step of logical table 'j'; did you mean 'owner'?",
    ]);
  });

  it('expression references skip parameters and text in quotes', () => {
    expect(expressionReferences('ifelse({a} = \'{b}\' AND ${p} > 0, {c}, "{d}")')).toEqual(['a', 'c']);
  });
});

describe('the SDK schemas', () => {
  it('know required members from the structure schema (the first requiredCount members)', () => {
    const problems = checkShape({}, REQUEST_SHAPES['quicksight-refresh-schedule']);
    expect(problems.map((p) => p.message)).toEqual([
      "missing required member 'ScheduleId' of RefreshSchedule",
      "missing required member 'ScheduleFrequency' of RefreshSchedule",
      "missing required member 'RefreshType' of RefreshSchedule",
    ]);
  });

  it('step through lists and maps to their members', () => {
    const shape = REQUEST_SHAPES['quicksight-data-set'];
    const problems = checkShape(
      {
        DataSetId: 'x',
        Name: 'x',
        ImportMode: 'SPICE',
        PhysicalTableMap: { t: { RelationalTable: { InputColumns: [{ Nme: 'a' }] } } },
      },
      shape,
      [],
      { ignoreTopLevel: ['AwsAccountId'] },
    );
    expect(problems.map((p) => `${p.path.join('.')}: ${p.message}`)).toEqual([
      "PhysicalTableMap.t.RelationalTable.InputColumns.0.Nme: unknown member 'Nme' of InputColumn; did you mean 'Name'?",
      "PhysicalTableMap.t.RelationalTable.InputColumns.0.Name: missing required member 'Name' of InputColumn",
      "PhysicalTableMap.t.RelationalTable.InputColumns.0.Type: missing required member 'Type' of InputColumn",
      "PhysicalTableMap.t.RelationalTable.DataSourceArn: missing required member 'DataSourceArn' of RelationalTable",
      "PhysicalTableMap.t.RelationalTable.Name: missing required member 'Name' of RelationalTable",
    ]);
    expect(shapeOf(64).type).toBe('list');
  });
});

describe('JSON files', () => {
  it('a syntax error is reported at its line and column', () => {
    const { diagnostics } = parseQuickSightSource(
      'quicksight-data-source',
      'quicksight/data-sources/a.json',
      '{\n  "A": 1,\n}\n',
    );
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'quicksight/data-sources/a.json:3:1: error: JSON syntax: a comma before } (JSON allows no trailing comma)',
    ]);
    const twice = parseQuickSightSource(
      'quicksight-data-source',
      'quicksight/data-sources/a.json',
      '{"A": 1, "A": 2}',
    );
    expect(twice.diagnostics.map(formatDiagnostic)).toEqual([
      "quicksight/data-sources/a.json:1:10: error: JSON syntax: member 'A' appears twice in this object",
    ]);
  });

  it('knows where every value and member name is', () => {
    const doc = JsonDocument.parse('{\n  "a": [1, {"b": "c"}]\n}');
    expect(doc.value).toEqual({ a: [1, { b: 'c' }] });
    expect(doc.position(['a', 1, 'b'])).toEqual({ line: 2, column: 18 });
    expect(doc.position(['a', 1, 'b'], { key: true })).toEqual({ line: 2, column: 13 });
    expect(doc.position(['a', 1, 'missing'])).toEqual({ line: 2, column: 12 });
  });
});
