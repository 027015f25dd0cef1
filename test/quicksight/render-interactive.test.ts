/**
 * What the page's script is given (interactive.ts): which filters are dynamic, and each visual's
 * cube — one line per distinct combination of its dimensions and filtered columns, with partial
 * aggregates — checked line by line on a small data set.
 */
import type { FilterGroup } from '@aws-sdk/client-quicksight';
import { describe, expect, it } from 'vitest';
import { makeFrame } from '../../src/quicksight/render/fields.js';
import type { DataSetData } from '../../src/quicksight/render/index.js';
import {
  dynamicFilters,
  MAX_CUBE_LINES,
  type VisualSpec,
  visualSpec,
} from '../../src/quicksight/render/interactive.js';
import type { VisualEnv } from '../../src/quicksight/render/visuals.js';

const col = (ColumnName: string) => ({ DataSetIdentifier: 'ev', ColumnName });
const DATA: DataSetData = {
  columns: [
    { name: 'account', type: 'STRING' },
    { name: 'category', type: 'STRING' },
    { name: 'compliant', type: 'INTEGER' },
    { name: 'non_compliant', type: 'INTEGER' },
  ],
  rows: [
    { account: 'alpha', category: 'security', compliant: 3, non_compliant: 1 },
    { account: 'alpha', category: 'security', compliant: 2, non_compliant: 0 },
    { account: 'alpha', category: 'cost', compliant: 0, non_compliant: 4 },
    { account: 'beta', category: 'security', compliant: 5, non_compliant: null },
  ],
};

const CONTROLLED: FilterGroup = {
  FilterGroupId: 'g-category',
  CrossDataset: 'SINGLE_DATASET',
  Filters: [
    {
      CategoryFilter: {
        FilterId: 'f-category',
        Column: col('category'),
        Configuration: {
          FilterListConfiguration: {
            MatchOperator: 'CONTAINS',
            SelectAllOptions: 'FILTER_ALL_VALUES',
            NullOption: 'ALL_VALUES',
          },
        },
      },
    },
  ],
  ScopeConfiguration: {
    SelectedSheets: { SheetVisualScopingConfigurations: [{ SheetId: 's', Scope: 'ALL_VISUALS' }] },
  },
};
const BY_PARAMETER: FilterGroup = {
  FilterGroupId: 'g-account',
  CrossDataset: 'SINGLE_DATASET',
  Filters: [
    {
      CategoryFilter: {
        FilterId: 'f-account',
        Column: col('account'),
        Configuration: {
          CustomFilterConfiguration: {
            MatchOperator: 'EQUALS',
            ParameterName: 'picked',
            NullOption: 'NON_NULLS_ONLY',
          },
        },
      },
    },
  ],
  ScopeConfiguration: {
    SelectedSheets: { SheetVisualScopingConfigurations: [{ SheetId: 's', Scope: 'ALL_VISUALS' }] },
  },
};
const FIXED: FilterGroup = {
  FilterGroupId: 'g-fixed',
  CrossDataset: 'SINGLE_DATASET',
  ScopeConfiguration: { AllSheets: {} },
  Filters: [
    {
      CategoryFilter: {
        FilterId: 'f-fixed',
        Column: col('category'),
        Configuration: {
          FilterListConfiguration: { MatchOperator: 'CONTAINS', CategoryValues: ['security'] },
        },
      },
    },
  ],
};

function env(data: DataSetData): VisualEnv {
  const frame = makeFrame(
    'ev',
    data,
    [
      {
        DataSetIdentifier: 'ev',
        Name: 'score',
        Expression: 'sum({compliant}) / (sum({compliant}) + sum({non_compliant}))',
      },
    ],
    new Map(),
    new Date('2026-11-30T00:00:00Z'),
  );
  return {
    frames: new Map([['ev', frame]]),
    valueColors: new Map(),
    filterGroups: [],
    columnFormats: new Map(),
    filterContext: { params: new Map(), now: new Date('2026-11-30T00:00:00Z') },
    sheetId: 's',
    size: { width: 400, height: 300 },
  };
}

describe('dynamic filters', () => {
  it('a filter a control names and a filter on a parameter are dynamic; one with fixed values is not', () => {
    const sheets = [
      {
        SheetId: 's',
        FilterControls: [
          { Dropdown: { FilterControlId: 'c', SourceFilterId: 'f-category', Title: 'Category' } },
        ],
      },
    ];
    const got = dynamicFilters(sheets, [CONTROLLED, BY_PARAMETER, FIXED], new Map([['picked', 'beta']]));
    expect(got.map(({ group: _g, ...f }) => f)).toEqual([
      {
        id: 'f-category',
        column: 'category',
        dataSet: 'ev',
        control: 'c',
        op: 'EQUALS',
        nulls: 'ALL_VALUES',
        initial: [],
      },
      {
        id: 'f-account',
        column: 'account',
        dataSet: 'ev',
        param: 'picked',
        op: 'EQUALS',
        nulls: 'NON_NULLS_ONLY',
        initial: ['beta'],
      },
    ]);
  });
});

describe('cubes', () => {
  it('a KPI of a calculated score: one line per category and account, with the sums of compliant and non-compliant', () => {
    const e = env(DATA);
    const filters = dynamicFilters(
      [
        {
          SheetId: 's',
          FilterControls: [{ List: { FilterControlId: 'c', SourceFilterId: 'f-category', Title: 'C' } }],
        },
      ],
      [CONTROLLED, BY_PARAMETER],
      new Map(),
    );
    const spec = visualSpec({
      env: e,
      visual: {
        KPIVisual: {
          VisualId: 'k',
          ChartConfiguration: {
            FieldWells: { Values: [{ NumericalMeasureField: { FieldId: 'k.v', Column: col('score') } }] },
          },
        },
      },
      filters,
      actionColumns: [],
      rows: (f) => f.rows,
    }) as VisualSpec;
    expect(spec.keys.map((k) => [k.column, k.dict])).toEqual([
      ['category', ['security', 'cost']],
      ['account', ['alpha', 'beta']],
    ]);
    expect(spec.filters).toEqual({ 'f-category': 0, 'f-account': 1 });
    expect(spec.codes).toEqual([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    // sum(compliant), sum(compliant), sum(non_compliant) per line; beta's non_compliant is null.
    expect(spec.comps.map((c) => c.fn)).toEqual(['SUM', 'SUM', 'SUM']);
    expect(spec.parts).toEqual([
      [5, 0, 5],
      [5, 0, 5],
      [1, 4, null],
    ]);
    expect(spec.measures[0]?.tree).toEqual(['/', ['c', 0], ['+', ['c', 1], ['c', 2]]]);
  });

  it(`a visual with more than ${MAX_CUBE_LINES.toLocaleString('en-US')} distinct lines is not recomputed`, () => {
    const rows = Array.from({ length: MAX_CUBE_LINES + 1 }, (_, i) => ({
      account: `a${i}`,
      category: 'security',
      compliant: 1,
      non_compliant: 0,
    }));
    const spec = visualSpec({
      env: env({ columns: DATA.columns, rows }),
      visual: {
        TableVisual: {
          VisualId: 't',
          ChartConfiguration: {
            FieldWells: {
              TableUnaggregatedFieldWells: { Values: [{ FieldId: 't.a', Column: col('account') }] },
            },
          },
        },
      },
      filters: dynamicFilters([], [BY_PARAMETER], new Map()),
      actionColumns: [],
      rows: (f) => f.rows,
    });
    expect(spec).toEqual({ fixed: '50,001 distinct lines, more than the page recomputes (50,000)' });
  });
});
