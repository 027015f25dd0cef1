/**
 * What the page's script needs to make the controls, parameters and drill-down actions work with
 * no server: for each visual a filter or an action can reach, its rows reduced to a small "cube"
 * (one line per distinct combination of the visual's dimensions and the columns filters and actions
 * test, with partial aggregates: sums, counts, minima, maxima), its measures as expression trees
 * over those partials, and how to sort, cut and draw the result. The script merges the lines that
 * pass the filters and evaluates the trees, so the numbers are the ones the server would compute
 * for the same selection; the page stays bounded by the number of distinct combinations, not rows.
 *
 * What cannot be reduced that way (a median, a function the trees do not know, a heat map or pivot
 * table) is not recomputed: the visual says so in a note as soon as a filter is picked.
 */
import type {
  CategoryFilter,
  FilterGroup,
  KPIConfiguration,
  SheetDefinition,
  TableConfiguration,
  Visual,
} from '@aws-sdk/client-quicksight';
import { colorOf } from './colors.js';
import { type Expr, ExpressionError, evaluate, isNullish, parseExpression, toNumber } from './expression.js';
import {
  dimensionField,
  type Field,
  type Frame,
  measureField,
  RenderError,
  unaggregatedField,
} from './fields.js';
import { columnOf, inScope } from './filters.js';
import { type NumberStyle, styleOf } from './format.js';
import { dimensionValue } from './shape.js';
import type { Row } from './types.js';
import { esc, list, shown, tableColumns, type VisualEnv, visualType } from './visuals.js';

/** A filter whose values the person picks: in a control, or through a parameter an action or control sets. */
export interface DynamicFilter {
  id: string;
  column: string;
  dataSet: string;
  group: FilterGroup;
  /** The filter control's id, or the parameter's name. */
  control?: string;
  param?: string;
  op: string;
  nulls: string;
  /** Values selected at first (a control's CategoryValues). */
  initial: string[];
}

/** A tree over partial aggregates: ['n', 1], ['z'] (null), ['c', i], ['d', key], [op, a, b], ['neg', a]. */
export type Tree = (string | number | Tree)[];

export interface CubeKey {
  column: string;
  /** Distinct values (null as null). */
  dict: unknown[];
  /** Dimensions: the text of each value as the visual shows it; 0 where it is the value itself (absent when all are). */
  text?: (string | 0)[];
}

export interface Cube {
  keys: CubeKey[];
  /** codes[k][r]: index into keys[k].dict of line r. */
  codes: number[][];
  /** Partial aggregates, parts[c][r], of the components. */
  comps: { fn: 'SUM' | 'CNT' | 'MIN' | 'MAX' }[];
  parts: (number | null)[][];
}

export interface VisualSpec extends Cube {
  type: 'table' | 'kpi' | 'bar' | 'pie' | 'line';
  sheet: string;
  /** Key indexes of the dimensions, in the order of the visual's dimension fields. */
  dims: number[];
  measures: { tree: Tree; style: NumberStyle | null; nullText: string }[];
  /** Filters that reach the visual: filter id → key index. */
  filters: Record<string, number>;
  /** Columns an action can filter the visual by → key index. */
  actionKeys: Record<string, number>;
  sort: { d?: number; m?: number; desc: boolean }[];
  limit?: { n: number; other: boolean };
  /** Type-specific drawing options. */
  draw: Record<string, unknown>;
}

export interface ActionSpec {
  name: string;
  /** The clicked point's values to filter targets by: column and the source's field id. */
  fields: { column: string; fieldId: string }[];
  targets: string[];
  /** Parameters set from a field of the clicked point (or to fixed values). */
  params: { name: string; fieldId?: string; values?: string[] }[];
  sheet?: string;
}

export interface PageData {
  filters: Record<string, { column: string; op: string; nulls: string; param?: string; initial: string[] }>;
  params: Record<string, string[] | null>;
  visuals: Record<string, VisualSpec>;
  /** Visuals a filter reaches that the script cannot recompute (it notes them). */
  fixed: Record<string, string[]>;
  actions: Record<string, ActionSpec[]>;
}

/**
 * Lines of one visual's cube the page carries at most (about 60 bytes each for a wide table):
 * a visual with more is drawn once, with every value, and says it does not follow the filters.
 */
