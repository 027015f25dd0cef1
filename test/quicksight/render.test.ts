/** The local renderer's page: every supported visual type drawn, unsupported ones as labelled placeholders. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Visual } from '@aws-sdk/client-quicksight';
import { describe, expect, it } from 'vitest';
import type { QuickSightSource } from '../../src/model/quicksight.js';
import {
  type DataSetData,
  dataSetIdOf,
  loadDefinitionData,
  type QuickSightDefinition,
  renderDashboardHtml,
  renderLocalDashboard,
  SUPPORTED_VISUALS,
} from '../../src/quicksight/render/index.js';

/** A `${name}` placeholder of the quicksight/ files. */
const ph = (name: string) => `\${${name}}`;
const col = (ColumnName: string) => ({ DataSetIdentifier: 'ds', ColumnName });
const title = (PlainText: string) => ({ Visibility: 'VISIBLE' as const, FormatText: { PlainText } });
const percent = {
  FormatConfiguration: {
    PercentageDisplayFormatConfiguration: {
      DecimalPlacesConfiguration: { DecimalPlaces: 1 },
      NullValueFormatConfiguration: { NullString: 'n/a' },
    },
  },
};
const cat = (FieldId: string, c: string) => ({ CategoricalDimensionField: { FieldId, Column: col(c) } });
const sum = (FieldId: string, c: string, agg: 'SUM' | 'AVERAGE' | 'MAX' = 'SUM') => ({
  NumericalMeasureField: {
    FieldId,
    Column: col(c),
    AggregationFunction: { SimpleNumericalAggregation: agg },
  },
});

const DATA: DataSetData = {
  columns: [
    { name: 'account', type: 'STRING' },
    { name: 'category', type: 'STRING' },
    { name: 'region', type: 'STRING' },
    { name: 'compliant', type: 'INTEGER' },
    { name: 'non_compliant', type: 'INTEGER' },
    { name: 'day', type: 'DATETIME' },
  ],
  rows: [
    {
      account: 'alpha',
      category: 'security',
      region: 'eu-west-1',
      compliant: 10,
      non_compliant: 2,
      day: '2024-06-01',
    },
    {
      account: 'alpha',
      category: 'cost',
      region: 'eu-west-1',
      compliant: 4,
      non_compliant: 4,
      day: '2024-06-02',
    },
    {
      account: 'beta',
      category: 'security',
      region: 'us-east-1',
      compliant: 1,
      non_compliant: 9,
      day: '2024-06-02',
    },
    {
      account: 'gamma',
      category: 'backup',
      region: 'eu-west-1',
      compliant: 1200,
      non_compliant: 0,
      day: '2024-06-03',
    },
    {
      account: 'gamma',
      category: 'security',
      region: 'us-east-1',
      compliant: 3,
      non_compliant: 1,
      day: '2024-06-03',
    },
  ],
};

