import { describe, expect, it } from 'vitest';
import {
  changedPaths,
  describeBodyChanges,
  describeDefinitionChanges,
} from '../../src/quicksight/body-changes.js';

const ARN = (id: string) => `arn:aws:quicksight:eu-west-1:111122223333:dataset/${id}`;

function tableVisual(id: string, column = 'score') {
  return {
    TableVisual: {
      VisualId: id,
      Title: { FormatText: { PlainText: 'Which account to fix next' } },
      ChartConfiguration: {
        FieldWells: {
          TableAggregatedFieldWells: {
            Values: [
              {
                NumericalMeasureField: {
                  FieldId: 'v',
                  Column: { DataSetIdentifier: 'accounts', ColumnName: column },
                },
              },
            ],
          },
        },
        SortConfiguration: { RowSort: [{ FieldSort: { FieldId: 'v', Direction: 'ASC' } }] },
      },
    },
  };
}

interface Sheet {
  SheetId: string;
  Name: string;
  Visuals: Record<string, unknown>[];
}

function definition() {
  const sheets: Sheet[] = [
    {
      SheetId: 'accounts',
      Name: 'Accounts',
      Visuals: [tableVisual('accounts-by-score'), { KPIVisual: { VisualId: 'average-score' } }],
    },
    {
      SheetId: 'rules',
      Name: 'Rules',
      Visuals: [{ BarChartVisual: { VisualId: 'rules-nobody-follows' } }],
    },
  ];
  return {
    DataSetIdentifierDeclarations: [
      { Identifier: 'accounts', DataSetArn: ARN('org-compliance-accounts') },
      { Identifier: 'rules', DataSetArn: ARN('org-compliance-rules') },
    ],
    Sheets: sheets,
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
            },
          },
        ],
      },
    ],
    CalculatedFields: [{ DataSetIdentifier: 'accounts', Name: 'rank', Expression: 'rank([{score} ASC])' }],
    ParameterDeclarations: [
      { StringParameterDeclaration: { Name: 'ou', ParameterValueType: 'MULTI_VALUED' } },
    ],
  };
}

type Definition = ReturnType<typeof definition>;

function changed(edit: (d: Definition) => void): Definition {
  const d = definition();
  edit(d);
  return d;
}