export const MAX_CUBE_LINES = 50_000;

const LIST_OPS: Record<string, string> = { CONTAINS: 'EQUALS', DOES_NOT_CONTAIN: 'DOES_NOT_EQUAL' };

/** The category filters of the definition a control or a parameter drives. */
export function dynamicFilters(
  sheets: SheetDefinition[],
  groups: FilterGroup[] | undefined,
  params: ReadonlyMap<string, unknown>,
): DynamicFilter[] {
  const controlled = new Map<string, string>();
  for (const s of sheets)
    for (const c of s.FilterControls ?? []) {
      const x = Object.values(c).find((v) => v && typeof v === 'object') as
        | { SourceFilterId?: string; FilterControlId?: string }
        | undefined;
      if (x?.SourceFilterId) controlled.set(x.SourceFilterId, x.FilterControlId ?? x.SourceFilterId);
    }
  const out: DynamicFilter[] = [];
  for (const g of groups ?? []) {
    if (g.Status === 'DISABLED') continue;
    for (const f of g.Filters ?? []) {
      const c: CategoryFilter | undefined = f.CategoryFilter;
      const { dataSet, column, id } = columnOf(f);
      if (!c || !id || !column || !dataSet) continue;
      const listCfg =
        c.Configuration?.FilterListConfiguration ?? c.Configuration?.CustomFilterListConfiguration;
      const custom = c.Configuration?.CustomFilterConfiguration;
      const base = { id, column, dataSet, group: g };
      if (controlled.has(id) && listCfg) {
        const op = listCfg.MatchOperator ?? 'CONTAINS';
        out.push({
          ...base,
          control: controlled.get(id) as string,
          op: LIST_OPS[op] ?? op,
          nulls: listCfg.NullOption ?? 'NON_NULLS_ONLY',
          initial: listCfg.SelectAllOptions === 'FILTER_ALL_VALUES' ? [] : (listCfg.CategoryValues ?? []),
        });
      } else if (custom?.ParameterName && custom.CategoryValue === undefined) {
        const v = params.get(custom.ParameterName);
        out.push({
          ...base,
          param: custom.ParameterName,
          op: custom.MatchOperator ?? 'EQUALS',
          nulls: custom.NullOption ?? 'NON_NULLS_ONLY',
          initial: v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String),
        });
      }
    }
  }
  return out;
}

/** Whether a filter reaches a visual of a sheet reading a frame (scope, then data set or column name). */
export function reaches(f: DynamicFilter, sheetId: string, visualId: string, frame: Frame): boolean {
  if (!inScope(f.group, sheetId, visualId) || !frame.has(f.column)) return false;
  return f.dataSet === frame.id || f.group.CrossDataset === 'ALL_DATASETS';
}

function truthy(v: unknown): boolean {
  return v === true || (typeof v === 'number' && v !== 0) || v === 'true';
}

const AGG: Record<string, 'SUM' | 'AVG' | 'CNT' | 'MIN' | 'MAX' | 'DC'> = {
  sum: 'SUM',
  avg: 'AVG',
  count: 'CNT',
  min: 'MIN',
  max: 'MAX',
  distinct_count: 'DC',
};

/** Builds a visual's cube while its measures are compiled. */
class CubeBuilder {
  readonly keys: { column: string; get: (r: Row) => unknown }[] = [];
  private readonly byName = new Map<string, number>();
  readonly comps: { fn: 'SUM' | 'CNT' | 'MIN' | 'MAX'; get: (r: Row) => unknown }[] = [];

  constructor(readonly frame: Frame) {}

  key(name: string, column: string, get: (r: Row) => unknown): number {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    this.keys.push({ column, get });
    this.byName.set(name, this.keys.length - 1);
    return this.keys.length - 1;
  }

  rawKey(column: string): number {
    return this.key(`raw\u0000${column}`, column, (r) => this.frame.value(column, r));
  }

  dim(f: Field): number {
    if (f.source === 'date' || f.source === 'calculated')
      return this.key(`dim\u0000${f.fieldId}`, f.column, (r) => dimensionValue(this.frame, f, r));
    return this.rawKey(f.column);
  }

  comp(fn: 'SUM' | 'CNT' | 'MIN' | 'MAX', get: (r: Row) => unknown): Tree {
    this.comps.push({ fn, get });
    return ['c', this.comps.length - 1];
  }

