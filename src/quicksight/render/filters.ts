/**
 * The analysis's filter groups applied to a visual's rows, as the page is static: filters with
 * static values (or parameters with default values) apply; filters left to a control with no value
 * select all; what cannot be applied locally is named in a note on the visual, never skipped silently.
 */
import type {
  CategoryFilter,
  Filter,
  FilterGroup,
  NumericEqualityFilter,
  NumericRangeFilter,
  RelativeDatesFilter,
  TimeEqualityFilter,
  TimeRangeFilter,
} from '@aws-sdk/client-quicksight';
import { isNullish, toNumber } from './expression.js';
import { aggregationName, type Frame } from './fields.js';
import { parseDate } from './format.js';
import { aggregateColumn, compareValues, truncateDate } from './shape.js';
import type { Row } from './types.js';

export interface FilterResult {
  rows: Row[];
  /** One line per filter applied, e.g. "category = security". */
  applied: string[];
  /** Filters in scope that the local renderer could not apply. */
  notApplied: string[];
}

export interface FilterContext {
  params: ReadonlyMap<string, unknown>;
  now: Date;
}

export function inScope(g: FilterGroup, sheetId: string, visualId: string): boolean {
  if (g.Status === 'DISABLED') return false;
  const s = g.ScopeConfiguration;
  if (!s || s.AllSheets) return true;
  return (s.SelectedSheets?.SheetVisualScopingConfigurations ?? []).some(
    (c) => c.SheetId === sheetId && (c.Scope === 'ALL_VISUALS' || (c.VisualIds ?? []).includes(visualId)),
  );
}

export function columnOf(f: Filter): {
  dataSet?: string | undefined;
  column?: string | undefined;
  id?: string | undefined;
} {
  const x =
    f.CategoryFilter ??
    f.NumericRangeFilter ??
    f.NumericEqualityFilter ??
    f.TimeEqualityFilter ??
    f.TimeRangeFilter ??
    f.RelativeDatesFilter ??
    f.TopBottomFilter ??
    f.NestedFilter;
  return { dataSet: x?.Column?.DataSetIdentifier, column: x?.Column?.ColumnName, id: x?.FilterId };
}

type Predicate = (v: unknown) => boolean;

function nullRule(option: string | undefined, rest: Predicate): Predicate {
  if (option === 'NULLS_ONLY') return (v) => isNullish(v) || v === '';
  if (option === 'NON_NULLS_ONLY') return (v) => !isNullish(v) && v !== '' && rest(v);
  return (v) => (isNullish(v) || v === '' ? option === 'ALL_VALUES' : rest(v));
}

function matchCategory(op: string | undefined, values: string[]): Predicate {
  return (v) => {
    const s = String(v);
    switch (op) {
      case 'DOES_NOT_EQUAL':
        return !values.includes(s);
      case 'CONTAINS':
        return values.some((x) => s.includes(x));
      case 'DOES_NOT_CONTAIN':
        return !values.some((x) => s.includes(x));
      case 'STARTS_WITH':
        return values.some((x) => s.startsWith(x));
      case 'ENDS_WITH':
        return values.some((x) => s.endsWith(x));
      default:
        return values.includes(s);
    }
  };
}

function paramValues(ctx: FilterContext, name: string | undefined): unknown[] | undefined {
  if (!name || !ctx.params.has(name)) return undefined;
  const v = ctx.params.get(name);
  return Array.isArray(v) ? v : [v];
}

const UNIT_MS: Record<string, number> = { DAY: 86_400_000, HOUR: 3_600_000, MINUTE: 60_000, SECOND: 1000 };

function shift(d: Date, unit: string, n: number): Date {
  const out = new Date(d.getTime());
  if (unit === 'YEAR') out.setUTCFullYear(out.getUTCFullYear() + n);
  else if (unit === 'QUARTER') out.setUTCMonth(out.getUTCMonth() + 3 * n);
  else if (unit === 'MONTH') out.setUTCMonth(out.getUTCMonth() + n);
  else if (unit === 'WEEK') out.setUTCDate(out.getUTCDate() + 7 * n);
  else out.setTime(out.getTime() + n * (UNIT_MS[unit] ?? UNIT_MS.DAY ?? 0));
  return out;
}

