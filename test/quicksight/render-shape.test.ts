/** Data shaping of the local renderer: field wells → groups → aggregated, sorted, limited series. */
import { describe, expect, it } from 'vitest';
import { evaluate, parseExpression } from '../../src/quicksight/render/expression.js';
import {
  dimensionField,
  type Frame,
  makeFrame,
  measureField,
  parameterValues,
  unaggregatedField,
} from '../../src/quicksight/render/fields.js';
import { applyFilters } from '../../src/quicksight/render/filters.js';
import { formatDate, formatValue, valueFormat } from '../../src/quicksight/render/format.js';
import {
  categorySeries,
  groupRows,
  limitGroups,
  matrix,
  OTHER,
  sortGroups,
  sortKeys,
  truncateDate,
} from '../../src/quicksight/render/shape.js';

const NOW = new Date('2024-06-30T12:00:00Z');

const ROWS = [
  {
    account: 'a',
    category: 'security',
    region: 'eu-west-1',
    compliant: 10,
    non_compliant: 2,
    score: 0.5,
    day: '2024-06-01',
    owner: 'x',
  },
  {
    account: 'a',
    category: 'cost',
    region: 'eu-west-1',
    compliant: 4,
    non_compliant: 4,
    score: 0.25,
    day: '2024-06-15',
    owner: 'x',
  },
  {
    account: 'b',
    category: 'security',
    region: 'us-east-1',
    compliant: 1,
    non_compliant: 9,
    score: null,
    day: '2024-05-20',
    owner: 'y',
  },
  {
    account: 'c',
    category: 'backup',
    region: 'eu-west-1',
    compliant: 7,
    non_compliant: 0,
    score: 1,
    day: '2024-06-29',
    owner: null,
  },
  {
    account: 'c',
    category: 'security',
    region: 'us-east-1',
    compliant: 3,
    non_compliant: 1,
    score: 0.75,
    day: '2024-06-30',
    owner: null,
  },
];

const COLUMNS = [
  { name: 'account', type: 'STRING' },
  { name: 'category', type: 'STRING' },
  { name: 'region', type: 'STRING' },
  { name: 'compliant', type: 'INTEGER' },
  { name: 'non_compliant', type: 'INTEGER' },
  { name: 'score', type: 'DECIMAL' },
  { name: 'day', type: 'DATETIME' },
  { name: 'owner', type: 'STRING' },
];

function frame(
  calculated: { Name: string; Expression: string }[] = [],
  params = new Map<string, unknown>(),
): Frame {
  return makeFrame(
    'ds',
    { columns: COLUMNS, rows: ROWS },
    calculated.map((c) => ({ DataSetIdentifier: 'ds', ...c })),
    params,
    NOW,
  );
}

const col = (ColumnName: string) => ({ DataSetIdentifier: 'ds', ColumnName });
const cat = (FieldId: string, c: string) =>
  dimensionField({ CategoricalDimensionField: { FieldId, Column: col(c) } });
const num = (FieldId: string, c: string, agg?: string) =>
  measureField({
    NumericalMeasureField: {
      FieldId,
      Column: col(c),
      ...(agg ? { AggregationFunction: { SimpleNumericalAggregation: agg as 'SUM' } } : {}),
    },
  });

describe('field wells', () => {
  it('reads dimension, measure and unaggregated fields with their defaults', () => {
    expect(cat('f1', 'account')).toMatchObject({
      fieldId: 'f1',
      dataSet: 'ds',
      column: 'account',
      role: 'dimension',
    });
    expect(num('f2', 'compliant').aggregation).toBe('SUM');
    expect(
      measureField({ CategoricalMeasureField: { FieldId: 'f3', Column: col('account') } }).aggregation,
    ).toBe('COUNT');
    expect(dimensionField({ DateDimensionField: { FieldId: 'f4', Column: col('day') } }).granularity).toBe(
      'DAY',
    );
    expect(unaggregatedField({ FieldId: 'f5', Column: col('score') }).role).toBe('unaggregated');
    expect(() => measureField({})).toThrow(/unknown kind/);
  });
});