  aggregate(kind: string, get: (r: Row) => unknown, column?: string): Tree {
    const num = (r: Row) => toNumber(get(r));
    switch (kind) {
      case 'SUM':
      case 'MIN':
      case 'MAX':
        return this.comp(kind, num);
      case 'AVG':
        return ['/', this.comp('SUM', num), this.comp('CNT', num)];
      case 'CNT':
        return this.comp('CNT', get);
      case 'DC':
        if (!column) throw new RenderError('distinct_count of an expression is not recomputed on the page');
        return ['d', this.rawKey(column)];
      default:
        throw new RenderError(`${kind} is not recomputed on the page`);
    }
  }

  expr(e: Expr): Tree {
    switch (e.k) {
      case 'num':
        return ['n', e.v];
      case 'null':
        return ['z'];
      case 'un':
        if (e.op === '-') return ['neg', this.expr(e.e)];
        break;
      case 'bin':
        if ('+-*/'.includes(e.op)) return [e.op, this.expr(e.l), this.expr(e.r)];
        break;
      case 'call': {
        const conditional = e.fn.endsWith('if') && e.fn !== 'ifelse';
        const kind = AGG[conditional ? e.fn.slice(0, -2) : e.fn];
        const arg = e.args[0];
        if (!kind || !arg) break;
        const cond = conditional ? e.args[1] : undefined;
        const ctx = this.frame.ctx;
        const get = (r: Row) =>
          cond && !truthy(evaluate(cond, ctx, r, null)) ? null : evaluate(arg, ctx, r, null);
        return this.aggregate(kind, get, !cond && arg.k === 'col' ? arg.name : undefined);
      }
    }
    throw new RenderError('an expression the page does not recompute');
  }

  measure(f: Field): Tree {
    if (f.source === 'calculated') return this.expr(parseExpression(f.expression ?? ''));
    const calc = this.frame.aggregateCalcs.get(f.column);
    if (calc) return this.expr(calc);
    const agg = f.aggregation ?? 'SUM';
    const kind = agg === 'AVERAGE' ? 'AVG' : agg === 'COUNT' ? 'CNT' : agg === 'DISTINCT_COUNT' ? 'DC' : agg;
    if ((kind === 'MIN' || kind === 'MAX') && this.frame.kindOf(f.column) !== 'number')
      throw new RenderError(`${agg} of a non-number is not recomputed on the page`);
    return this.aggregate(kind, (r) => this.frame.value(f.column, r), f.column);
  }

  /** One line per distinct key combination of the rows, in the order they first appear. */
  build(rows: Row[]): Cube {
    const dicts = this.keys.map(() => new Map<unknown, number>());
    const keys: CubeKey[] = this.keys.map((k) => ({ column: k.column, dict: [] }));
    const codes: number[][] = this.keys.map(() => []);
    const parts: (number | null)[][] = this.comps.map(() => []);
    const lines = new Map<string, number>();
    for (const r of rows) {
      const c = this.keys.map((k, i) => {
        const v = k.get(r);
        const value = isNullish(v) ? null : typeof v === 'bigint' ? Number(v) : v;
        // Strings, numbers and null are their own key (a Map compares them by value); others as JSON.
        const s = value === null || typeof value !== 'object' ? value : JSON.stringify(value);
        const dict = dicts[i] as Map<unknown, number>;
        let code = dict.get(s);
        if (code === undefined) {
          code = dict.size;
          dict.set(s, code);
          (keys[i] as CubeKey).dict.push(value);
        }
        return code;
      });
      const id = c.join(',');
      let line = lines.get(id);
      if (line === undefined) {
        line = lines.size;
        lines.set(id, line);
        c.forEach((code, i) => {
          (codes[i] as number[]).push(code);
        });
        for (const p of parts) p.push(null);
      }
      this.comps.forEach((comp, i) => {
        const p = parts[i] as (number | null)[];
        p[line] = merge(comp.fn, p[line] ?? null, comp.get(r));
      });
    }
    return { keys, codes, comps: this.comps.map((c) => ({ fn: c.fn })), parts };
  }
}

