// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} are the placeholders of quicksight/ files, not JavaScript's.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import type { QuickSightKind, QuickSightSource } from '../../src/model/quicksight.js';
import { parseQuickSightSource } from '../../src/quicksight/files.js';
import { validateQuickSight } from '../../src/quicksight/validate.js';

const DATA_SOURCE = {
  DataSourceId: 'athena',
  Name: 'Athena',
  Type: 'ATHENA',
  DataSourceParameters: { AthenaParameters: { WorkGroup: '${athena:workgroup}' } },
};

const DATA_SET = {
  DataSetId: 'scores',
  Name: 'Scores',
  ImportMode: 'SPICE',
  PhysicalTableMap: {
    scores: {
      RelationalTable: {
        DataSourceArn: '${dataSource:athena}',
        Schema: '${glue:database}',
        Name: 'account_summary',
        InputColumns: [
          { Name: 'account_id', Type: 'STRING' },
          { Name: 'account_name', Type: 'STRING' },
          { Name: 'score', Type: 'DECIMAL' },
        ],
      },
    },
  },
};

const column = (name: string) => ({ DataSetIdentifier: 'scores', ColumnName: name });
const grid = (...ids: string[]) => [
  {
    Configuration: {
      GridLayout: {
        Elements: ids.map((id) => ({ ElementId: id, ElementType: 'VISUAL', ColumnSpan: 36, RowSpan: 12 })),
      },
    },
  },
];

/** Two sheets: a click on an account of the bar chart on "accounts" shows that account's rows on "details". */
function analysis() {
  return {
    AnalysisId: 'compliance',
    Name: 'Compliance',
    Definition: {
      DataSetIdentifierDeclarations: [{ Identifier: 'scores', DataSetArn: '${dataSet:scores}' }],
      ParameterDeclarations: [
        { StringParameterDeclaration: { Name: 'drillAccount', ParameterValueType: 'MULTI_VALUED' } },
      ],
      FilterGroups: [
        {
          FilterGroupId: 'details-account',
          CrossDataset: 'SINGLE_DATASET',
          Filters: [
            {
              CategoryFilter: {
                FilterId: 'filter-details-account',
                Column: column('account_id'),
                Configuration: {
                  CustomFilterConfiguration: {
                    MatchOperator: 'EQUALS',
                    ParameterName: 'drillAccount',
                    SelectAllOptions: 'FILTER_ALL_VALUES',
                    NullOption: 'NON_NULLS_ONLY',
                  },
                },
              },
            },
          ],
          ScopeConfiguration: {
            SelectedSheets: {
              SheetVisualScopingConfigurations: [{ SheetId: 'details', Scope: 'ALL_VISUALS' }],
            },
          },
        },
      ],
      Sheets: [
        {
          SheetId: 'accounts',
          Name: 'Accounts',
          Visuals: [
            {
              BarChartVisual: {
                VisualId: 'worst',
                ChartConfiguration: {
                  FieldWells: {
                    BarChartAggregatedFieldWells: {
                      Category: [
                        { CategoricalDimensionField: { FieldId: 'account', Column: column('account_id') } },
                      ],
                      Values: [{ NumericalMeasureField: { FieldId: 'score', Column: column('score') } }],
                    },
                  },
                },
                Actions: [
                  {
                    CustomActionId: 'show-resources',
                    Name: 'Show its details',
                    Trigger: 'DATA_POINT_CLICK',
                    ActionOperations: [
                      {
                        SetParametersOperation: {
                          ParameterValueConfigurations: [
                            { DestinationParameterName: 'drillAccount', Value: { SourceField: 'account' } },
                          ],
                        },
                      },
                      { NavigationOperation: { LocalNavigationConfiguration: { TargetSheetId: 'details' } } },
                    ],
                  },
                  {
                    CustomActionId: 'highlight',
                    Name: 'Filter the sheet',
                    Trigger: 'DATA_POINT_MENU',
                    ActionOperations: [
                      {
                        FilterOperation: {
                          SelectedFieldsConfiguration: { SelectedFields: ['account'] },
                          TargetVisualsConfiguration: {
                            SameSheetTargetVisualConfiguration: { TargetVisuals: ['best'] },
                          },
                        },
                      },
                    ],
                  },
                ],
              },
            },
            {
              BarChartVisual: {
                VisualId: 'best',
                ChartConfiguration: {
                  FieldWells: {
                    BarChartAggregatedFieldWells: {
                      Category: [
                        {
                          CategoricalDimensionField: {
                            FieldId: 'best.account',
                            Column: column('account_name'),
                          },
                        },
                      ],
                    },
                  },
                },
              },
            },
          ],
          Layouts: grid('worst', 'best'),
        },
        {
          SheetId: 'details',
          Name: 'Details',
          Visuals: [
            {
              TableVisual: {
                VisualId: 'detail-table',
                ChartConfiguration: {
                  FieldWells: {
                    TableUnaggregatedFieldWells: {
                      Values: [{ FieldId: 'detail.account', Column: column('account_name') }],
                    },
                  },
                },
              },
            },
          ],
          Layouts: grid('detail-table'),
        },
      ],
    },
  };
}