describe('aggregation', () => {
  it('SUM, AVERAGE, MIN, MAX, COUNT and DISTINCT_COUNT per group, nulls ignored', () => {
    const f = frame();
    const measures = [
      num('sum', 'compliant', 'SUM'),
      num('avg', 'score', 'AVERAGE'),
      num('min', 'non_compliant', 'MIN'),
      num('max', 'non_compliant', 'MAX'),
      num('count', 'score', 'COUNT'),
      measureField({
        CategoricalMeasureField: {
          FieldId: 'dc',
          Column: col('region'),
          AggregationFunction: 'DISTINCT_COUNT',
        },
      }),
    ];
    const groups = groupRows(f, f.rows, [cat('c', 'category')], measures);
    const byCategory = Object.fromEntries(groups.map((g) => [g.dims[0], g.values]));
    expect(byCategory).toEqual({
      security: [14, 0.625, 1, 9, 2, 2],
      cost: [4, 0.25, 4, 4, 1, 1],
      backup: [7, 1, 0, 0, 1, 1],
    });
  });

  it('with no dimension, one group over all rows (also when there are no rows)', () => {
    const f = frame();
    expect(groupRows(f, f.rows, [], [num('s', 'compliant')])[0]?.values).toEqual([25]);
    expect(groupRows(f, [], [], [num('s', 'compliant')])[0]?.values).toEqual([null]);
  });

  it('date dimensions group by their granularity', () => {
    const f = frame();
    const month = dimensionField({
      DateDimensionField: { FieldId: 'm', Column: col('day'), DateGranularity: 'MONTH' },
    });
    const groups = groupRows(f, f.rows, [month], [num('s', 'compliant')]);
    expect(groups.map((g) => [g.dims[0], g.values[0]])).toEqual([
      ['2024-06-01', 24],
      ['2024-05-01', 1],
    ]);
    expect(truncateDate('2024-06-13', 'WEEK')).toBe('2024-06-09');
    expect(truncateDate('2024-08-13T10:11:12Z', 'QUARTER')).toBe('2024-07-01');
  });

  it('calculated fields: row-level columns and aggregate expressions', () => {
    const f = frame([
      { Name: 'total', Expression: '{compliant} + {non_compliant}' },
      { Name: 'ratio', Expression: 'sum({compliant}) / sum(total)' },
    ]);
    const groups = groupRows(f, f.rows, [cat('a', 'account')], [num('t', 'total'), num('r', 'ratio')]);
    expect(groups.map((g) => [g.dims[0], g.values[0], g.values[1]])).toEqual([
      ['a', 20, 14 / 20],
      ['b', 10, 0.1],
      ['c', 11, 10 / 11],
    ]);
    const calc = measureField({
      CalculatedMeasureField: { FieldId: 'x', Expression: 'countIf({account}, {non_compliant} > 1)' },
    });
    expect(groupRows(f, f.rows, [], [calc])[0]?.values).toEqual([3]);
  });
});