function merge(fn: string, acc: number | null, v: unknown): number | null {
  if (fn === 'CNT') return (acc ?? 0) + (isNullish(v) ? 0 : 1);
  const n = toNumber(v);
  if (n === null) return acc;
  if (acc === null) return n;
  return fn === 'SUM' ? acc + n : fn === 'MIN' ? Math.min(acc, n) : Math.max(acc, n);
}

/** The fields of a visual the script can redraw, and how; undefined for a type it does not redraw. */
function fieldsOf(visual: Visual):
  | {
      type: VisualSpec['type'];
      dims: Field[];
      measures: Field[];
      color?: Field;
      unaggregated?: boolean;
    }
  | undefined {
  const bar = visual.BarChartVisual?.ChartConfiguration?.FieldWells?.BarChartAggregatedFieldWells;
  if (visual.BarChartVisual) {
    const color = list(bar?.Colors).map(dimensionField)[0];
    return {
      type: 'bar',
      dims: list(bar?.Category).map(dimensionField).slice(0, 1),
      measures: list(bar?.Values).map(measureField),
      ...(color ? { color } : {}),
    };
  }
  const line = visual.LineChartVisual?.ChartConfiguration?.FieldWells?.LineChartAggregatedFieldWells;
  if (visual.LineChartVisual) {
    const color = list(line?.Colors).map(dimensionField)[0];
    return {
      type: 'line',
      dims: list(line?.Category).map(dimensionField).slice(0, 1),
      measures: list(line?.Values).map(measureField),
      ...(color ? { color } : {}),
    };
  }
  const pie = visual.PieChartVisual?.ChartConfiguration?.FieldWells?.PieChartAggregatedFieldWells;
  if (visual.PieChartVisual)
    return {
      type: 'pie',
      dims: list(pie?.Category).map(dimensionField).slice(0, 1),
      measures: list(pie?.Values).map(measureField).slice(0, 1),
    };
  const kpi: KPIConfiguration | undefined = visual.KPIVisual?.ChartConfiguration;
  if (visual.KPIVisual) {
    if (list(kpi?.FieldWells?.TrendGroups).length || list(kpi?.FieldWells?.TargetValues).length)
      return undefined;
    return { type: 'kpi', dims: [], measures: list(kpi?.FieldWells?.Values).map(measureField).slice(0, 1) };
  }
  const table: TableConfiguration | undefined = visual.TableVisual?.ChartConfiguration;
  if (visual.TableVisual) {
    const agg = table?.FieldWells?.TableAggregatedFieldWells;
    const unagg = table?.FieldWells?.TableUnaggregatedFieldWells;
    const groupBy = list(agg?.GroupBy).map(dimensionField);
    const values = list(agg?.Values).map(measureField);
    if (!unagg || groupBy.length + values.length > 0)
      return { type: 'table', dims: groupBy, measures: values };
    return {
      type: 'table',
      dims: list(unagg.Values).map(unaggregatedField),
      measures: [],
      unaggregated: true,
    };
  }
  return undefined;
}

/** The sort of a chart or table as key references (FieldSort only; a ColumnSort on a dimension column). */
function sortOf(visual: Visual, dims: Field[], measures: Field[]): VisualSpec['sort'] {
  const options =
    visual.TableVisual?.ChartConfiguration?.SortConfiguration?.RowSort ??
    visual.BarChartVisual?.ChartConfiguration?.SortConfiguration?.CategorySort ??
    visual.LineChartVisual?.ChartConfiguration?.SortConfiguration?.CategorySort ??
    visual.PieChartVisual?.ChartConfiguration?.SortConfiguration?.CategorySort ??
    [];
  const out: VisualSpec['sort'] = [];
  for (const o of options) {
    const id = o.FieldSort?.FieldId;
    const column = o.ColumnSort?.SortBy?.ColumnName;
    const desc = (o.FieldSort?.Direction ?? o.ColumnSort?.Direction) === 'DESC';
    const d = dims.findIndex((f) =>
      id ? f.fieldId === id : f.column === column && !o.ColumnSort?.AggregationFunction,
    );
    const m = measures.findIndex((f) => f.fieldId === id);
    if (d >= 0) out.push({ d, desc });
    else if (m >= 0) out.push({ m, desc });
    else throw new RenderError('a sort the page does not recompute');
  }
  if (out.length === 0 && visual.BarChartVisual && measures.length && dims[0]?.source === 'categorical')
    out.push({ m: 0, desc: true });
  if (out.length === 0 && visual.PieChartVisual && measures.length && dims[0]?.source === 'categorical')
    out.push({ m: 0, desc: true });
  if (
    out.length === 0 &&
    (visual.BarChartVisual || visual.PieChartVisual || visual.LineChartVisual) &&
    dims.length
  )
    out.push({ d: 0, desc: false });
  return out;
}

