/**
 * Data shaping, the QuickSight way: rows of a frame → groups by the dimension fields → measures
 * aggregated per group (SUM, AVERAGE, COUNT, DISTINCT_COUNT, MIN, MAX, …) → sorted by the visual's
 * sort options (FieldSort on a field, ColumnSort on any column with its aggregation; nulls last) →
 * cut to the items limit (with an "Other" group when asked). Pure: no HTML, no charts.
 */
import type { FieldSortOptions, ItemsLimitConfiguration } from '@aws-sdk/client-quicksight';
import {
  aggregateValues,
  evaluate,
  extremeValue,
  isNullish,
  parseExpression,
  toNumber,
} from './expression.js';
import { aggregationName, type Field, type Frame, RenderError } from './fields.js';
import { parseDate } from './format.js';
import type { Row } from './types.js';

/** The dimension value of the "Other" group of an items limit. */
export const OTHER = Symbol('Other');

export interface Group {
  /** Dimension values, in the order of the dimension fields (dates truncated to their granularity). */
  dims: unknown[];
  /** Measure values, in the order of the measure fields. */
  values: unknown[];
  rows: Row[];
}

/** Truncates a date value to a granularity; returns an ISO date (`YYYY-MM-DD`) or timestamp. */
export function truncateDate(v: unknown, granularity = 'DAY'): string | null {
  const d = parseDate(v);
  if (!d) return null;
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
  switch (granularity) {
    case 'YEAR':
      return iso(Date.UTC(y, 0, 1));
    case 'QUARTER':
      return iso(Date.UTC(y, m - (m % 3), 1));
    case 'MONTH':
      return iso(Date.UTC(y, m, 1));
    case 'WEEK':
      return iso(Date.UTC(y, m, d.getUTCDate() - d.getUTCDay()));
    case 'DAY':
      return iso(Date.UTC(y, m, d.getUTCDate()));
    case 'HOUR':
      return `${d.toISOString().slice(0, 13)}:00:00Z`;
    case 'MINUTE':
      return `${d.toISOString().slice(0, 16)}:00Z`;
    default:
      return d.toISOString();
  }
}

/** Checks that the fields' columns exist in the frame (a RenderError names the first that does not). */
export function checkFields(frame: Frame, fields: Field[]): void {
  for (const f of fields) {
    if (f.source === 'calculated') continue;
    if (f.dataSet !== frame.id)
      throw new RenderError(
        `field ${f.fieldId} reads data set ${f.dataSet}, but the visual reads ${frame.id}; one data set per visual`,
      );
    if (!frame.has(f.column)) throw new RenderError(`column ${f.column} is not in data set ${frame.id}`);
  }
}

/** A dimension field's value in a row (a date truncated to the field's granularity). */
export function dimensionValue(frame: Frame, f: Field, row: Row): unknown {
  const v = frame.value(f.column, row);
  if (f.source === 'date') return truncateDate(v, f.granularity);
  return isNullish(v) ? null : v;
}