type Analysis = ReturnType<typeof analysis>;
type Sheet = Analysis['Definition']['Sheets'][number];

function worst(a: Analysis) {
  const visual = (a.Definition.Sheets[0] as Sheet).Visuals[0] as { BarChartVisual: { Actions: unknown[] } };
  return visual.BarChartVisual;
}

function validate(edit?: (a: Analysis) => void): string[] {
  const a = analysis();
  edit?.(a);
  const files: [QuickSightKind, string, unknown][] = [
    ['quicksight-data-source', 'quicksight/data-sources/athena.json', DATA_SOURCE],
    ['quicksight-data-set', 'quicksight/data-sets/scores.json', DATA_SET],
    ['quicksight-analysis', 'quicksight/analyses/compliance.json', a],
  ];
  const sources: QuickSightSource[] = files.map(([kind, path, json]) => {
    const parsed = parseQuickSightSource(kind, path, JSON.stringify(json, null, 2));
    if (!parsed.source) throw new Error(parsed.diagnostics.map(formatDiagnostic).join('\n'));
    return parsed.source;
  });
  // Without the line and column: they are those of JSON.stringify's layout.
  return validateQuickSight(sources).map((d) =>
    formatDiagnostic(d).replace(/^quicksight\/analyses\/compliance\.json:\d+:\d+: /, ''),
  );
}

const ACTION = 'Definition.Sheets[0].Visuals[0].BarChartVisual.Actions';