function limitOf(visual: Visual): VisualSpec['limit'] {
  const l =
    visual.BarChartVisual?.ChartConfiguration?.SortConfiguration?.CategoryItemsLimit ??
    visual.PieChartVisual?.ChartConfiguration?.SortConfiguration?.CategoryItemsLimit ??
    visual.LineChartVisual?.ChartConfiguration?.SortConfiguration?.CategoryItemsLimitConfiguration;
  return l?.ItemsLimit === undefined
    ? undefined
    : { n: l.ItemsLimit, other: l.OtherCategories === 'INCLUDE' };
}

export interface SpecInput {
  env: VisualEnv;
  visual: Visual;
  filters: DynamicFilter[];
  /** Columns actions filter this visual by. */
  actionColumns: string[];
  /** Base rows: the visual's frame after the filters the script does not apply. */
  rows: (frame: Frame) => Row[];
}

/** The script's spec of a visual, or why it cannot have one. */
export function visualSpec(o: SpecInput): VisualSpec | { fixed: string } {
  const { type, body } = visualType(o.visual);
  const id = String(body.VisualId ?? '');
  const shape = fieldsOf(o.visual);
  if (!shape)
    return { fixed: `${type === 'KPIVisual' ? 'a KPI with a trend or target' : type} is not recomputed` };
  try {
    const all = [...shape.dims, ...shape.measures, ...(shape.color ? [shape.color] : [])];
    const first = all.find((f) => f.source !== 'calculated');
    const frame = first ? o.env.frames.get(first.dataSet) : undefined;
    if (!frame) return { fixed: 'no data set' };
    const b = new CubeBuilder(frame);
    const dims = [...shape.dims, ...(shape.color ? [shape.color] : [])].map((f) => b.dim(f));
    const measures = shape.measures.map((f) => {
      const s = shown(o.env, frame, f);
      return {
        tree: b.measure(f),
        style: s.kind === 'number' ? styleOf(s.format.numeric) : null,
        nullText: s.format.nullString ?? '',
      };
    });
    if (shape.unaggregated) b.comp('CNT', () => 1);
    const filters: Record<string, number> = {};
    for (const f of o.filters) if (reaches(f, o.env.sheetId, id, frame)) filters[f.id] = b.rawKey(f.column);
    const actionKeys: Record<string, number> = {};
    for (const c of o.actionColumns) if (frame.has(c)) actionKeys[c] = b.rawKey(c);
    const cube = b.build(o.rows(frame));
    const lines = cube.codes[0]?.length ?? 0;
    if (lines > MAX_CUBE_LINES)
      return {
        fixed: `${lines.toLocaleString('en-US')} distinct lines, more than the page recomputes (${MAX_CUBE_LINES.toLocaleString('en-US')})`,
      };
    // Dimension values as the visual shows them.
    [...shape.dims, ...(shape.color ? [shape.color] : [])].forEach((f, i) => {
      const key = cube.keys[dims[i] as number] as CubeKey;
      const s = shown(o.env, frame, f);
      // 0: the text is the value itself (most strings), so the page does not carry it twice.
      const text = key.dict.map((v) => {
        const t = s.text(v);
        return t === (v === null ? '' : String(v)) ? 0 : t;
      });
      if (text.some((t) => t !== 0)) key.text = text;
    });
    return {
      ...cube,
      type: shape.type,
      sheet: o.env.sheetId,
      dims,
      measures,
      filters,
      actionKeys,
      sort: sortOf(o.visual, shape.dims, shape.measures),
      ...(limitOf(o.visual) ? { limit: limitOf(o.visual) as { n: number; other: boolean } } : {}),
      draw: drawOptions(o, shape, frame),
    };
  } catch (e) {
    if (e instanceof RenderError || e instanceof ExpressionError) return { fixed: e.message };
    throw e;
  }
}