function periodStart(d: Date, unit: string): Date {
  return parseDate(truncateDate(d, unit)) ?? d;
}

/** A predicate over one column's values, a description, or a reason it cannot apply; null = selects all. */
type Built = { test: Predicate; text: string } | { skip: string } | null;

function build(f: Filter, ctx: FilterContext, column: string): Built {
  if (f.CategoryFilter) return categoryFilter(f.CategoryFilter, ctx, column);
  if (f.NumericEqualityFilter) return numericEqualityFilter(f.NumericEqualityFilter, ctx, column);
  if (f.NumericRangeFilter) return numericRangeFilter(f.NumericRangeFilter, ctx, column);
  if (f.TimeRangeFilter) return timeRangeFilter(f.TimeRangeFilter, ctx, column);
  if (f.TimeEqualityFilter) return timeEqualityFilter(f.TimeEqualityFilter, ctx, column);
  if (f.RelativeDatesFilter) return relativeDatesFilter(f.RelativeDatesFilter, ctx, column);
  return { skip: `${Object.keys(f).join(', ')} is not applied locally` };
}

/** A list of values (static or selected by a control), or one value or parameter with a match operator. */
function categoryFilter(f: CategoryFilter, ctx: FilterContext, column: string): Built {
  const c = f.Configuration;
  const list = c?.FilterListConfiguration ?? c?.CustomFilterListConfiguration;
  if (list) {
    if (list.SelectAllOptions === 'FILTER_ALL_VALUES' || !list.CategoryValues?.length)
      return list.NullOption && list.NullOption !== 'ALL_VALUES'
        ? { test: nullRule(list.NullOption, () => true), text: `${column}: ${list.NullOption}` }
        : null;
    const values = list.CategoryValues;
    const op = list.MatchOperator ?? 'CONTAINS';
    return {
      test: nullRule(
        list.NullOption ?? 'NON_NULLS_ONLY',
        matchCategory(
          op === 'CONTAINS' ? 'EQUALS' : op === 'DOES_NOT_CONTAIN' ? 'DOES_NOT_EQUAL' : op,
          values,
        ),
      ),
      text: `${column} ${op === 'DOES_NOT_CONTAIN' || op === 'DOES_NOT_EQUAL' ? 'not in' : 'in'} ${values.join(', ')}`,
    };
  }
  const custom = c?.CustomFilterConfiguration;
  if (custom) {
    const values =
      custom.CategoryValue !== undefined
        ? [custom.CategoryValue]
        : paramValues(ctx, custom.ParameterName)?.map((v) => String(v));
    if (!values || custom.SelectAllOptions === 'FILTER_ALL_VALUES') return null;
    return {
      test: nullRule(custom.NullOption ?? 'NON_NULLS_ONLY', matchCategory(custom.MatchOperator, values)),
      text: `${column} ${String(custom.MatchOperator ?? 'EQUALS')
        .toLowerCase()
        .replace(/_/g, ' ')} ${values.join(', ')}`,
    };
  }
  return { skip: `category filter ${f.FilterId} has no configuration` };
}

function numericEqualityFilter(n: NumericEqualityFilter, ctx: FilterContext, column: string): Built {
  if (n.AggregationFunction) return { skip: `filter ${n.FilterId} on an aggregated value` };
  const values = n.Value !== undefined ? [n.Value] : paramValues(ctx, n.ParameterName);
  if (!values || n.SelectAllOptions === 'FILTER_ALL_VALUES') return null;
  const nums = values.map(toNumber);
  const eq: Predicate = (v) => nums.includes(toNumber(v));
  return {
    test: nullRule(n.NullOption, n.MatchOperator === 'DOES_NOT_EQUAL' ? (v) => !eq(v) : eq),
    text: `${column} ${n.MatchOperator === 'DOES_NOT_EQUAL' ? '≠' : '='} ${values.join(', ')}`,
  };
}