describe('sorting and limits', () => {
  it('FieldSort on a measure, descending, ties keep their order; nulls last both ways', () => {
    const f = frame();
    const dims = [cat('a', 'account')];
    const measures = [num('n', 'non_compliant'), num('s', 'score', 'MAX')];
    const groups = groupRows(f, f.rows, dims, measures);
    const desc = sortGroups(
      groups,
      sortKeys(f, [{ FieldSort: { FieldId: 'n', Direction: 'DESC' } }], dims, measures),
    );
    expect(desc.map((g) => g.dims[0])).toEqual(['b', 'a', 'c']);
    const byScoreAsc = sortGroups(
      groups,
      sortKeys(f, [{ FieldSort: { FieldId: 's', Direction: 'ASC' } }], dims, measures),
    );
    expect(byScoreAsc.map((g) => g.dims[0])).toEqual(['a', 'c', 'b']);
    const byScoreDesc = sortGroups(
      groups,
      sortKeys(f, [{ FieldSort: { FieldId: 's', Direction: 'DESC' } }], dims, measures),
    );
    expect(byScoreDesc.map((g) => g.dims[0])).toEqual(['c', 'a', 'b']);
  });

  it('several sort keys apply in order', () => {
    const f = frame();
    const dims = [cat('a', 'account'), cat('c', 'category')];
    const groups = groupRows(f, f.rows, dims, []);
    const sorted = sortGroups(
      groups,
      sortKeys(
        f,
        [
          { FieldSort: { FieldId: 'c', Direction: 'ASC' } },
          { FieldSort: { FieldId: 'a', Direction: 'DESC' } },
        ],
        dims,
        [],
      ),
    );
    expect(sorted.map((g) => g.dims.join('/'))).toEqual([
      'c/backup',
      'a/cost',
      'c/security',
      'b/security',
      'a/security',
    ]);
  });

  it('ColumnSort aggregates a column that is not a field of the visual', () => {
    const f = frame();
    const dims = [cat('a', 'account')];
    const groups = groupRows(f, f.rows, dims, []);
    const keys = sortKeys(
      f,
      [
        {
          ColumnSort: {
            SortBy: col('compliant'),
            Direction: 'DESC',
            AggregationFunction: { NumericalAggregationFunction: { SimpleNumericalAggregation: 'SUM' } },
          },
        },
      ],
      dims,
      [],
    );
    expect(sortGroups(groups, keys).map((g) => g.dims[0])).toEqual(['a', 'c', 'b']);
    expect(() => sortKeys(f, [{ FieldSort: { FieldId: 'nope', Direction: 'ASC' } }], dims, [])).toThrow(
      /nope/,
    );
  });

  it('ItemsLimit keeps the first items; OtherCategories INCLUDE folds the rest into Other', () => {
    const f = frame();
    const dims = [cat('a', 'account')];
    const measures = [num('c', 'compliant')];
    const groups = groupRows(f, f.rows, dims, measures);
    expect(
      limitGroups(f, groups, { ItemsLimit: 1, OtherCategories: 'EXCLUDE' }, measures).map((g) => g.dims[0]),
    ).toEqual(['a']);
    const withOther = limitGroups(f, groups, { ItemsLimit: 1, OtherCategories: 'INCLUDE' }, measures);
    expect(withOther.map((g) => [g.dims[0], g.values[0]])).toEqual([
      ['a', 14],
      [OTHER, 11],
    ]);
  });

  it('category series: sorted and limited categories, one series per colour value', () => {
    const f = frame();
    const data = categorySeries(
      f,
      f.rows,
      cat('a', 'account'),
      [num('n', 'non_compliant')],
      cat('c', 'category'),
      {
        categorySort: [{ FieldSort: { FieldId: 'n', Direction: 'DESC' } }],
        categoryLimit: { ItemsLimit: 2 },
        defaultOrder: 'value',
      },
    );
    expect(data.categories).toEqual(['b', 'a']);
    expect(data.series.map((s) => [s.name, s.values])).toEqual([
      ['backup', [null, null]],
      ['cost', [null, 4]],
      ['security', [9, 2]],
    ]);
    // Without a sort: value descending for categories, ascending for dates.
    const bare = categorySeries(f, f.rows, cat('a', 'account'), [num('c', 'compliant')], undefined, {
      defaultOrder: 'value',
    });
    expect(bare.categories).toEqual(['a', 'c', 'b']);
    const day = dimensionField({ DateDimensionField: { FieldId: 'd', Column: col('day') } });
    expect(
      categorySeries(f, f.rows, day, [num('c', 'compliant')], undefined, { defaultOrder: 'value' })
        .categories,
    ).toEqual(['2024-05-20', '2024-06-01', '2024-06-15', '2024-06-29', '2024-06-30']);
  });

  it('matrix: rows × columns with totals', () => {
    const f = frame();
    const m = matrix(f, f.rows, [cat('a', 'account')], [cat('r', 'region')], [num('n', 'non_compliant')]);
    expect(m.rowKeys).toEqual([['a'], ['b'], ['c']]);
    expect(m.columnKeys).toEqual([['eu-west-1'], ['us-east-1']]);
    expect(m.cells).toEqual([
      [[6], [null]],
      [[null], [9]],
      [[0], [1]],
    ]);
    expect(m.rowTotals).toEqual([[6], [9], [1]]);
    expect(m.columnTotals).toEqual([[6], [10]]);
    expect(m.grandTotals).toEqual([16]);
  });
});