const VISUALS: Visual[] = [
  {
    KPIVisual: {
      VisualId: 'kpi-score',
      Title: title('Organization score'),
      ChartConfiguration: {
        FieldWells: {
          Values: [
            {
              NumericalMeasureField: {
                FieldId: 'kpi-score.v',
                Column: col('score'),
                FormatConfiguration: percent,
              },
            },
          ],
        },
      },
    },
  },
  {
    KPIVisual: {
      VisualId: 'kpi-trend',
      Title: title('Non-compliant, latest day'),
      ChartConfiguration: {
        FieldWells: {
          Values: [sum('kpi-trend.v', 'non_compliant')],
          TargetValues: [sum('kpi-trend.t', 'compliant')],
          TrendGroups: [{ DateDimensionField: { FieldId: 'kpi-trend.d', Column: col('day') } }],
        },
        KPIOptions: {
          Sparkline: { Type: 'LINE', Visibility: 'VISIBLE' },
          Comparison: { ComparisonMethod: 'DIFFERENCE' },
        },
      },
    },
  },
  {
    BarChartVisual: {
      VisualId: 'bar-vertical',
      Title: title('Evaluations by category'),
      Subtitle: { FormatText: { PlainText: 'two measures side by side' } },
      ChartConfiguration: {
        FieldWells: {
          BarChartAggregatedFieldWells: {
            Category: [cat('bar-vertical.c', 'category')],
            Values: [sum('bar-vertical.ok', 'compliant'), sum('bar-vertical.nok', 'non_compliant')],
          },
        },
        Orientation: 'VERTICAL',
        BarsArrangement: 'CLUSTERED',
        DataLabels: { Visibility: 'VISIBLE' },
      },
    },
  },
  {
    BarChartVisual: {
      VisualId: 'bar-horizontal',
      Title: title('Non-compliant by account, stacked by category'),
      ChartConfiguration: {
        FieldWells: {
          BarChartAggregatedFieldWells: {
            Category: [cat('bar-horizontal.a', 'account')],
            Values: [sum('bar-horizontal.n', 'non_compliant')],
            Colors: [cat('bar-horizontal.c', 'category')],
          },
        },
        SortConfiguration: {
          CategorySort: [{ FieldSort: { FieldId: 'bar-horizontal.n', Direction: 'DESC' } }],
          CategoryItemsLimit: { ItemsLimit: 2, OtherCategories: 'INCLUDE' },
        },
        Orientation: 'HORIZONTAL',
        BarsArrangement: 'STACKED',
        VisualPalette: {
          ColorMap: [{ Element: { FieldId: 'bar-horizontal.c', FieldValue: 'security' }, Color: '#123456' }],
        },
      },
    },
  },
  {
    PieChartVisual: {
      VisualId: 'donut',
      Title: title('Non-compliant by category'),
      ChartConfiguration: {
        FieldWells: {
          PieChartAggregatedFieldWells: {
            Category: [cat('donut.c', 'category')],
            Values: [sum('donut.n', 'non_compliant')],
          },
        },
        DonutOptions: {
          ArcOptions: { ArcThickness: 'MEDIUM' },
          DonutCenterOptions: { LabelVisibility: 'VISIBLE' },
        },
      },
    },
  },
  {
    LineChartVisual: {
      VisualId: 'line',
      Title: title('Compliant per day'),
      ChartConfiguration: {
        FieldWells: {
          LineChartAggregatedFieldWells: {
            Category: [
              { DateDimensionField: { FieldId: 'line.d', Column: col('day'), DateGranularity: 'DAY' } },
            ],
            Values: [sum('line.c', 'compliant')],
            Colors: [cat('line.r', 'region')],
          },
        },
        Type: 'LINE',
      },
    },
  },
];