function percentile(values: unknown[], p: number): number | null {
  const nums = values
    .map(toNumber)
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  if (nums.length === 0) return null;
  const rank = (p / 100) * (nums.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return (nums[lo] as number) + ((nums[hi] as number) - (nums[lo] as number)) * (rank - lo);
}

/** Aggregates one column over rows with a QuickSight aggregation name. */
export function aggregateColumn(frame: Frame, columnName: string, aggregation: string, rows: Row[]): unknown {
  const calc = frame.aggregateCalcs.get(columnName);
  if (calc) return evaluate(calc, frame.ctx, null, rows);
  const values = rows.map((r) => frame.value(columnName, r));
  if (aggregation.startsWith('PERCENTILE_')) return percentile(values, Number(aggregation.slice(11)));
  if ((aggregation === 'MIN' || aggregation === 'MAX') && frame.kindOf(columnName) !== 'number')
    return extremeValue(aggregation, values);
  return aggregateValues(aggregation, values);
}

const parsed = new Map<string, ReturnType<typeof parseExpression>>();

/** A measure's value over a group of rows. */
export function measureValue(frame: Frame, f: Field, rows: Row[]): unknown {
  if (f.source === 'calculated') {
    const src = f.expression ?? '';
    let e = parsed.get(src);
    if (!e) {
      e = parseExpression(src);
      parsed.set(src, e);
    }
    return evaluate(e, frame.ctx, null, rows);
  }
  if (f.role !== 'measure') return rows.length ? frame.value(f.column, rows[0] as Row) : null;
  return aggregateColumn(frame, f.column, f.aggregation ?? 'SUM', rows);
}

/** Groups rows by the dimensions (first-seen order) and aggregates the measures per group. */
export function groupRows(frame: Frame, rows: Row[], dims: Field[], measures: Field[]): Group[] {
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const key = dims.map((d) => dimensionValue(frame, d, row));
    const k = JSON.stringify(key);
    let g = groups.get(k);
    if (!g) {
      g = { dims: key, values: [], rows: [] };
      groups.set(k, g);
    }
    g.rows.push(row);
  }
  const out = [...groups.values()];
  if (dims.length === 0 && out.length === 0) out.push({ dims: [], values: [], rows: [] });
  for (const g of out) g.values = measures.map((m) => measureValue(frame, m, g.rows));
  return out;
}

/** Compares two values for sorting: numbers as numbers, dates and strings as text; nulls last either way. */
export function compareValues(a: unknown, b: unknown, direction: 'ASC' | 'DESC' = 'ASC'): number {
  const an = isNullish(a) || a === OTHER;
  const bn = isNullish(b) || b === OTHER;
  if (an || bn) return an === bn ? (a === OTHER ? 1 : b === OTHER ? -1 : 0) : an ? 1 : -1;
  let c: number;
  if (typeof a === 'number' && typeof b === 'number') c = a - b;
  else {
    const x = toNumber(a);
    const y = toNumber(b);
    c =
      x !== null && y !== null && typeof a !== 'string' && typeof b !== 'string'
        ? x - y
        : String(a).localeCompare(String(b), 'en');
  }
  return direction === 'DESC' ? -c : c;
}

/** A sort key function for a group, from one FieldSortOptions. */
export type SortKey = { key: (g: Group) => unknown; direction: 'ASC' | 'DESC' };

/**
 * Sort keys from a visual's sort options. `FieldSort` names a field of the visual (a dimension or
 * a measure); `ColumnSort` names any column of the data set, aggregated over the group with its
 * AggregationFunction (SUM by default for numbers, COUNT otherwise) unless it is a dimension.
 */
export function sortKeys(
  frame: Frame,
  options: FieldSortOptions[] | undefined,
  dims: Field[],
  measures: Field[],
): SortKey[] {
  const keys: SortKey[] = [];
  for (const o of options ?? []) {
    if (o.FieldSort) {
      const id = o.FieldSort.FieldId;
      const direction = o.FieldSort.Direction === 'DESC' ? 'DESC' : 'ASC';
      const di = dims.findIndex((d) => d.fieldId === id);
      const mi = measures.findIndex((m) => m.fieldId === id);
      if (di >= 0) keys.push({ key: (g) => g.dims[di], direction });
      else if (mi >= 0) keys.push({ key: (g) => g.values[mi], direction });
      else throw new RenderError(`sort: field ${id} is not a field of this visual`);
    } else if (o.ColumnSort) {
      const c = o.ColumnSort;
      const name = c.SortBy?.ColumnName ?? '';
      if (c.SortBy?.DataSetIdentifier && c.SortBy.DataSetIdentifier !== frame.id)
        throw new RenderError(
          `sort: column ${name} is in data set ${c.SortBy.DataSetIdentifier}, not ${frame.id}`,
        );
      if (!frame.has(name)) throw new RenderError(`sort: column ${name} is not in data set ${frame.id}`);
      const direction = c.Direction === 'DESC' ? 'DESC' : 'ASC';
      const di = dims.findIndex((d) => d.column === name);
      const agg = aggregationName(c.AggregationFunction);
      if (di >= 0 && !agg) keys.push({ key: (g) => g.dims[di], direction });
      else {
        const aggregation = agg ?? (frame.kindOf(name) === 'number' ? 'SUM' : 'COUNT');
        const cache = new WeakMap<Group, unknown>();
        keys.push({
          key: (g) => {
            if (!cache.has(g)) cache.set(g, aggregateColumn(frame, name, aggregation, g.rows));
            return cache.get(g);
          },
          direction,
        });
      }
    }
  }
  return keys;
}