describe('describeDefinitionChanges', () => {
  it('says nothing when two definitions mean the same (diff(x, x) is empty; defaults and set order ignored)', () => {
    expect(describeDefinitionChanges(definition(), definition())).toEqual([]);
    const asAwsSendsIt = changed((d) => {
      d.DataSetIdentifierDeclarations.reverse();
      for (const sheet of d.Sheets) Object.assign(sheet, { ContentType: 'INTERACTIVE' });
      Object.assign(d.FilterGroups[0] ?? {}, { Status: 'ENABLED' });
      Object.assign(d, { Options: { WeekStart: 'SUNDAY' } });
    });
    expect(describeDefinitionChanges(definition(), asAwsSendsIt)).toEqual([]);
  });

  it('names the sheet, the visual, its type and the members that changed', () => {
    const after = changed((d) => {
      const sheet = d.Sheets[0];
      if (sheet) sheet.Visuals[0] = tableVisual('accounts-by-score', 'noncompliant');
    });
    expect(describeDefinitionChanges(definition(), after)).toEqual([
      'sheet "Accounts": visual "accounts-by-score" (TableVisual): ChartConfiguration.FieldWells changed',
    ]);
  });

  it('reports added and removed visuals and sheets', () => {
    const after = changed((d) => {
      d.Sheets[1]?.Visuals.push({ BarChartVisual: { VisualId: 'x' } });
      d.Sheets[0]?.Visuals.splice(1, 1);
      d.Sheets.push({ SheetId: 'trend', Name: 'Trend', Visuals: [] });
    });
    expect(describeDefinitionChanges(definition(), after)).toEqual([
      'sheet "Accounts": visual "average-score" (KPIVisual) removed',
      'sheet "Rules": visual "x" (BarChartVisual) added',
      'sheet "Trend" added',
    ]);
    expect(describeDefinitionChanges(after, definition())).toContain('sheet "Trend" removed');
  });

  it('reports a visual whose type changed, a renamed sheet and sheet members', () => {
    const after = changed((d) => {
      const sheet = d.Sheets[1];
      if (!sheet) return;
      sheet.Visuals[0] = { PieChartVisual: { VisualId: 'rules-nobody-follows' } } as never;
      sheet.Name = 'Rules nobody follows';
      Object.assign(sheet, { Description: 'Rules ranked by failing accounts' });
    });
    expect(describeDefinitionChanges(definition(), after)).toEqual([
      'sheet "Rules nobody follows": renamed from "Rules"',
      'sheet "Rules nobody follows": visual "rules-nobody-follows" changed from BarChartVisual to PieChartVisual',
      'sheet "Rules nobody follows": Description changed',
    ]);
  });

  it('reports reordered sheets and visuals (their order is what people see)', () => {
    const after = changed((d) => {
      d.Sheets.reverse();
      d.Sheets[1]?.Visuals.reverse();
    });
    expect(describeDefinitionChanges(definition(), after)).toEqual([
      'sheet "Accounts": visuals reordered',
      'sheets reordered: "Rules", "Accounts"',
    ]);
  });

  it('reports filter groups, calculated fields, parameters and data sets by their ids', () => {
    const after = changed((d) => {
      d.FilterGroups = [];
      d.CalculatedFields[0] = {
        DataSetIdentifier: 'accounts',
        Name: 'rank',
        Expression: 'rank([{score} DESC])',
      };
      d.CalculatedFields.push({ DataSetIdentifier: 'rules', Name: 'share', Expression: '1' });
      d.ParameterDeclarations.push({
        StringParameterDeclaration: { Name: 'owner', ParameterValueType: 'SINGLE_VALUED' },
      });
      d.DataSetIdentifierDeclarations[1] = {
        Identifier: 'rules',
        DataSetArn: ARN('org-compliance-rules-v2'),
      };
    });
    expect(describeDefinitionChanges(definition(), after)).toEqual([
      `data set "rules": ${ARN('org-compliance-rules')} → ${ARN('org-compliance-rules-v2')}`,
      'filter group "fg-ou" removed',
      'calculated field "rank": Expression changed',
      'calculated field "share" added',
      'parameter "owner" added',
    ]);
  });

  it('reports other top-level members by name', () => {
    const after = changed((d) => Object.assign(d, { Options: { WeekStart: 'MONDAY' } }));
    expect(describeDefinitionChanges(definition(), after)).toEqual(['Options added']);
    const later = changed((d) =>
      Object.assign(d, { Options: { WeekStart: 'MONDAY', Timezone: 'Europe/Paris' } }),
    );
    expect(describeDefinitionChanges(after, later)).toEqual(['Options.Timezone changed']);
  });
});

describe('describeBodyChanges', () => {
  it('puts top-level members first by name and the Definition by sheet and visual', () => {
    const before = { AnalysisId: 'a', Name: 'Compliance', Definition: definition() };
    const after = {
      AnalysisId: 'a',
      Name: 'Organization compliance',
      Definition: changed((d) => d.Sheets[1]?.Visuals.push({ BarChartVisual: { VisualId: 'x' } })),
    };
    expect(describeBodyChanges('quicksight-analysis', before, after)).toEqual([
      'sheet "Rules": visual "x" (BarChartVisual) added',
      'Name changed',
    ]);
  });

  it('names the changed members of a data set', () => {
    expect(
      describeBodyChanges(
        'quicksight-data-set',
        {
          DataSetId: 'd',
          Name: 'D',
          ImportMode: 'SPICE',
          PhysicalTableMap: { p: { RelationalTable: { Name: 'v1' } } },
        },
        {
          DataSetId: 'd',
          Name: 'D',
          ImportMode: 'DIRECT_QUERY',
          PhysicalTableMap: { p: { RelationalTable: { Name: 'v2' } } },
        },
      ),
    ).toEqual(['ImportMode changed', 'PhysicalTableMap.p.RelationalTable changed']);
  });
});

describe('changedPaths', () => {
  it('names differing members down to a depth', () => {
    expect(changedPaths({ a: { b: 1, c: 2 }, d: 1 }, { a: { b: 2, c: 2 }, d: 1 }, 2)).toEqual(['a.b']);
    expect(changedPaths({ a: { b: 1 } }, { a: { b: 2 } }, 1)).toEqual(['a']);
    expect(changedPaths(1, 2, 3)).toEqual(['']);
    expect(changedPaths({ a: 1 }, { a: 1 }, 3)).toEqual([]);
  });
});