function numericRangeFilter(n: NumericRangeFilter, ctx: FilterContext, column: string): Built {
  if (n.AggregationFunction) return { skip: `filter ${n.FilterId} on an aggregated value` };
  if (n.SelectAllOptions === 'FILTER_ALL_VALUES') return null;
  const bound = (b: { StaticValue?: number | undefined; Parameter?: string | undefined } | undefined) =>
    b?.StaticValue ?? (b?.Parameter ? toNumber(paramValues(ctx, b.Parameter)?.[0]) : null) ?? null;
  const min = bound(n.RangeMinimum);
  const max = bound(n.RangeMaximum);
  if (min === null && max === null) return null;
  return {
    test: nullRule(n.NullOption, (v) => {
      const x = toNumber(v);
      if (x === null) return false;
      if (min !== null && (n.IncludeMinimum === false ? x <= min : x < min)) return false;
      if (max !== null && (n.IncludeMaximum === false ? x >= max : x > max)) return false;
      return true;
    }),
    text: `${column} between ${min ?? '−∞'} and ${max ?? '∞'}`,
  };
}

function timeRangeFilter(t: TimeRangeFilter, ctx: FilterContext, column: string): Built {
  const bound = (b: TimeRangeFilter['RangeMinimumValue']) => {
    if (!b) return null;
    if (b.StaticValue !== undefined) return parseDate(b.StaticValue);
    if (b.Parameter) return parseDate(paramValues(ctx, b.Parameter)?.[0]);
    return undefined;
  };
  const min = bound(t.RangeMinimumValue);
  const max = bound(t.RangeMaximumValue);
  if (min === undefined || max === undefined) return { skip: `filter ${t.FilterId}: rolling dates` };
  if (!min && !max) return null;
  return {
    test: nullRule(t.NullOption, (v) => {
      const d = parseDate(v);
      if (!d) return false;
      if (min && (t.IncludeMinimum === false ? d <= min : d < min)) return false;
      if (max && (t.IncludeMaximum === false ? d >= max : d > max)) return false;
      return true;
    }),
    text: `${column} from ${min?.toISOString().slice(0, 10) ?? '…'} to ${max?.toISOString().slice(0, 10) ?? '…'}`,
  };
}

function timeEqualityFilter(t: TimeEqualityFilter, ctx: FilterContext, column: string): Built {
  const value = t.Value !== undefined ? t.Value : paramValues(ctx, t.ParameterName)?.[0];
  if (value === undefined) return t.RollingDate ? { skip: `filter ${t.FilterId}: rolling date` } : null;
  const g = t.TimeGranularity ?? 'DAY';
  const want = truncateDate(value, g);
  return { test: (v) => truncateDate(v, g) === want, text: `${column} = ${want}` };
}

/** Last, previous, this or next N periods, counted from now or from a date parameter. */
function relativeDatesFilter(r: RelativeDatesFilter, ctx: FilterContext, column: string): Built {
  const anchor = r.AnchorDateConfiguration?.ParameterName
    ? parseDate(paramValues(ctx, r.AnchorDateConfiguration.ParameterName)?.[0])
    : ctx.now;
  if (!anchor) return null;
  const unit = r.TimeGranularity ?? 'DAY';
  const n = r.RelativeDateValue ?? 1;
  const start = periodStart(anchor, unit);
  let from: Date;
  let to: Date;
  switch (r.RelativeDateType) {
    case 'LAST':
      from = shift(start, unit, -(n - 1));
      to = anchor;
      break;
    case 'PREVIOUS':
      from = shift(start, unit, -n);
      to = new Date(start.getTime() - 1);
      break;
    case 'THIS':
      from = start;
      to = new Date(shift(start, unit, 1).getTime() - 1);
      break;
    case 'NEXT':
      from = shift(start, unit, 1);
      to = new Date(shift(start, unit, n + 1).getTime() - 1);
      break;
    default:
      from = start;
      to = anchor;
  }
  return {
    test: nullRule(r.NullOption, (v) => {
      const d = parseDate(v);
      return d !== null && d >= from && d <= to;
    }),
    text: `${column}: ${String(r.RelativeDateType ?? '').toLowerCase()} ${r.RelativeDateType === 'LAST' || r.RelativeDateType === 'NEXT' || r.RelativeDateType === 'PREVIOUS' ? `${n} ` : ''}${unit.toLowerCase()}${n === 1 ? '' : 's'}`,
  };
}