describe('filters', () => {
  const group = (filter: object, scope?: object) => ({
    FilterGroupId: 'g',
    CrossDataset: 'SINGLE_DATASET' as const,
    Filters: [filter],
    ScopeConfiguration: scope ?? { AllSheets: {} },
  });

  it('category lists, select-all, numeric equality and ranges, and relative dates', () => {
    const f = frame();
    const run = (filter: object, scope?: object) =>
      applyFilters(f, [group(filter, scope)], 's1', 'v1', { params: new Map(), now: NOW }).rows.map(
        (r) => `${r.account}:${r.category}`,
      );
    expect(
      run({
        CategoryFilter: {
          FilterId: 'f',
          Column: col('category'),
          Configuration: {
            FilterListConfiguration: { MatchOperator: 'CONTAINS', CategoryValues: ['security'] },
          },
        },
      }),
    ).toEqual(['a:security', 'b:security', 'c:security']);
    expect(
      run({
        CategoryFilter: {
          FilterId: 'f',
          Column: col('category'),
          Configuration: {
            FilterListConfiguration: { MatchOperator: 'CONTAINS', SelectAllOptions: 'FILTER_ALL_VALUES' },
          },
        },
      }),
    ).toHaveLength(5);
    expect(
      run({
        NumericEqualityFilter: {
          FilterId: 'f',
          Column: col('non_compliant'),
          Value: 4,
          MatchOperator: 'EQUALS',
          NullOption: 'NON_NULLS_ONLY',
        },
      }),
    ).toEqual(['a:cost']);
    expect(
      run({
        NumericRangeFilter: {
          FilterId: 'f',
          Column: col('score'),
          RangeMinimum: { StaticValue: 0.5 },
          IncludeMinimum: true,
          NullOption: 'NON_NULLS_ONLY',
        },
      }),
    ).toEqual(['a:security', 'c:backup', 'c:security']);
    expect(
      run({
        RelativeDatesFilter: {
          FilterId: 'f',
          Column: col('day'),
          AnchorDateConfiguration: { AnchorOption: 'NOW' },
          TimeGranularity: 'DAY',
          RelativeDateType: 'LAST',
          RelativeDateValue: 7,
          NullOption: 'NON_NULLS_ONLY',
        },
      }),
    ).toEqual(['c:backup', 'c:security']);
    // Out of scope: another sheet.
    expect(
      run(
        {
          NumericEqualityFilter: {
            FilterId: 'f',
            Column: col('non_compliant'),
            Value: 4,
            MatchOperator: 'EQUALS',
            NullOption: 'ALL_VALUES',
          },
        },
        { SelectedSheets: { SheetVisualScopingConfigurations: [{ SheetId: 's2', Scope: 'ALL_VISUALS' }] } },
      ),
    ).toHaveLength(5);
  });

  it('a parameter default drives a custom filter; top/bottom keeps the top N', () => {
    const params = parameterValues([
      {
        StringParameterDeclaration: {
          Name: 'Owner',
          ParameterValueType: 'SINGLE_VALUED',
          DefaultValues: { StaticValues: ['x'] },
        },
      },
    ]);
    const f = frame([], params);
    const result = applyFilters(
      f,
      [
        group({
          CategoryFilter: {
            FilterId: 'f',
            Column: col('owner'),
            Configuration: {
              CustomFilterConfiguration: {
                MatchOperator: 'EQUALS',
                ParameterName: 'Owner',
                NullOption: 'NON_NULLS_ONLY',
              },
            },
          },
        }),
      ],
      's1',
      'v1',
      { params, now: NOW },
    );
    expect(result.rows.map((r) => r.account)).toEqual(['a', 'a']);
    expect(result.applied).toEqual(['owner equals x']);
    const top = applyFilters(
      f,
      [
        group({
          TopBottomFilter: {
            FilterId: 't',
            Column: col('account'),
            Limit: 1,
            AggregationSortConfigurations: [
              {
                Column: col('non_compliant'),
                SortDirection: 'DESC',
                AggregationFunction: { NumericalAggregationFunction: { SimpleNumericalAggregation: 'SUM' } },
              },
            ],
          },
        }),
      ],
      's1',
      'v1',
      { params, now: NOW },
    );
    expect(top.rows.map((r) => r.account)).toEqual(['b']);
  });
});