/** Sorts groups by keys in order (stable: ties keep their order). */
export function sortGroups(groups: Group[], keys: SortKey[]): Group[] {
  if (keys.length === 0) return groups;
  return [...groups].sort((a, b) => {
    for (const k of keys) {
      const c = compareValues(k.key(a), k.key(b), k.direction);
      if (c !== 0) return c;
    }
    return 0;
  });
}

/**
 * Keeps the first `ItemsLimit` groups; with `OtherCategories: INCLUDE` the rest become one group
 * whose dimension is OTHER and whose measures are aggregated over all their rows.
 */
export function limitGroups(
  frame: Frame,
  groups: Group[],
  limit: ItemsLimitConfiguration | undefined,
  measures: Field[],
): Group[] {
  const n = limit?.ItemsLimit;
  if (n === undefined || groups.length <= n) return groups;
  const kept = groups.slice(0, n);
  if (limit?.OtherCategories === 'INCLUDE') {
    const rows = groups.slice(n).flatMap((g) => g.rows);
    kept.push({
      dims: (groups[0]?.dims ?? []).map(() => OTHER),
      values: measures.map((m) => measureValue(frame, m, rows)),
      rows,
    });
  }
  return kept;
}

export interface SeriesData {
  /** Category values in display order (OTHER for the "Other" category). */
  categories: unknown[];
  series: {
    /** The measure, or for a colour series its colour value. */
    name: string;
    measure: Field;
    colorValue?: unknown;
    values: (number | null)[];
  }[];
}

export interface SeriesOptions {
  categorySort?: FieldSortOptions[] | undefined;
  categoryLimit?: ItemsLimitConfiguration | undefined;
  colorSort?: FieldSortOptions[] | undefined;
  colorLimit?: ItemsLimitConfiguration | undefined;
  /** Without a category sort: 'value' (first measure, descending) or 'category' (ascending). */
  defaultOrder: 'value' | 'category';
}

function num(v: unknown): number | null {
  return toNumber(v);
}

/**
 * Category × series data for bar, line and pie charts: one series per measure, or, with a colour
 * dimension, one series per colour value of the (single) measure.
 */