/** What the script needs to draw the visual again: table columns, chart orientation and colours. */
function drawOptions(
  o: SpecInput,
  shape: NonNullable<ReturnType<typeof fieldsOf>>,
  frame: Frame,
): Record<string, unknown> {
  const v = o.visual;
  if (v.TableVisual) {
    const cfg = v.TableVisual.ChartConfiguration;
    const columns = tableColumns(cfg, [...shape.dims, ...shape.measures]);
    return {
      unaggregated: shape.unaggregated === true,
      totals: cfg?.TotalOptions?.TotalsVisibility === 'VISIBLE',
      totalLabel: cfg?.TotalOptions?.CustomLabel ?? 'Total',
      columns: columns.map((f) => {
        const d = shape.dims.indexOf(f);
        return {
          fid: f.fieldId,
          num: shown(o.env, frame, f).kind === 'number',
          ...(d >= 0 ? { d } : { m: shape.measures.indexOf(f) }),
        };
      }),
    };
  }
  const colorField = shape.color ?? (shape.measures.length === 1 ? shape.dims[0] : undefined);
  const colors: Record<string, string> = {};
  if (colorField)
    for (const value of o.env.valueColors.get(colorField.column)?.keys() ?? []) {
      const got = colorOf(o.env.valueColors, colorField.column, value);
      if (got) colors[value] = got;
    }
  return {
    horizontal: v.BarChartVisual?.ChartConfiguration?.Orientation === 'HORIZONTAL',
    stacked: (v.BarChartVisual?.ChartConfiguration?.BarsArrangement ?? 'CLUSTERED') !== 'CLUSTERED',
    colorBy: shape.color ? 'series' : Object.keys(colors).length ? 'category' : 'none',
    colors,
    labels: shape.measures.map((f) => shown(o.env, frame, f).label),
    fields: [...shape.dims, ...(shape.color ? [shape.color] : [])].map((f) => f.fieldId),
  };
}

/** The custom actions of the visuals, by source visual; and, by target visual, the columns they filter it by. */
export function actionsOf(sheets: SheetDefinition[]): {
  actions: Record<string, ActionSpec[]>;
  targetColumns: Map<string, Set<string>>;
} {
  const actions: Record<string, ActionSpec[]> = {};
  const targetColumns = new Map<string, Set<string>>();
  for (const sheet of sheets) {
    const onSheet = (sheet.Visuals ?? []).map((v) => String(visualType(v).body.VisualId ?? ''));
    for (const v of sheet.Visuals ?? []) {
      const { body } = visualType(v);
      const id = String(body.VisualId ?? '');
      const shape = fieldsOf(v);
      const fields = shape ? [...shape.dims, ...shape.measures, ...(shape.color ? [shape.color] : [])] : [];
      const dims = shape ? [...shape.dims, ...(shape.color ? [shape.color] : [])] : [];
      for (const a of list(
        (body as { Actions?: import('@aws-sdk/client-quicksight').VisualCustomAction[] }).Actions,
      )) {
        if (a.Status === 'DISABLED') continue;
        const spec: ActionSpec = {
          name: a.Name ?? a.CustomActionId ?? '',
          fields: [],
          targets: [],
          params: [],
        };
        for (const op of list(a.ActionOperations)) {
          const f = op.FilterOperation;
          if (f) {
            const sel = f.SelectedFieldsConfiguration;
            const picked =
              sel?.SelectedFieldOptions === 'ALL_FIELDS'
                ? dims
                : fields.filter(
                    (x) =>
                      list(sel?.SelectedFields).includes(x.fieldId) ||
                      list(sel?.SelectedColumns).some((c) => c.ColumnName === x.column),
                  );
            spec.fields = picked
              .filter((x) => x.column)
              .map((x) => ({ column: x.column, fieldId: x.fieldId }));
            const t = f.TargetVisualsConfiguration?.SameSheetTargetVisualConfiguration;
            spec.targets =
              t?.TargetVisualOptions === 'ALL_VISUALS'
                ? onSheet.filter((x) => x !== id)
                : [...list(t?.TargetVisuals)];
            for (const target of spec.targets) {
              const set = targetColumns.get(target) ?? new Set<string>();
              for (const x of spec.fields) set.add(x.column);
              targetColumns.set(target, set);
            }
          }
          const nav = op.NavigationOperation?.LocalNavigationConfiguration?.TargetSheetId;
          if (nav) spec.sheet = nav;
          for (const p of list(op.SetParametersOperation?.ParameterValueConfigurations)) {
            if (!p.DestinationParameterName) continue;
            const value = p.Value;
            const custom = value?.CustomValuesConfiguration?.CustomValues;
            if (value?.SourceField)
              spec.params.push({ name: p.DestinationParameterName, fieldId: value.SourceField });
            else if (custom)
              spec.params.push({
                name: p.DestinationParameterName,
                values: [
                  ...list(custom.StringValues),
                  ...list(custom.IntegerValues).map(String),
                  ...list(custom.DecimalValues).map(String),
                ],
              });
            else if (value?.SelectAllValueOptions)
              spec.params.push({ name: p.DestinationParameterName, values: [] });
          }
        }
        actions[id] = [...(actions[id] ?? []), spec];
      }
    }
  }
  return { actions, targetColumns };
}