describe('formats and expressions', () => {
  it('numbers, percentages, scales, currencies, dates and null strings', () => {
    const pct = valueFormat({
      FormatConfiguration: {
        PercentageDisplayFormatConfiguration: {
          DecimalPlacesConfiguration: { DecimalPlaces: 1 },
          NullValueFormatConfiguration: { NullString: 'n/a' },
        },
      },
    });
    expect(formatValue(0.12345, 'number', pct)).toBe('12.3%');
    expect(formatValue(null, 'number', pct)).toBe('n/a');
    expect(formatValue(1234567, 'number')).toBe('1,234,567');
    expect(formatValue(2.5, 'number')).toBe('2.5');
    expect(
      formatValue(
        -1234.5,
        'number',
        valueFormat({
          NumberFormatConfiguration: {
            FormatConfiguration: {
              NumberDisplayFormatConfiguration: {
                NumberScale: 'THOUSANDS',
                DecimalPlacesConfiguration: { DecimalPlaces: 1 },
                NegativeValueConfiguration: { DisplayMode: 'POSITIVE' },
              },
            },
          },
        }),
      ),
    ).toBe('(1.2K)');
    expect(
      formatValue(
        9.5,
        'number',
        valueFormat({
          FormatConfiguration: {
            CurrencyDisplayFormatConfiguration: {
              Symbol: 'USD',
              DecimalPlacesConfiguration: { DecimalPlaces: 2 },
            },
          },
        }),
      ),
    ).toBe('$9.50');
    expect(formatValue('2024-06-03', 'date', valueFormat({ DateTimeFormat: 'YYYY-MM-DD' }))).toBe(
      '2024-06-03',
    );
    expect(formatValue('2024-06-03', 'date', {}, 'MONTH')).toBe('Jun 2024');
    expect(formatDate(new Date('2024-06-03T14:05:00Z'), 'ddd D MMM YYYY, h:mm A [UTC]')).toBe(
      'Mon 3 Jun 2024, 2:05 PM UTC',
    );
  });

  it('expressions: precedence, ifelse, nulls, strings, and clear errors for what is not supported', () => {
    const ctx = {
      column: (n: string, r: Record<string, unknown>) => r[n],
      params: new Map([['p', 2]]),
      now: NOW,
    };
    const ev = (s: string, row: Record<string, unknown> = {}) => evaluate(parseExpression(s), ctx, row);
    expect(ev('1 + 2 * 3 ^ 2')).toBe(19);
    expect(ev("ifelse({x} = 'a', 1, {x} = 'b', 2, 3)", { x: 'b' })).toBe(2);
    expect(ev('isNull({x}) AND NOT isNull({y})', { x: null, y: 1 })).toBe(true);
    expect(ev('{x} / 0', { x: 1 })).toBeNull();
    // biome-ignore lint/suspicious/noTemplateCurlyInString: QuickSight's parameter syntax
    expect(ev('${p} * 10')).toBe(20);
    expect(ev("concat(toUpper({s}), '-', left({s}, 2))", { s: 'abc' })).toBe('ABC-ab');
    expect(ev("dateDiff({a}, {b}, 'DD')", { a: '2024-06-01', b: '2024-06-30' })).toBe(29);
    expect(() => ev('percentileOver({x}, 50)')).toThrow(/percentileover\(\) is not supported/);
    expect(() => parseExpression('1 +')).toThrow(/unexpected end/);
  });
});