const DETAIL_VISUALS: Visual[] = [
  {
    TableVisual: {
      VisualId: 'table-agg',
      Title: title('Accounts'),
      ChartConfiguration: {
        FieldWells: {
          TableAggregatedFieldWells: {
            GroupBy: [cat('t.a', 'account')],
            Values: [
              sum('t.c', 'compliant'),
              sum('t.n', 'non_compliant'),
              {
                NumericalMeasureField: { FieldId: 't.s', Column: col('score'), FormatConfiguration: percent },
              },
              sum('t.hidden', 'compliant', 'MAX'),
            ],
          },
        },
        SortConfiguration: { RowSort: [{ FieldSort: { FieldId: 't.s', Direction: 'ASC' } }] },
        FieldOptions: {
          SelectedFieldOptions: [
            { FieldId: 't.a', CustomLabel: 'Account' },
            { FieldId: 't.s', CustomLabel: 'Score' },
            { FieldId: 't.hidden', Visibility: 'HIDDEN' },
          ],
          Order: ['t.a', 't.s', 't.n', 't.c', 't.hidden'],
        },
        TotalOptions: { TotalsVisibility: 'VISIBLE' },
      },
      ConditionalFormatting: {
        ConditionalFormattingOptions: [
          {
            Cell: {
              FieldId: 't.s',
              TextFormat: {
                BackgroundColor: {
                  Gradient: {
                    Expression: 'score',
                    Color: {
                      Stops: [
                        { GradientOffset: 0, Color: '#ff0000' },
                        { GradientOffset: 100, Color: '#00ff00' },
                      ],
                    },
                  },
                },
              },
            },
          },
        ],
      },
    },
  },
  {
    TableVisual: {
      VisualId: 'table-rows',
      Title: title('Every evaluation'),
      ChartConfiguration: {
        FieldWells: {
          TableUnaggregatedFieldWells: {
            Values: [
              { FieldId: 'u.a', Column: col('account') },
              {
                FieldId: 'u.d',
                Column: col('day'),
                FormatConfiguration: { DateTimeFormatConfiguration: { DateTimeFormat: 'D MMM YYYY' } },
              },
              { FieldId: 'u.c', Column: col('compliant') },
            ],
          },
        },
        SortConfiguration: {
          RowSort: [{ ColumnSort: { SortBy: col('compliant'), Direction: 'DESC' } }],
        },
      },
    },
  },
  {
    PivotTableVisual: {
      VisualId: 'pivot',
      Title: title('Non-compliant by account and region'),
      ChartConfiguration: {
        FieldWells: {
          PivotTableAggregatedFieldWells: {
            Rows: [cat('p.a', 'account')],
            Columns: [cat('p.r', 'region')],
            Values: [sum('p.n', 'non_compliant')],
          },
        },
        TotalOptions: {
          ColumnTotalOptions: { TotalsVisibility: 'VISIBLE' },
          RowTotalOptions: { TotalsVisibility: 'VISIBLE' },
        },
      },
    },
  },
  {
    HeatMapVisual: {
      VisualId: 'heat',
      Title: title('Score by account and category'),
      ChartConfiguration: {
        FieldWells: {
          HeatMapAggregatedFieldWells: {
            Rows: [cat('h.a', 'account')],
            Columns: [cat('h.c', 'category')],
            Values: [
              {
                NumericalMeasureField: { FieldId: 'h.s', Column: col('score'), FormatConfiguration: percent },
              },
            ],
          },
        },
        ColorScale: {
          ColorFillType: 'GRADIENT',
          Colors: [
            { Color: '#d73027', DataValue: 0 },
            { Color: '#1a9850', DataValue: 1 },
          ],
        },
      },
    },
  },
  { GaugeChartVisual: { VisualId: 'gauge', Title: title('Gauge of something') } },
  {
    BarChartVisual: {
      VisualId: 'broken',
      Title: title('Reads a column that does not exist'),
      ChartConfiguration: {
        FieldWells: {
          BarChartAggregatedFieldWells: {
            Category: [cat('b.x', 'nope')],
            Values: [sum('b.n', 'non_compliant')],
          },
        },
      },
    },
  },
  {
    TableVisual: {
      VisualId: 'hidden-title',
      Title: { Visibility: 'HIDDEN', FormatText: { PlainText: 'A title nobody sees' } },
      ChartConfiguration: {
        FieldWells: { TableUnaggregatedFieldWells: { Values: [{ FieldId: 'x.a', Column: col('account') }] } },
      },
    },
  },
];

const DEFINITION: QuickSightDefinition = {
  DataSetIdentifierDeclarations: [{ Identifier: 'ds', DataSetArn: ph('dataSet:test-ds') }],
  CalculatedFields: [
    {
      DataSetIdentifier: 'ds',
      Name: 'score',
      Expression: 'sum({compliant}) / (sum({compliant}) + sum({non_compliant}))',
    },
  ],
  Sheets: [
    {
      SheetId: 'overview',
      Name: 'Overview',
      Title: 'How it stands',
      Description: 'A test sheet',
      Visuals: VISUALS,
      TextBoxes: [
        { SheetTextBoxId: 'note', Content: '<text-box>Read <b>me</b> first<br/>second line</text-box>' },
      ],
      Layouts: [
        {
          Configuration: {
            GridLayout: {
              Elements: [
                { ElementId: 'note', ElementType: 'TEXT_BOX', ColumnSpan: 36, RowSpan: 2 },
                { ElementId: 'kpi-score', ElementType: 'VISUAL', ColumnSpan: 9, RowSpan: 6 },
                { ElementId: 'kpi-trend', ElementType: 'VISUAL', ColumnSpan: 9, RowSpan: 6 },
                { ElementId: 'bar-vertical', ElementType: 'VISUAL', ColumnSpan: 18, RowSpan: 12 },
              ],
            },
          },
        },
      ],
    },
    { SheetId: 'details', Name: 'Details', Visuals: DETAIL_VISUALS },
  ],
};