describe('custom actions of visuals', () => {
  it('a drill-down (set a parameter, navigate) and a same-sheet filter action pass with no diagnostic', () => {
    expect(validate()).toEqual([]);
  });

  it('a FilterOperation that targets a visual of another sheet is refused, saying how to drill down instead', () => {
    expect(
      validate((a) => {
        const action = worst(a).Actions[1] as {
          ActionOperations: { FilterOperation: Record<string, unknown> }[];
        };
        (
          action.ActionOperations[0] as { FilterOperation: Record<string, unknown> }
        ).FilterOperation.TargetVisualsConfiguration = {
          SameSheetTargetVisualConfiguration: { TargetVisuals: ['detail-table', 'bets'] },
        };
      }),
    ).toEqual([
      `error: ${ACTION}[1].ActionOperations[0].FilterOperation.TargetVisualsConfiguration.SameSheetTargetVisualConfiguration.TargetVisuals[0]: visual 'detail-table' is on sheet 'details': a FilterOperation filters visuals of its own sheet ('accounts') only; to filter another sheet, set a parameter its filter uses (SetParametersOperation) and navigate there (NavigationOperation)`,
      `error: ${ACTION}[1].ActionOperations[0].FilterOperation.TargetVisualsConfiguration.SameSheetTargetVisualConfiguration.TargetVisuals[1]: no visual 'bets' on sheet 'accounts'; did you mean 'best'?`,
    ]);
  });

  it('selected and source fields are field ids of the visual; the parameter is declared; the sheet exists', () => {
    expect(
      validate((a) => {
        const [drill, filter] = worst(a).Actions as Record<string, unknown>[];
        (drill as { ActionOperations: unknown[] }).ActionOperations = [
          {
            SetParametersOperation: {
              ParameterValueConfigurations: [
                { DestinationParameterName: 'drillAcount', Value: { SourceField: 'acount' } },
              ],
            },
          },
          { NavigationOperation: { LocalNavigationConfiguration: { TargetSheetId: 'detail' } } },
        ];
        (filter as { ActionOperations: unknown[] }).ActionOperations = [
          {
            FilterOperation: {
              SelectedFieldsConfiguration: { SelectedFields: ['scores'] },
              TargetVisualsConfiguration: {
                SameSheetTargetVisualConfiguration: { TargetVisualOptions: 'ALL_VISUALS' },
              },
            },
          },
        ];
      }),
    ).toEqual([
      `error: ${ACTION}[0].ActionOperations[0].SetParametersOperation.ParameterValueConfigurations[0].DestinationParameterName: no parameter 'drillAcount' in ParameterDeclarations; did you mean 'drillAccount'?`,
      `error: ${ACTION}[0].ActionOperations[0].SetParametersOperation.ParameterValueConfigurations[0].Value.SourceField: no field 'acount' in this visual's field wells; did you mean 'account'?`,
      `error: ${ACTION}[0].ActionOperations[1].NavigationOperation.LocalNavigationConfiguration.TargetSheetId: no sheet 'detail'; did you mean 'details'?`,
      `error: ${ACTION}[1].ActionOperations[0].FilterOperation.SelectedFieldsConfiguration.SelectedFields[0]: no field 'scores' in this visual's field wells; did you mean 'score'?`,
    ]);
  });

  it('ids unique in the visual, a known trigger, one operation of each kind, not to its own sheet', () => {
    expect(
      validate((a) => {
        const [drill, filter] = worst(a).Actions as Record<string, unknown>[];
        (filter as Record<string, unknown>).CustomActionId = 'show-resources';
        (filter as Record<string, unknown>).Trigger = 'DATA_POINT_CLIK';
        (drill as { ActionOperations: unknown[] }).ActionOperations.push({
          NavigationOperation: { LocalNavigationConfiguration: { TargetSheetId: 'accounts' } },
        });
      }),
    ).toEqual([
      `error: ${ACTION}[0].ActionOperations[2].NavigationOperation: this action has a second NavigationOperation; an action takes one of each kind`,
      `error: ${ACTION}[0].ActionOperations[2].NavigationOperation.LocalNavigationConfiguration.TargetSheetId: the action navigates to the sheet it is on ('accounts')`,
      `error: ${ACTION}[1].CustomActionId: CustomActionId 'show-resources' is used twice in this visual`,
      `error: ${ACTION}[1].Trigger: 'DATA_POINT_CLIK' is not a trigger; did you mean 'DATA_POINT_CLICK'?; valid: DATA_POINT_CLICK, DATA_POINT_MENU`,
    ]);
  });

  it('a parameter set by an action that nothing uses is a warning: the click would change nothing', () => {
    expect(
      validate((a) => {
        a.Definition.FilterGroups = [];
      }),
    ).toEqual([
      `warning: ${ACTION}[0].ActionOperations[0].SetParametersOperation.ParameterValueConfigurations[0].DestinationParameterName: parameter 'drillAccount' is used by no filter, control or expression: setting it changes nothing`,
    ]);
  });

  it('an operation with a misspelled member is caught by the shape check', () => {
    expect(
      validate((a) => {
        const drill = worst(a).Actions[0] as { ActionOperations: Record<string, unknown>[] };
        drill.ActionOperations[1] = {
          NavigationOperation: { LocalNavigationConfiguration: { TargetSheet: 'details' } },
        };
      }),
    ).toEqual([
      `error: ${ACTION}[0].ActionOperations[1].NavigationOperation.LocalNavigationConfiguration.TargetSheetId: missing required member 'TargetSheetId' of LocalNavigationConfiguration`,
      `error: ${ACTION}[0].ActionOperations[1].NavigationOperation.LocalNavigationConfiguration.TargetSheet: unknown member 'TargetSheet' of LocalNavigationConfiguration; did you mean 'TargetSheetId'?`,
    ]);
  });
});
