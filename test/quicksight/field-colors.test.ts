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
  DataSetId: 'categories',
  Name: 'Categories',
  ImportMode: 'SPICE',
  PhysicalTableMap: {
    categories: {
      RelationalTable: {
        DataSourceArn: '${dataSource:athena}',
        Schema: '${glue:database}',
        Name: 'category_summary',
        InputColumns: [
          { Name: 'category', Type: 'STRING' },
          { Name: 'score', Type: 'DECIMAL' },
        ],
      },
    },
  },
};

const column = (name: string) => ({ DataSetIdentifier: 'categories', ColumnName: name });

/** A bar chart and a donut by category, each with its ColorMap, and the column's field colours. */
function analysis() {
  const chart = (kind: 'BarChartVisual' | 'PieChartVisual', id: string) => {
    const wells = {
      Category: [{ CategoricalDimensionField: { FieldId: `${id}.category`, Column: column('category') } }],
      Values: [{ NumericalMeasureField: { FieldId: `${id}.score`, Column: column('score') } }],
    };
    return {
      [kind]: {
        VisualId: id,
        ChartConfiguration: {
          FieldWells:
            kind === 'BarChartVisual'
              ? { BarChartAggregatedFieldWells: wells }
              : { PieChartAggregatedFieldWells: wells },
          VisualPalette: {
            ColorMap: [
              { Element: { FieldId: `${id}.category`, FieldValue: 'security' }, Color: '#C0392B' },
              { Element: { FieldId: `${id}.category`, FieldValue: 'cost' }, Color: '#2E86C1' },
            ],
          },
        },
      },
    };
  };
  return {
    AnalysisId: 'compliance',
    Name: 'Compliance',
    Definition: {
      DataSetIdentifierDeclarations: [{ Identifier: 'categories', DataSetArn: '${dataSet:categories}' }],
      ColumnConfigurations: [
        {
          Column: column('category'),
          ColorsConfiguration: {
            CustomColors: [
              { FieldValue: 'security', Color: '#C0392B' },
              { FieldValue: 'cost', Color: '#2E86C1' },
            ],
          },
        },
      ],
      Sheets: [
        {
          SheetId: 'categories',
          Name: 'Categories',
          Visuals: [chart('BarChartVisual', 'bars'), chart('PieChartVisual', 'donut')],
        },
      ],
    },
  };
}

type Analysis = ReturnType<typeof analysis>;
type Palette = { ChartColor?: string; ColorMap: { Element: Record<string, string>; Color: string }[] };

function palette(a: Analysis, visual: number): Palette {
  const v = a.Definition.Sheets[0]?.Visuals[visual] as Record<
    string,
    { ChartConfiguration: { VisualPalette: Palette } }
  >;
  return (Object.values(v)[0] as { ChartConfiguration: { VisualPalette: Palette } }).ChartConfiguration
    .VisualPalette;
}

function validate(edit?: (a: Analysis) => void): string[] {
  const a = analysis();
  edit?.(a);
  const files: [QuickSightKind, string, unknown][] = [
    ['quicksight-data-source', 'quicksight/data-sources/athena.json', DATA_SOURCE],
    ['quicksight-data-set', 'quicksight/data-sets/categories.json', DATA_SET],
    ['quicksight-analysis', 'quicksight/analyses/compliance.json', a],
  ];
  const sources: QuickSightSource[] = files.map(([kind, path, json]) => {
    const parsed = parseQuickSightSource(kind, path, JSON.stringify(json, null, 2));
    if (!parsed.source) throw new Error(parsed.diagnostics.map(formatDiagnostic).join('\n'));
    return parsed.source;
  });
  return validateQuickSight(sources).map((d) =>
    formatDiagnostic(d).replace(/^quicksight\/analyses\/compliance\.json:\d+:\d+: /, ''),
  );
}

describe('colours in a definition', () => {
  it('the same colours in the field colours and in every chart pass', () => {
    expect(validate()).toEqual([]);
  });

  it('a colour not in upper-case #RRGGBB is refused where it is written, with the form QuickSight takes', () => {
    expect(
      validate((a) => {
        (palette(a, 0).ColorMap[0] as { Color: string }).Color = '#c0392b';
        palette(a, 1).ChartColor = 'red';
        const custom = a.Definition.ColumnConfigurations[0]?.ColorsConfiguration.CustomColors[1];
        if (custom) custom.Color = '#2E86C';
      }),
    ).toEqual([
      "error: Definition.ColumnConfigurations[0].ColorsConfiguration.CustomColors[1].Color: '#2E86C' is not a colour QuickSight takes: #RRGGBB with upper-case hex digits",
      "error: Definition.Sheets[0].Visuals[0].BarChartVisual.ChartConfiguration.VisualPalette.ColorMap[0].Color: '#c0392b' is not a colour QuickSight takes: #RRGGBB with upper-case hex digits ('#C0392B')",
      "error: Definition.Sheets[0].Visuals[1].PieChartVisual.ChartConfiguration.VisualPalette.ChartColor: 'red' is not a colour QuickSight takes: #RRGGBB with upper-case hex digits",
    ]);
  });

  it('a category another chart colours differently is a warning naming both places', () => {
    expect(
      validate((a) => {
        (palette(a, 1).ColorMap[1] as { Color: string }).Color = '#27AE60';
      }),
    ).toEqual([
      "warning: Definition.Sheets[0].Visuals[1].PieChartVisual.ChartConfiguration.VisualPalette.ColorMap[1].Color: category 'cost' is #27AE60 in visual 'donut' but #2E86C1 in the field colours of categories.category: give a value one colour everywhere",
    ]);
  });
});
