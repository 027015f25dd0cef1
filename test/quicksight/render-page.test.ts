/**
 * The local page as a person reads it: one colour per category in every chart, identical
 * unaggregated lines shown once with their count, and a first column that stays in view.
 */
import type { Visual } from '@aws-sdk/client-quicksight';
import { describe, expect, it } from 'vitest';
import { PALETTE } from '../../src/quicksight/render/charts.js';
import { valueColors } from '../../src/quicksight/render/colors.js';
import { makeFrame } from '../../src/quicksight/render/fields.js';
import { type DataSetData, renderDashboardHtml } from '../../src/quicksight/render/index.js';
import { collapseIdentical } from '../../src/quicksight/render/visuals.js';

const col = (ColumnName: string) => ({ DataSetIdentifier: 'ds', ColumnName });
const cat = (FieldId: string, c: string) => ({ CategoricalDimensionField: { FieldId, Column: col(c) } });
const sum = (FieldId: string, c: string) => ({
  NumericalMeasureField: {
    FieldId,
    Column: col(c),
    AggregationFunction: { SimpleNumericalAggregation: 'SUM' as const },
  },
});

const DATA: DataSetData = {
  columns: [
    { name: 'account', type: 'STRING' },
    { name: 'category', type: 'STRING' },
    { name: 'non_compliant', type: 'INTEGER' },
  ],
  rows: [
    { account: 'alpha', category: 'security', non_compliant: 2 },
    { account: 'alpha', category: 'cost', non_compliant: 4 },
    { account: 'beta', category: 'security', non_compliant: 9 },
    { account: 'beta', category: 'backup', non_compliant: 3 },
    { account: 'beta', category: 'backup', non_compliant: 3 },
    { account: 'gamma', category: 'performance', non_compliant: 1 },
  ],
};

const PIE: Visual = {
  PieChartVisual: {
    VisualId: 'pie',
    ChartConfiguration: {
      FieldWells: {
        PieChartAggregatedFieldWells: {
          Category: [cat('pie.c', 'category')],
          Values: [sum('pie.n', 'non_compliant')],
        },
      },
    },
  },
};
const BARS: Visual = {
  BarChartVisual: {
    VisualId: 'bars',
    ChartConfiguration: {
      FieldWells: {
        BarChartAggregatedFieldWells: {
          Category: [cat('bars.c', 'category')],
          Values: [sum('bars.n', 'non_compliant')],
        },
      },
    },
  },
};
const STACKED: Visual = {
  BarChartVisual: {
    VisualId: 'stacked',
    ChartConfiguration: {
      FieldWells: {
        BarChartAggregatedFieldWells: {
          Category: [cat('stacked.a', 'account')],
          Values: [sum('stacked.n', 'non_compliant')],
          Colors: [cat('stacked.c', 'category')],
        },
      },
      BarsArrangement: 'STACKED',
    },
  },
};
const TABLE: Visual = {
  TableVisual: {
    VisualId: 'table',
    ChartConfiguration: {
      FieldWells: {
        TableUnaggregatedFieldWells: {
          Values: [
            { FieldId: 'table.a', Column: col('account') },
            { FieldId: 'table.c', Column: col('category') },
            { FieldId: 'table.n', Column: col('non_compliant') },
          ],
        },
      },
    },
  },
};

function page(visuals: Visual[][], custom?: { FieldValue: string; Color: string }[]): string {
  return renderDashboardHtml({
    title: 't',
    definition: {
      DataSetIdentifierDeclarations: [
        { Identifier: 'ds', DataSetArn: 'arn:aws:quicksight:eu-west-1:1:dataset/ds' },
      ],
      Sheets: visuals.map((Visuals, i) => ({ SheetId: `s${i}`, Name: `S${i}`, Visuals })),
      ...(custom
        ? {
            ColumnConfigurations: [
              { Column: col('category'), ColorsConfiguration: { CustomColors: custom } },
            ],
          }
        : {}),
    },
    dataSets: new Map([['ds', DATA]]),
    generatedAt: '2026-11-30',
  });
}

/** The SVG of a visual on the page. */
function svgOf(html: string, visualId: string): string {
  const at = html.indexOf(`data-visual-id="${visualId}"`);
  return html.slice(at, html.indexOf('</figure>', at));
}

describe('one colour per category across the page', () => {
  it('categories take the palette in value order; CustomColors come first and their colours are not reused', () => {
    const frame = makeFrame('ds', DATA, [], new Map(), new Date());
    expect(Object.fromEntries(valueColors([PIE], undefined, [frame]).get('category') ?? [])).toEqual({
      backup: PALETTE[0],
      cost: PALETTE[1],
      performance: PALETTE[2],
      security: PALETTE[3],
    });
    const custom = valueColors(
      [BARS],
      [
        {
          Column: col('category'),
          ColorsConfiguration: { CustomColors: [{ FieldValue: 'cost', Color: PALETTE[0] as string }] },
        },
      ],
      [frame],
    );
    expect(Object.fromEntries(custom.get('category') ?? [])).toEqual({
      cost: PALETTE[0],
      backup: PALETTE[1],
      performance: PALETTE[2],
      security: PALETTE[3],
    });
    // A column no chart colours by has no colours.
    expect(valueColors([BARS], undefined, [frame]).size).toBe(0);
  });

  it('the pie, the single-series bars and the stacked series on another sheet draw security in one colour', () => {
    const html = page([[PIE, BARS], [STACKED]], [{ FieldValue: 'security', Color: '#a1b2c3' }]);
    for (const id of ['pie', 'bars', 'stacked']) expect(svgOf(html, id), id).toContain('#a1b2c3');
    // Without CustomColors security is the fourth value, the palette's fourth colour, in all three.
    const plain = page([[PIE, BARS], [STACKED]]);
    for (const id of ['pie', 'bars', 'stacked']) expect(svgOf(plain, id), id).toContain(PALETTE[3] as string);
  });
});

describe('tables', () => {
  it('identical lines are shown once with their count, in the order they first appear', () => {
    expect(
      collapseIdentical([
        ['a', 1],
        ['b', 2],
        ['a', 1],
        ['a', 1],
      ]),
    ).toEqual({
      lines: [
        ['a', 1],
        ['b', 2],
      ],
      counts: [3, 1],
    });
    expect(
      collapseIdentical([
        ['a', 1],
        ['b', 2],
      ]),
    ).toEqual({
      lines: [
        ['a', 1],
        ['b', 2],
      ],
    });
  });

  it('an unaggregated table with a repeated row shows a Rows column; the first column is sticky', () => {
    const html = page([[TABLE]]);
    const table = svgOf(html, 'table');
    expect(table).toContain('data-rows="5"');
    expect(table).toContain('<th class="num" data-field-id="__rows">Rows</th>');
    const rows = [...table.matchAll(/<tr>(.*?)<\/tr>/g)]
      .slice(1)
      .map((m) => [...(m[1] as string).matchAll(/data-value="([^"]*)"/g)].map((v) => v[1]));
    expect(rows).toEqual([
      ['alpha', 'security', '2', '1'],
      ['alpha', 'cost', '4', '1'],
      ['beta', 'security', '9', '1'],
      ['beta', 'backup', '3', '2'],
      ['gamma', 'performance', '1', '1'],
    ]);
    expect(html).toContain('.qs-table tr>:first-child{position:sticky;left:0;');
  });
});