/**
 * The sheet's filter controls (Dropdown and List, single and multiple select) as form elements,
 * disabled until the page's script runs: without it the page shows every value.
 */
export function controlsHtml(
  sheet: SheetDefinition,
  filters: DynamicFilter[],
  frames: Map<string, Frame>,
): string {
  const out: string[] = [];
  for (const c of sheet.FilterControls ?? []) {
    const [kind, x] = (Object.entries(c).find(([, v]) => v && typeof v === 'object') ?? []) as [
      string,
      { SourceFilterId?: string; Title?: string; Type?: string; SelectableValues?: { Values?: string[] } },
    ];
    const f = filters.find((d) => d.id === x?.SourceFilterId && d.control);
    if (!f || (kind !== 'Dropdown' && kind !== 'List')) continue;
    const frame = frames.get(f.dataSet);
    const values = new Set<string>(x.SelectableValues?.Values ?? []);
    if (!values.size && frame)
      for (const r of frame.rows) {
        const v = frame.value(f.column, r);
        if (!isNullish(v) && v !== '') values.add(String(v));
      }
    const multi = x.Type !== 'SINGLE_SELECT';
    const name = `control-${f.id}`;
    const options = [...values]
      .sort((a, b) => a.localeCompare(b, 'en'))
      .map(
        (v) =>
          `<label><input type="${multi ? 'checkbox' : 'radio'}" name="${esc(name)}" value="${esc(v)}"${f.initial.includes(v) ? ' checked' : ''} disabled> ${esc(v)}</label>`,
      );
    if (!multi)
      options.unshift(
        `<label><input type="radio" name="${esc(name)}" value=""${f.initial.length ? '' : ' checked'} disabled> All</label>`,
      );
    const title = esc(x.Title ?? f.column);
    const body = `<div class="qs-options">${options.join('')}</div>`;
    out.push(
      `<div class="qs-control" data-filter-id="${esc(f.id)}" data-multi="${multi}"><span class="qs-control-title">${title}</span>${
        kind === 'Dropdown'
          ? `<details><summary>${f.initial.length ? esc(f.initial.join(', ')) : 'All'}</summary>${body}</details>`
          : body
      }</div>`,
    );
  }
  out.push(...parameterControls(sheet, filters, frames));
  return out.length ? `<div class="qs-controls">${out.join('')}</div>` : '';
}

/** Whether a parameter control drives a filter the page applies (so the page makes it work). */
export function workingParameter(name: string | undefined, filters: DynamicFilter[]): boolean {
  return name !== undefined && filters.some((f) => f.param === name);
}