/** Top / bottom N values of a column by an aggregated column. */
function topBottom(
  frame: Frame,
  f: NonNullable<Filter['TopBottomFilter']>,
  rows: Row[],
  ctx: FilterContext,
): FilterResult | string {
  const column = f.Column?.ColumnName ?? '';
  const limit = f.Limit ?? toNumber(paramValues(ctx, f.ParameterName)?.[0]);
  const sort = f.AggregationSortConfigurations?.[0];
  if (limit === null || limit === undefined || !sort?.Column?.ColumnName)
    return `filter ${f.FilterId}: no limit`;
  const by = sort.Column.ColumnName;
  const agg = aggregationName(sort.AggregationFunction) ?? (frame.kindOf(by) === 'number' ? 'SUM' : 'COUNT');
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = JSON.stringify(frame.value(column, r) ?? null);
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  const ranked = [...groups.entries()]
    .map(([k, rs]) => ({ k, v: aggregateColumn(frame, by, agg, rs) }))
    .sort((a, b) => compareValues(a.v, b.v, sort.SortDirection === 'ASC' ? 'ASC' : 'DESC'))
    .slice(0, limit);
  const keep = new Set(ranked.map((x) => x.k));
  return {
    rows: rows.filter((r) => keep.has(JSON.stringify(frame.value(column, r) ?? null))),
    applied: [
      `${sort.SortDirection === 'ASC' ? 'bottom' : 'top'} ${limit} ${column} by ${agg.toLowerCase()}(${by})`,
    ],
    notApplied: [],
  };
}

/** Applies the filter groups in scope of a visual to its frame's rows. */
export function applyFilters(
  frame: Frame,
  groups: FilterGroup[] | undefined,
  sheetId: string,
  visualId: string,
  ctx: FilterContext,
  /** Ids of filters left out (the page's script applies them). */
  skip?: ReadonlySet<string>,
): FilterResult {
  let rows = frame.rows;
  const applied: string[] = [];
  const notApplied: string[] = [];
  for (const g of groups ?? []) {
    if (!inScope(g, sheetId, visualId)) continue;
    for (const f of g.Filters ?? []) {
      const { dataSet, column, id } = columnOf(f);
      if (id && skip?.has(id)) continue;
      if (!column) {
        notApplied.push(`filter ${id ?? '?'} (${Object.keys(f).join(', ')})`);
        continue;
      }
      const mine = dataSet === frame.id || (g.CrossDataset === 'ALL_DATASETS' && frame.has(column));
      if (!mine || !frame.has(column)) continue;
      if (f.TopBottomFilter) {
        const r = topBottom(frame, f.TopBottomFilter, rows, ctx);
        if (typeof r === 'string') notApplied.push(r);
        else {
          rows = r.rows;
          applied.push(...r.applied);
        }
        continue;
      }
      const b = build(f, ctx, column);
      if (b === null) continue;
      if ('skip' in b) {
        notApplied.push(b.skip);
        continue;
      }
      rows = rows.filter((r) => b.test(frame.value(column, r)));
      applied.push(b.text);
    }
  }
  return { rows, applied, notApplied };
}