export function categorySeries(
  frame: Frame,
  rows: Row[],
  category: Field | undefined,
  measures: Field[],
  color: Field | undefined,
  options: SeriesOptions,
): SeriesData {
  const dims = category ? [category] : [];
  let cats = groupRows(frame, rows, dims, measures);
  let keys = sortKeys(frame, options.categorySort, dims, measures);
  if (keys.length === 0)
    keys =
      options.defaultOrder === 'value' && measures.length > 0 && category?.source === 'categorical'
        ? [{ key: (g) => g.values[0], direction: 'DESC' }]
        : [{ key: (g) => g.dims[0], direction: 'ASC' }];
  cats = limitGroups(frame, sortGroups(cats, keys), options.categoryLimit, measures);
  const categories = cats.map((g) => (category ? g.dims[0] : ''));
  if (!color) {
    return {
      categories,
      series: measures.map((m, i) => ({
        name: m.column || m.fieldId,
        measure: m,
        values: cats.map((g) => num(g.values[i])),
      })),
    };
  }
  const measure = measures[0];
  if (!measure) throw new RenderError('a colour field needs a value field');
  let colors = groupRows(frame, rows, [color], [measure]);
  const colorKeys = sortKeys(frame, options.colorSort, [color], [measure]);
  colors = sortGroups(colors, colorKeys.length ? colorKeys : [{ key: (g) => g.dims[0], direction: 'ASC' }]);
  colors = limitGroups(frame, colors, options.colorLimit, [measure]);
  const colorValues = colors.map((g) => g.dims[0]);
  const kept = new Set(colorValues.filter((v) => v !== OTHER).map((v) => JSON.stringify(v)));
  return {
    categories,
    series: colorValues.map((cv) => ({
      name: cv === OTHER ? 'Other' : String(cv ?? ''),
      measure,
      colorValue: cv,
      values: cats.map((g) => {
        const inColor = g.rows.filter((r) => {
          const v = JSON.stringify(dimensionValue(frame, color, r));
          return cv === OTHER ? !kept.has(v) : v === JSON.stringify(cv);
        });
        return inColor.length ? num(measureValue(frame, measure, inColor)) : null;
      }),
    })),
  };
}

export interface Matrix {
  rowKeys: unknown[][];
  columnKeys: unknown[][];
  /** cells[r][c][m]: measure m at row key r and column key c (null when no rows). */
  cells: unknown[][][];
  /** Totals per row key over all columns, per measure. */
  rowTotals: unknown[][];
  /** Totals per column key over all rows, per measure. */
  columnTotals: unknown[][];
  grandTotals: unknown[];
}

export interface MatrixOptions {
  rowSort?: SortKey[];
  columnSort?: SortKey[];
  rowLimit?: ItemsLimitConfiguration | undefined;
  columnLimit?: ItemsLimitConfiguration | undefined;
}

/** Rows × columns of measures, for pivot tables and heat maps. Keys ascending unless sorted. */
export function matrix(
  frame: Frame,
  rows: Row[],
  rowDims: Field[],
  columnDims: Field[],
  measures: Field[],
  options: MatrixOptions = {},
): Matrix {
  const asc = (n: number): SortKey[] =>
    Array.from({ length: n }, (_, i) => ({ key: (g: Group) => g.dims[i], direction: 'ASC' as const }));
  let rowGroups = groupRows(frame, rows, rowDims, measures);
  rowGroups = sortGroups(rowGroups, [...(options.rowSort ?? []), ...asc(rowDims.length)]);
  rowGroups = limitGroups(frame, rowGroups, options.rowLimit, measures);
  let colGroups = groupRows(frame, rows, columnDims, measures);
  colGroups = sortGroups(colGroups, [...(options.columnSort ?? []), ...asc(columnDims.length)]);
  colGroups = limitGroups(frame, colGroups, options.columnLimit, measures);
  const colIndex = new Map(
    colGroups.flatMap((g, i) => (g.dims[0] === OTHER ? [] : [[JSON.stringify(g.dims), i] as const])),
  );
  const otherIndex = colGroups.findIndex((g) => g.dims[0] === OTHER);
  const cells = rowGroups.map((rg) => {
    const buckets: Row[][] = colGroups.map(() => []);
    for (const r of rg.rows) {
      const k = JSON.stringify(columnDims.map((d) => dimensionValue(frame, d, r)));
      const i = colIndex.get(k) ?? (otherIndex >= 0 ? otherIndex : undefined);
      if (i !== undefined) buckets[i]?.push(r);
    }
    return buckets.map((b) => measures.map((m) => (b.length ? measureValue(frame, m, b) : null)));
  });
  return {
    rowKeys: rowGroups.map((g) => g.dims),
    columnKeys: colGroups.map((g) => g.dims),
    cells,
    rowTotals: rowGroups.map((g) => g.values),
    columnTotals: colGroups.map((g) => g.values),
    grandTotals: measures.map((m) => measureValue(frame, m, rows)),
  };
}