/** The sheet's parameter controls (Dropdown, List) over a parameter a category filter uses. */
function parameterControls(
  sheet: SheetDefinition,
  filters: DynamicFilter[],
  frames: Map<string, Frame>,
): string[] {
  const out: string[] = [];
  for (const c of sheet.ParameterControls ?? []) {
    const [kind, x] = (Object.entries(c).find(([, v]) => v && typeof v === 'object') ?? []) as [
      string,
      {
        SourceParameterName?: string;
        Title?: string;
        Type?: string;
        SelectableValues?: {
          Values?: string[];
          LinkToDataSetColumn?: { DataSetIdentifier?: string; ColumnName?: string };
        };
      },
    ];
    const name = x?.SourceParameterName;
    if ((kind !== 'Dropdown' && kind !== 'List') || !name || !workingParameter(name, filters)) continue;
    const values = new Set<string>(x.SelectableValues?.Values ?? []);
    const link = x.SelectableValues?.LinkToDataSetColumn;
    const frame = link?.DataSetIdentifier ? frames.get(link.DataSetIdentifier) : undefined;
    if (frame && link?.ColumnName && frame.has(link.ColumnName))
      for (const r of frame.rows) {
        const v = frame.value(link.ColumnName, r);
        if (!isNullish(v) && v !== '') values.add(String(v));
      }
    const initial = filters.find((f) => f.param === name)?.initial ?? [];
    const multi = x.Type !== 'SINGLE_SELECT';
    const options = [...values]
      .sort((a, b) => a.localeCompare(b, 'en'))
      .map(
        (v) =>
          `<label><input type="${multi ? 'checkbox' : 'radio'}" name="param-${esc(name)}" value="${esc(v)}"${initial.includes(v) ? ' checked' : ''} disabled> ${esc(v)}</label>`,
      );
    if (!multi)
      options.unshift(
        `<label><input type="radio" name="param-${esc(name)}" value=""${initial.length ? '' : ' checked'} disabled> All</label>`,
      );
    const body = `<div class="qs-options">${options.join('')}</div>`;
    out.push(
      `<div class="qs-control" data-param="${esc(name)}" data-multi="${multi}"><span class="qs-control-title">${esc(x.Title ?? name)}</span>${
        kind === 'Dropdown'
          ? `<details><summary>${initial.length ? esc(initial.join(', ')) : 'All'}</summary>${body}</details>`
          : body
      }</div>`,
    );
  }
  return out;
}

/** A visual's data set identifier: its first field's (any visual type). */
export function visualDataSet(visual: Visual): string | undefined {
  return /"DataSetIdentifier":"([^"]+)"/.exec(JSON.stringify(visual))?.[1];
}

/** The page's data for its script, as JSON safe inside a <script> element. */
export function pageDataJson(data: PageData): string {
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

/** The page's interactive part while it is being drawn: its filters and actions, and the data it collects. */
export interface Live {
  filters: DynamicFilter[];
  skip: Set<string>;
  targetColumns: Map<string, Set<string>>;
  data: PageData;
}

export function liveSetup(
  sheets: SheetDefinition[],
  groups: FilterGroup[] | undefined,
  params: ReadonlyMap<string, unknown>,
): Live {
  const filters = dynamicFilters(sheets, groups, params);
  const { actions, targetColumns } = actionsOf(sheets);
  const data: PageData = { filters: {}, params: {}, visuals: {}, fixed: {}, actions };
  for (const f of filters) {
    data.filters[f.id] = {
      column: f.column,
      op: f.op,
      nulls: f.nulls,
      initial: f.initial,
      ...(f.param ? { param: f.param } : {}),
    };
    if (f.param) data.params[f.param] = f.initial.length ? f.initial : null;
  }
  return { filters, skip: new Set(filters.map((f) => f.id)), targetColumns, data };
}

/**
 * Records what the script needs for one visual, when a filter or an action reaches it; returns
 * the note a visual the script cannot recompute shows while a filter is picked ('' otherwise).
 */
export function addLive(
  live: Live,
  visual: Visual,
  env: VisualEnv,
  filterRows: (frame: Frame) => Row[],
): string {
  const { body } = visualType(visual);
  const id = String(body.VisualId ?? '');
  const dataSet = visualDataSet(visual);
  const frame = dataSet ? env.frames.get(dataSet) : undefined;
  const reaching = frame ? live.filters.filter((f) => reaches(f, env.sheetId, id, frame)) : [];
  const targetOf = [...(live.targetColumns.get(id) ?? [])];
  if (reaching.length === 0 && targetOf.length === 0 && !live.data.actions[id]) return '';
  const spec = visualSpec({ env, visual, filters: reaching, actionColumns: targetOf, rows: filterRows });
  if ('fixed' in spec) {
    live.data.fixed[id] = reaching.map((f) => f.id);
    return `<p class="notes qs-fixed" hidden>Not recomputed for the page's filters here (${esc(spec.fixed)}): these are the numbers for every value.</p>`;
  }
  live.data.visuals[id] = spec;
  return '';
}