function render(definition = DEFINITION): string {
  return renderDashboardHtml({
    title: 'Test <dashboard>',
    definition,
    dataSets: new Map([['ds', DATA]]),
    generatedAt: '2024-06-03',
  });
}

/** The HTML of one visual's container. */
function box(html: string, id: string): string {
  const start = html.indexOf(`data-visual-id="${id}"`);
  if (start < 0) throw new Error(`no visual ${id}`);
  const from = html.lastIndexOf('<figure', start);
  return html.slice(from, html.indexOf('</figure>', start) + 9);
}

function decode(s: string): string {
  return s
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Table rows as { fieldId: text } (body rows only, totals included). */
function tableRows(html: string): Record<string, string>[] {
  const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    Object.fromEntries(
      [...(m[1] ?? '').matchAll(/<(td|th)([^>]*)>([\s\S]*?)<\/\1>/g)].map((c, i) => [
        /data-field-id="([^"]*)"/.exec(c[2] ?? '')?.[1] ?? `#${i}`,
        decode(c[3] ?? ''),
      ]),
    ),
  );
}

describe('renderDashboardHtml', () => {
  const html = render();
  // QS_RENDER_OUT=dir keeps the page to look at (the browser test screenshots the real dashboard).
  if (process.env.QS_RENDER_OUT) writeFileSync(join(process.env.QS_RENDER_OUT, 'test-definition.html'), html);

  it('is one static page: no script, no external resource, sheets as CSS tabs', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="?https?:/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).toContain('<title>Test &lt;dashboard&gt;</title>');
    expect(html.match(/<input class="tab-input" type="radio"/g)).toHaveLength(2);
    expect(html).toContain('data-sheet-id="overview"');
    expect(html).toContain('data-sheet-id="details"');
    expect(html).toContain('#tab-1:checked~#sheet-1{display:block}');
    expect(html).toContain('<p>Read me first</p><p>second line</p>');
  });

  it('gives every visual of the definition a container with its id, type and title', () => {
    for (const sheet of DEFINITION.Sheets ?? []) {
      const section = html.slice(html.indexOf(`data-sheet-id="${sheet.SheetId}"`));
      for (const v of sheet.Visuals ?? []) {
        const [type, body] = Object.entries(v)[0] as [
          string,
          { VisualId: string; Title?: { FormatText?: { PlainText?: string } } },
        ];
        const b = box(section, body.VisualId);
        expect(b).toContain(`data-visual-type="${type}"`);
        expect(b).toContain(`<h3`);
        expect(decode(b)).toContain(body.Title?.FormatText?.PlainText ?? '');
      }
    }
  });

  it.each(['bar-vertical', 'bar-horizontal', 'donut', 'line', 'heat'])(
    'draws %s as an inline SVG chart',
    (id) => {
      const b = box(html, id);
      expect(b).toContain('data-rendered="true"');
      expect(b).toMatch(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(b).toMatch(/<(path|rect)\b/);
    },
  );

  it('bar charts: category labels, measures as series, colour series with the palette, items limit with Other', () => {
    const v = box(html, 'bar-vertical');
    for (const c of ['security', 'cost', 'backup']) expect(v).toContain(`>${c}</text>`);
    expect(v).toContain('>compliant</text>'); // legend of two measures
    expect(v).toContain('>1,200</text>'); // data label in the field's default number format
    const h = box(html, 'bar-horizontal');
    expect(h).toContain('>beta</text>');
    expect(h).toContain('>alpha</text>');
    expect(h).toContain('>Other</text>');
    expect(h).not.toContain('>gamma</text>');
    expect(h).toContain('#123456');
  });

  it('pie as a donut with the total in the centre; line chart over formatted dates', () => {
    const p = box(html, 'donut');
    expect(p).toContain('>16</text>');
    expect(p).toMatch(/security: 75(\.0)?%/);
    const l = box(html, 'line');
    expect(l).toContain('>Jun 1, 2024</text>');
    expect(l).toContain('>eu-west-1</text>');
  });

  it('KPIs: aggregated value in the field format; trend against the previous group with target and sparkline', () => {
    const k = box(html, 'kpi-score');
    expect(k).toContain(`data-value="${1218 / 1234}"`);
    expect(decode(k)).toContain('98.7%');
    const t = decode(box(html, 'kpi-trend'));
    expect(t).toContain('1'); // non-compliant on 2024-06-03
    expect(t).toContain('▼ −12 vs previous');
    expect(t).toContain('Target 1,203');
    expect(box(html, 'kpi-trend')).toContain('<svg');
  });

  it('aggregated table: custom labels, order, hidden fields, sort, formats, totals and a colour scale', () => {
    const b = box(html, 'table-agg');
    expect(decode(b.slice(b.indexOf('<thead>'), b.indexOf('</thead>')))).toBe(
      'AccountScorenon_compliantcompliant',
    );
    const rows = tableRows(b);
    expect(rows.map((r) => [r['t.a'] ?? r['#0'], r['t.s'], r['t.n'], r['t.c']])).toEqual([
      ['beta', '10.0%', '9', '1'],
      ['alpha', '70.0%', '6', '14'],
      ['gamma', '99.9%', '1', '1,203'],
      ['Total', '98.7%', '16', '1,218'],
    ]);
    expect(b).not.toContain('t.hidden');
    expect(b).toMatch(/data-field-id="t.s" data-value="0.1" style="background:rgb\(255,0,0\)/);
  });

  it('unaggregated table: one line per row, ColumnSort, date format', () => {
    const rows = tableRows(box(html, 'table-rows'));
    expect(rows.map((r) => `${r['u.a']} ${r['u.d']} ${r['u.c']}`)).toEqual([
      'gamma 3 Jun 2024 1,200',
      'alpha 1 Jun 2024 10',
      'alpha 2 Jun 2024 4',
      'gamma 3 Jun 2024 3',
      'beta 2 Jun 2024 1',
    ]);
  });

  it('pivot table: rows × columns with row and column totals', () => {
    const b = box(html, 'pivot');
    expect(decode(b)).toContain('eu-west-1');
    const body = b.slice(b.indexOf('<tbody>'), b.indexOf('</tbody>'));
    const rows = [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
      [...(m[1] ?? '').matchAll(/<(td|th)[^>]*>([\s\S]*?)<\/\1>/g)].map((c) => decode(c[2] ?? '')),
    );
    expect(rows).toEqual([
      ['alpha', '6', '', '6'],
      ['beta', '', '9', '9'],
      ['gamma', '0', '1', '1'],
      ['Total', '6', '10', '16'],
    ]);
  });

  it('an unsupported visual type is a labelled placeholder, not dropped; a broken visual says why', () => {
    const g = box(html, 'gauge');
    expect(g).toContain('data-visual-type="GaugeChartVisual"');
    expect(g).toContain('data-rendered="false"');
    expect(decode(g)).toContain('GaugeChartVisual is not rendered locally: Gauge of something');
    expect((SUPPORTED_VISUALS as readonly string[]).includes('GaugeChartVisual')).toBe(false);
    const broken = decode(box(html, 'broken'));
    expect(broken).toContain(
      'BarChartVisual could not be computed locally: column nope is not in data set ds',
    );
  });

  it('covers every supported visual type, each computed (not an error box)', () => {
    for (const type of SUPPORTED_VISUALS) {
      const boxes = [...html.matchAll(new RegExp(`<figure[^>]*data-visual-type="${type}"[^>]*>`, 'g'))];
      expect(boxes.length, type).toBeGreaterThan(0);
      for (const b of boxes)
        if (!b[0].includes('data-visual-id="broken"')) expect(b[0], type).toContain('data-rendered="true"');
    }
  });

  it('a hidden title stays in the page for tests and screen readers, visually hidden', () => {
    expect(box(html, 'hidden-title')).toContain('<h3 class="hidden-title">A title nobody sees</h3>');
  });

  it('a visual whose data set has no data is an error box naming it', () => {
    const page = renderDashboardHtml({
      title: 't',
      definition: DEFINITION,
      dataSets: new Map(),
      generatedAt: '2024-06-03',
    });
    expect(decode(box(page, 'kpi-score'))).toContain('data set ds has no data');
  });
});

describe('renderLocalDashboard', () => {
  it('renders the dashboard of quicksight/ sources, following an analysis reference to its definition', async () => {
    const source = (
      kind: QuickSightSource['kind'],
      id: string,
      json: Record<string, unknown>,
    ): QuickSightSource => ({
      kind,
      id,
      json,
      file: `quicksight/${kind}/${id}.json`,
      text: JSON.stringify(json),
    });
    const dataSet = {
      DataSetId: 'test-ds',
      PhysicalTableMap: {
        t: {
          RelationalTable: {
            DataSourceArn: ph('dataSource:x'),
            Schema: ph('glue:database'),
            Name: 'data',
            InputColumns: DATA.columns.map((c) => ({ Name: c.name, Type: c.type })),
          },
        },
      },
    };
    const sql: string[] = [];
    const page = await renderLocalDashboard({
      sources: [
        source('quicksight-data-set', 'test-ds', dataSet),
        source('quicksight-analysis', 'a', { AnalysisId: 'a', Name: 'A', Definition: DEFINITION }),
        source('quicksight-dashboard', 'd', {
          DashboardId: 'd',
          Name: 'The dashboard',
          Definition: ph('analysis:a'),
        }),
      ],
      query: async (q) => {
        sql.push(q);
        return DATA.rows;
      },
      placeholders: { 'glue:database': 'db' },
      generatedAt: '2024-06-03',
    });
    expect(sql).toEqual([`SELECT ${DATA.columns.map((c) => `"${c.name}"`).join(', ')} FROM "db"."data"`]);
    expect(page.dashboardId).toBe('d');
    expect(page.title).toBe('The dashboard');
    expect(page.html).toContain('<title>The dashboard</title>');
    expect(decode(box(page.html, 'kpi-score'))).toContain('98.7%');
  });
});

describe('loadDefinitionData', () => {
  it('queries physical tables once, joins, renames, projects, filters and creates columns like QuickSight', async () => {
    const queries: string[] = [];
    const run = async (sql: string) => {
      queries.push(sql);
      if (sql.includes('"summary"'))
        return [
          {
            account_id: '1',
            compliant: 3n,
            score: 0.75,
            last: new Date('2024-06-02T00:00:00Z'),
            stale: true,
          },
          { account_id: '2', compliant: 0, score: null, last: null, stale: false },
          { account_id: '3', compliant: 1, score: 1, last: '2024-06-01', stale: false },
        ];
      if (sql.includes('"accounts"'))
        return [
          { account_id: '1', owner: 'team-a' },
          { account_id: '3', owner: 'team-b' },
        ];
      return [{ n: 1 }];
    };
    const summary = {
      DataSetId: 'summary-ds',
      PhysicalTableMap: {
        s: {
          RelationalTable: {
            DataSourceArn: ph('dataSource:x'),
            Schema: ph('glue:database'),
            Name: 'summary',
            InputColumns: [
              { Name: 'account_id', Type: 'STRING' },
              { Name: 'compliant', Type: 'INTEGER' },
              { Name: 'score', Type: 'DECIMAL' },
              { Name: 'last', Type: 'DATETIME' },
              { Name: 'stale', Type: 'BIT' },
            ],
          },
        },
        o: {
          RelationalTable: {
            DataSourceArn: ph('dataSource:x'),
            Schema: ph('glue:database'),
            Name: 'accounts',
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
            { RenameColumnOperation: { ColumnName: 'account_id', NewColumnName: 'owner_account_id' } },
          ],
        },
        j: {
          Alias: 'joined',
          Source: {
            JoinInstruction: {
              LeftOperand: 's',
              RightOperand: 'o',
              Type: 'LEFT',
              OnClause: '{account_id} = {owner_account_id}',
            },
          },
          DataTransforms: [
            { FilterOperation: { ConditionExpression: "{account_id} <> '3'" } },
            {
              CreateColumnsOperation: {
                Columns: [
                  { ColumnName: 'has_owner', ColumnId: 'h', Expression: 'ifelse(isNull({owner}), 0, 1)' },
                ],
              },
            },
            {
              ProjectOperation: {
                ProjectedColumns: ['account_id', 'owner', 'compliant', 'score', 'last', 'stale', 'has_owner'],
              },
            },
          ],
        },
      },
    };
    const custom = {
      DataSetId: 'custom-ds',
      PhysicalTableMap: {
        c: {
          CustomSql: {
            DataSourceArn: ph('dataSource:x'),
            Name: 'c',
            SqlQuery: `SELECT 1 AS n FROM ${ph('glue:database')}.x`,
            Columns: [{ Name: 'n', Type: 'INTEGER' }],
          },
        },
      },
    };
    const definition: QuickSightDefinition = {
      DataSetIdentifierDeclarations: [
        { Identifier: 'a', DataSetArn: ph('dataSet:summary-ds') },
        { Identifier: 'b', DataSetArn: 'arn:aws:quicksight:eu-west-1:123456789012:dataset/custom-ds' },
        { Identifier: 'c', DataSetArn: ph('dataSet:summary-ds') },
      ],
    };
    const data = await loadDefinitionData(
      definition,
      new Map<string, Record<string, unknown>>([
        ['summary-ds', summary],
        ['custom-ds', custom],
      ]),
      run,
      { placeholders: { 'glue:database': 'org_compliance' } },
    );
    expect(queries.sort()).toEqual([
      'SELECT "account_id", "compliant", "score", "last", "stale" FROM "org_compliance"."summary"',
      'SELECT "account_id", "owner" FROM "org_compliance"."accounts"',
      'SELECT 1 AS n FROM org_compliance.x',
    ]);
    expect(data.get('a')?.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'account_id:STRING',
      'owner:STRING',
      'compliant:INTEGER',
      'score:DECIMAL',
      'last:DATETIME',
      'stale:BIT',
      'has_owner:INTEGER',
    ]);
    expect(data.get('a')?.rows).toEqual([
      {
        account_id: '1',
        owner: 'team-a',
        compliant: 3,
        score: 0.75,
        last: '2024-06-02T00:00:00.000Z',
        stale: 1,
        has_owner: 1,
      },
      { account_id: '2', owner: null, compliant: 0, score: null, last: null, stale: 0, has_owner: 0 },
    ]);
    expect(data.get('b')?.rows).toEqual([{ n: 1 }]);
    expect(data.get('c')).toEqual(data.get('a'));
  });

  it('names the declaration whose data set file is missing', async () => {
    await expect(
      loadDefinitionData(
        { DataSetIdentifierDeclarations: [{ Identifier: 'x', DataSetArn: ph('dataSet:nope') }] },
        new Map(),
        async () => [],
        { placeholders: {} },
      ),
    ).rejects.toThrow(`data set identifier x: no data set file for ${ph('dataSet:nope')}`);
    expect(dataSetIdOf(ph('dataSet:a-b'))).toBe('a-b');
    expect(dataSetIdOf('arn:aws:quicksight:us-east-1:1:dataset/x')).toBe('x');
  });
});
