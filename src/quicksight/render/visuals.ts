/**
 * One QuickSight visual → an HTML fragment: charts as inline SVG from ECharts, KPIs and tables as
 * HTML with plain-text cells. A visual type without a renderer, or a visual that cannot be computed
 * (a missing column, an unsupported expression), becomes a labelled box, never nothing.
 */
import type {
  BarChartConfiguration,
  ChartAxisLabelOptions,
  ColumnConfiguration,
  ConditionalFormattingColor,
  FieldSortOptions,
  FilterGroup,
  HeatMapConfiguration,
  KPIConfiguration,
  LineChartConfiguration,
  PieChartConfiguration,
  PivotTableConditionalFormatting,
  PivotTableConditionalFormattingOption,
  PivotTableConfiguration,
  TableConditionalFormatting,
  TableConditionalFormattingOption,
  TableConfiguration,
  Visual,
  VisualPalette,
} from '@aws-sdk/client-quicksight';
import {
  barChartSvg,
  type ChartSize,
  heatMapSvg,
  lineChartSvg,
  PALETTE,
  pieChartSvg,
  sparklineSvg,
} from './charts.js';
import { colorOf, type ValueColors } from './colors.js';
import { ExpressionError, isNullish, toNumber } from './expression.js';
import {
  dimensionField,
  type Field,
  type Frame,
  fieldKind,
  measureField,
  RenderError,
  unaggregatedField,
} from './fields.js';
import { applyFilters, type FilterContext } from './filters.js';
import { formatValue, mergeFormats, type ValueFormat, valueFormat } from './format.js';
import { categorySeries, checkFields, groupRows, matrix, OTHER, sortGroups, sortKeys } from './shape.js';
import type { Row } from './types.js';

/** Visual types drawn by this renderer; any other member of `Visual` becomes a placeholder. */
export const SUPPORTED_VISUALS = [
  'KPIVisual',
  'BarChartVisual',
  'PieChartVisual',
  'LineChartVisual',
  'TableVisual',
  'PivotTableVisual',
  'HeatMapVisual',
] as const;

export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The member of a Visual that is set (its type), and that member. */
export function visualType(v: Visual): { type: string; body: Record<string, unknown> } {
  for (const [k, x] of Object.entries(v)) {
    if (x && typeof x === 'object') return { type: k, body: x as Record<string, unknown> };
  }
  return { type: 'UnknownVisual', body: {} };
}

type TitleOptions =
  | { Visibility?: string; FormatText?: { PlainText?: string; RichText?: string } }
  | undefined;

function stripTags(s: string): string {
  return s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

export function titleText(t: TitleOptions): string {
  const f = t?.FormatText;
  return f?.PlainText ?? (f?.RichText ? stripTags(f.RichText) : '');
}

export interface VisualEnv {
  frames: Map<string, Frame>;
  /** One colour per value of the columns the page colours by (colors.ts). */
  valueColors: ValueColors;
  filterGroups: FilterGroup[] | undefined;
  columnFormats: Map<string, ValueFormat>;
  filterContext: FilterContext;
  sheetId: string;
  size: ChartSize;
}

/** Formats of ColumnConfigurations, keyed by data set and column. */
export function columnFormats(configs: ColumnConfiguration[] | undefined): Map<string, ValueFormat> {
  const out = new Map<string, ValueFormat>();
  for (const c of configs ?? []) {
    if (!c.Column?.ColumnName || !c.FormatConfiguration) continue;
    out.set(
      `${c.Column.DataSetIdentifier ?? ''}\u0000${c.Column.ColumnName}`,
      valueFormat(c.FormatConfiguration),
    );
  }
  return out;
}

/** How a field's values are shown. */
export interface Shown {
  field: Field;
  kind: ReturnType<typeof fieldKind>;
  format: ValueFormat;
  label: string;
  text(v: unknown): string;
}

export function shown(env: VisualEnv, frame: Frame, f: Field, label?: string): Shown {
  const kind = fieldKind(f, frame);
  const format = mergeFormats(f.format, env.columnFormats.get(`${f.dataSet}\u0000${f.column}`) ?? {});
  // A column typed DECIMAL holding scores is still a number; a measure counting strings is a number.
  return {
    field: f,
    kind,
    format,
    label: label ?? (f.column || f.fieldId),
    text: (v) =>
      v === OTHER
        ? 'Other'
        : formatValue(v, kind, format, f.role === 'dimension' ? f.granularity : undefined),
  };
}

function frameOf(env: VisualEnv, fields: Field[]): Frame {
  const first = fields.find((f) => f.source !== 'calculated');
  if (!first) throw new RenderError('the visual has no fields');
  const frame = env.frames.get(first.dataSet);
  if (!frame) throw new RenderError(`data set ${first.dataSet} has no data (not declared, or not loaded)`);
  checkFields(frame, fields);
  return frame;
}

interface Prepared {
  frame: Frame;
  rows: Row[];
  notes: string[];
}

function prepare(env: VisualEnv, visualId: string, fields: Field[]): Prepared {
  const frame = frameOf(env, fields);
  const r = applyFilters(frame, env.filterGroups, env.sheetId, visualId, env.filterContext);
  const notes: string[] = [];
  if (r.applied.length) notes.push(`Filtered: ${r.applied.join('; ')}`);
  if (r.notApplied.length) notes.push(`Not applied locally: ${r.notApplied.join('; ')}`);
  return { frame, rows: r.rows, notes };
}

export interface RenderedVisual {
  html: string;
  notes: string[];
  /** False for a placeholder or an error box. */
  rendered: boolean;
  /** Tables: lines shown (header, body and totals), to size a table the layout does not place. */
  lines?: number;
}

/** The list, or an empty one when it is missing (or, in a definition that ignores the API's types, not a list). */
export function list<T>(x: readonly T[] | undefined): readonly T[] {
  return Array.isArray(x) ? x : [];
}

function axisLabel(opts: ChartAxisLabelOptions | undefined): string | undefined {
  return list(opts?.AxisLabelOptions).find((l) => l.CustomLabel)?.CustomLabel;
}

function visible(opts: { Visibility?: string | undefined } | undefined, dflt: boolean): boolean {
  const v = opts?.Visibility;
  return v === undefined ? dflt : v === 'VISIBLE';
}

function colorMap(palette: VisualPalette | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of list(palette?.ColorMap)) {
    if (c.Element?.FieldValue !== undefined && c.Color) out.set(c.Element.FieldValue, c.Color);
  }
  return out;
}

function seriesColors(
  env: VisualEnv,
  palette: VisualPalette | undefined,
  color: Field | undefined,
  series: { name: string; colorValue?: unknown }[],
): (string | undefined)[] {
  const map = colorMap(palette);
  const chart = palette?.ChartColor;
  return series.map((s, i) => {
    const byValue =
      s.colorValue !== undefined
        ? (map.get(String(s.colorValue)) ??
          (color ? colorOf(env.valueColors, color.column, s.colorValue) : undefined))
        : undefined;
    return byValue ?? (series.length === 1 && i === 0 ? chart : undefined);
  });
}

/** Colours of single-series bars or pie slices whose category the page colours by. */
function categoryColors(
  env: VisualEnv,
  palette: VisualPalette | undefined,
  category: Field | undefined,
  categories: unknown[],
): (string | undefined)[] | undefined {
  if (!category || !env.valueColors.has(category.column)) return undefined;
  const map = colorMap(palette);
  return categories.map((c) => map.get(String(c)) ?? colorOf(env.valueColors, category.column, c));
}

function barChart(env: VisualEnv, id: string, cfg: BarChartConfiguration): RenderedVisual {
  const wells = cfg.FieldWells?.BarChartAggregatedFieldWells;
  const category = list(wells?.Category).map(dimensionField)[0];
  const values = list(wells?.Values).map(measureField);
  const color = list(wells?.Colors).map(dimensionField)[0];
  if (values.length === 0) throw new RenderError('the bar chart has no value field');
  const fields = [category, ...values, color].filter((f): f is Field => f !== undefined);
  const p = prepare(env, id, fields);
  const sort = cfg.SortConfiguration;
  const data = categorySeries(p.frame, p.rows, category, values, color, {
    categorySort: sort?.CategorySort,
    categoryLimit: sort?.CategoryItemsLimit,
    colorSort: sort?.ColorSort,
    colorLimit: sort?.ColorItemsLimit,
    defaultOrder: 'value',
  });
  const cat = category ? shown(env, p.frame, category) : undefined;
  const val = shown(env, p.frame, values[0] as Field);
  const colorShown = color ? shown(env, p.frame, color) : undefined;
  const colors = seriesColors(env, cfg.VisualPalette, color, data.series);
  const itemColors =
    data.series.length === 1 && !color && !cfg.VisualPalette?.ChartColor
      ? categoryColors(env, cfg.VisualPalette, category, data.categories)
      : undefined;
  const arrangement = cfg.BarsArrangement ?? 'CLUSTERED';
  const svg = barChartSvg({
    categories: data.categories.map((c) => cat?.text(c) ?? ''),
    series: data.series.map((s, i) => ({
      name:
        colorShown && s.colorValue !== undefined
          ? colorShown.text(s.colorValue)
          : shown(env, p.frame, s.measure).label,
      values: s.values,
      ...(colors[i] ? { color: colors[i] as string } : {}),
    })),
    size: env.size,
    format: (v) => val.text(v),
    horizontal: cfg.Orientation === 'HORIZONTAL',
    arrangement,
    ...(itemColors ? { itemColors } : {}),
    categoryAxisName: axisLabel(cfg.CategoryLabelOptions) ?? cat?.label ?? '',
    valueAxisName: axisLabel(cfg.ValueLabelOptions) ?? (values.length === 1 ? val.label : ''),
    dataLabels: visible(cfg.DataLabels, false),
    legend: visible(cfg.Legend, data.series.length > 1),
  });
  return { html: `<div class="chart">${svg}</div>`, notes: p.notes, rendered: true };
}

function lineChart(env: VisualEnv, id: string, cfg: LineChartConfiguration): RenderedVisual {
  const wells = cfg.FieldWells?.LineChartAggregatedFieldWells;
  const category = list(wells?.Category).map(dimensionField)[0];
  const values = list(wells?.Values).map(measureField);
  const color = list(wells?.Colors).map(dimensionField)[0];
  if (values.length === 0) throw new RenderError('the line chart has no value field');
  const fields = [category, ...values, color].filter((f): f is Field => f !== undefined);
  const p = prepare(env, id, fields);
  const sort = cfg.SortConfiguration;
  const data = categorySeries(p.frame, p.rows, category, values, color, {
    categorySort: sort?.CategorySort,
    categoryLimit: sort?.CategoryItemsLimitConfiguration,
    colorLimit: sort?.ColorItemsLimitConfiguration,
    defaultOrder: 'category',
  });
  const cat = category ? shown(env, p.frame, category) : undefined;
  const val = shown(env, p.frame, values[0] as Field);
  const colorShown = color ? shown(env, p.frame, color) : undefined;
  const colors = seriesColors(env, cfg.VisualPalette, color, data.series);
  const type = cfg.Type ?? 'LINE';
  const svg = lineChartSvg({
    categories: data.categories.map((c) => cat?.text(c) ?? ''),
    series: data.series.map((s, i) => ({
      name:
        colorShown && s.colorValue !== undefined
          ? colorShown.text(s.colorValue)
          : shown(env, p.frame, s.measure).label,
      values: s.values,
      ...(colors[i] ? { color: colors[i] as string } : {}),
    })),
    size: env.size,
    format: (v) => val.text(v),
    type,
    categoryAxisName: axisLabel(cfg.XAxisLabelOptions) ?? cat?.label ?? '',
    valueAxisName: axisLabel(cfg.PrimaryYAxisLabelOptions) ?? (values.length === 1 ? val.label : ''),
    dataLabels: visible(cfg.DataLabels, false),
    legend: visible(cfg.Legend, data.series.length > 1),
  });
  return { html: `<div class="chart">${svg}</div>`, notes: p.notes, rendered: true };
}

const HOLES: Record<string, number> = { SMALL: 0.78, MEDIUM: 0.62, LARGE: 0.45, WHOLE: 0 };

function pieChart(env: VisualEnv, id: string, cfg: PieChartConfiguration): RenderedVisual {
  const wells = cfg.FieldWells?.PieChartAggregatedFieldWells;
  const category = list(wells?.Category).map(dimensionField)[0];
  const value = list(wells?.Values).map(measureField)[0];
  if (!value) throw new RenderError('the pie chart has no value field');
  const p = prepare(
    env,
    id,
    [category, value].filter((f): f is Field => f !== undefined),
  );
  const sort = cfg.SortConfiguration;
  const data = categorySeries(p.frame, p.rows, category, [value], undefined, {
    categorySort: sort?.CategorySort,
    categoryLimit: sort?.CategoryItemsLimit,
    defaultOrder: 'value',
  });
  const cat = category ? shown(env, p.frame, category) : undefined;
  const val = shown(env, p.frame, value);
  const donut = cfg.DonutOptions;
  const thickness = donut?.ArcOptions?.ArcThickness;
  const hole = donut ? (HOLES[thickness ?? 'MEDIUM'] ?? 0.62) : 0;
  const sliceColors = categoryColors(env, cfg.VisualPalette, category, data.categories);
  const slices = data.categories
    .map((c, i) => ({
      name: cat?.text(c) ?? val.label,
      value: data.series[0]?.values[i] ?? 0,
      ...(sliceColors?.[i] ? { color: sliceColors[i] as string } : {}),
    }))
    .filter((s) => s.value !== null && s.value !== 0) as { name: string; value: number; color?: string }[];
  const total = slices.reduce((n, s) => n + s.value, 0);
  const labels = cfg.DataLabels;
  const svg = pieChartSvg({
    slices,
    size: env.size,
    format: (v) => val.text(v),
    hole,
    ...(donut?.DonutCenterOptions?.LabelVisibility !== 'HIDDEN' && hole > 0
      ? { center: val.text(total) }
      : {}),
    labels: visible(labels, true) ? (labels?.LabelContent ?? 'PERCENT') : 'NONE',
    legend: visible(cfg.Legend, true),
  });
  return { html: `<div class="chart">${svg}</div>`, notes: p.notes, rendered: true };
}

function heatMap(env: VisualEnv, id: string, cfg: HeatMapConfiguration): RenderedVisual {
  const wells = cfg.FieldWells?.HeatMapAggregatedFieldWells;
  const rowDim = list(wells?.Rows).map(dimensionField)[0];
  const colDim = list(wells?.Columns).map(dimensionField)[0];
  const value = list(wells?.Values).map(measureField)[0];
  if (!value) throw new RenderError('the heat map has no value field');
  const rowsF = rowDim ? [rowDim] : [];
  const colsF = colDim ? [colDim] : [];
  const p = prepare(env, id, [...rowsF, ...colsF, value]);
  const sort = cfg.SortConfiguration;
  const m = matrix(p.frame, p.rows, rowsF, colsF, [value], {
    rowSort: sortKeys(p.frame, sort?.HeatMapRowSort, rowsF, [value]),
    columnSort: sortKeys(p.frame, sort?.HeatMapColumnSort, colsF, [value]),
    rowLimit: sort?.HeatMapRowItemsLimitConfiguration,
    columnLimit: sort?.HeatMapColumnItemsLimitConfiguration,
  });
  const r = rowDim ? shown(env, p.frame, rowDim) : undefined;
  const c = colDim ? shown(env, p.frame, colDim) : undefined;
  const val = shown(env, p.frame, value);
  const scale = list(cfg.ColorScale?.Colors);
  const colors = scale.map((s) => s.Color).filter((x): x is string => !!x);
  const dataValues = scale.map((s) => s.DataValue).filter((x): x is number => x !== undefined);
  const svg = heatMapSvg({
    rows: m.rowKeys.map((k) => r?.text(k[0]) ?? ''),
    columns: m.columnKeys.map((k) => c?.text(k[0]) ?? ''),
    cells: m.cells.flatMap((row, y) =>
      row.map((cell, x): [number, number, number | null] => [x, y, toNumber(cell[0])]),
    ),
    size: env.size,
    format: (v) => val.text(v),
    colors: colors.length >= 2 ? colors : ['#f2f7fc', '#2f6fb3'],
    ...(dataValues.length >= 2 ? { min: Math.min(...dataValues), max: Math.max(...dataValues) } : {}),
    dataLabels: visible(cfg.DataLabels, m.rowKeys.length * m.columnKeys.length <= 120),
    ...(r ? { rowAxisName: axisLabel(cfg.RowLabelOptions) ?? r.label } : {}),
    ...(c ? { columnAxisName: axisLabel(cfg.ColumnLabelOptions) ?? c.label } : {}),
  });
  return { html: `<div class="chart">${svg}</div>`, notes: p.notes, rendered: true };
}

function kpi(env: VisualEnv, id: string, cfg: KPIConfiguration): RenderedVisual {
  const wells = cfg.FieldWells;
  const value = list(wells?.Values).map(measureField)[0];
  const target = list(wells?.TargetValues).map(measureField)[0];
  const trend = list(wells?.TrendGroups).map(dimensionField)[0];
  if (!value) throw new RenderError('the KPI has no value field');
  const p = prepare(
    env,
    id,
    [value, target, trend].filter((f): f is Field => f !== undefined),
  );
  const val = shown(env, p.frame, value);
  const options = cfg.KPIOptions;
  let primary: unknown;
  let previous: unknown;
  // With trend groups the KPI shows the latest group, and its target is that group's target.
  let latestRows = p.rows;
  let spark = '';
  if (trend) {
    const keys = sortKeys(p.frame, cfg.SortConfiguration?.TrendGroupSort, [trend], [value]);
    const groups = sortGroups(
      groupRows(p.frame, p.rows, [trend], [value]),
      keys.length ? keys : [{ key: (g) => g.dims[0], direction: 'ASC' }],
    );
    primary = groups.at(-1)?.values[0] ?? null;
    latestRows = groups.at(-1)?.rows ?? [];
    previous = groups.at(-2)?.values[0] ?? null;
    const sparkline = options?.Sparkline;
    if (sparkline && sparkline.Visibility !== 'HIDDEN')
      spark = `<div class="kpi-spark">${sparklineSvg(
        groups.map((g) => toNumber(g.values[0])),
        { width: env.size.width, height: Math.max(40, Math.min(80, env.size.height * 0.35)) },
        sparkline.Color ?? PALETTE[0],
      )}</div>`;
  } else {
    primary = groupRows(p.frame, p.rows, [], [value])[0]?.values[0] ?? null;
  }
  const parts = [
    `<div class="kpi-value" data-value="${esc(rawValue(primary))}">${esc(val.text(primary))}</div>`,
  ];
  if (trend && !isNullish(previous) && !isNullish(primary)) {
    const method = options?.Comparison?.ComparisonMethod ?? 'DIFFERENCE';
    const a = toNumber(primary) ?? 0;
    const b = toNumber(previous) ?? 0;
    const diff = a - b;
    const text =
      method === 'PERCENT'
        ? formatValue(b === 0 ? null : a / b, 'number', {
            numeric: {
              PercentageDisplayFormatConfiguration: { DecimalPlacesConfiguration: { DecimalPlaces: 1 } },
            },
          })
        : method === 'PERCENT_DIFFERENCE'
          ? formatValue(b === 0 ? null : diff / Math.abs(b), 'number', {
              numeric: {
                PercentageDisplayFormatConfiguration: { DecimalPlacesConfiguration: { DecimalPlaces: 1 } },
              },
            })
          : val.text(Math.abs(diff));
    const arrow = diff > 0 ? '▲' : diff < 0 ? '▼' : '■';
    const sign = method === 'PERCENT' ? '' : diff > 0 ? '+' : diff < 0 ? '−' : '';
    const tone = diff > 0 ? 'up' : diff < 0 ? 'down' : 'flat';
    parts.push(
      `<div class="kpi-compare ${tone}">${arrow} ${esc(sign)}${esc(text.replace(/^-/, ''))} <span class="muted">vs previous</span></div>`,
    );
  }
  if (target) {
    const t = groupRows(p.frame, latestRows, [], [target])[0]?.values[0] ?? null;
    const ts = shown(env, p.frame, target);
    parts.push(`<div class="kpi-target">Target ${esc(ts.text(t))}</div>`);
    const a = toNumber(primary);
    const b = toNumber(t);
    if (options?.ProgressBar?.Visibility !== 'HIDDEN' && a !== null && b)
      parts.push(
        `<div class="kpi-progress"><span style="width:${Math.max(0, Math.min(100, (a / b) * 100)).toFixed(1)}%"></span></div>`,
      );
  }
  return { html: `<div class="kpi">${parts.join('')}${spark}</div>`, notes: p.notes, rendered: true };
}

export function rawValue(v: unknown): string {
  if (isNullish(v) || v === OTHER) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Background or text colour of a cell from a gradient conditional format. */
function gradient(
  c: ConditionalFormattingColor | undefined,
  values: number[],
): ((v: number) => string) | undefined {
  const g = c?.Gradient;
  const stops = (g?.Color?.Stops ?? []).filter((s) => s.Color);
  if (stops.length < 2) return undefined;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const points = stops
    .map((s) => ({
      at: s.DataValue ?? min + ((s.GradientOffset ?? 0) / 100) * (max - min),
      rgb: hexRgb(s.Color as string),
    }))
    .filter((p): p is { at: number; rgb: [number, number, number] } => p.rgb !== undefined)
    .sort((a, b) => a.at - b.at);
  if (points.length < 2) return undefined;
  return (v) => {
    const first = points[0] as (typeof points)[number];
    const last = points.at(-1) as (typeof points)[number];
    if (v <= first.at) return rgb(first.rgb);
    if (v >= last.at) return rgb(last.rgb);
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1] as (typeof points)[number];
      const b = points[i] as (typeof points)[number];
      if (v <= b.at) {
        const t = b.at === a.at ? 0 : (v - a.at) / (b.at - a.at);
        return rgb(
          [0, 1, 2].map((k) => a.rgb[k as 0] + (b.rgb[k as 0] - a.rgb[k as 0]) * t) as [
            number,
            number,
            number,
          ],
        );
      }
    }
    return rgb(last.rgb);
  };
}

function hexRgb(hex: string): [number, number, number] | undefined {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return undefined;
  const n = Number.parseInt(m[1] as string, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function rgb(c: [number, number, number]): string {
  return `rgb(${c.map((x) => Math.round(x)).join(',')})`;
}

function contrastText(bg: string): string {
  const m = /rgb\((\d+),(\d+),(\d+)\)/.exec(bg);
  if (!m) return '';
  const [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return 0.299 * r + 0.587 * g + 0.114 * b < 140 ? ';color:#fff' : '';
}

type CellColors = Map<string, { bg?: ReturnType<typeof gradient>; fg?: ReturnType<typeof gradient> }>;

function cellColors(
  formatting: TableConditionalFormatting | PivotTableConditionalFormatting | undefined,
  valuesByField: Map<string, number[]>,
): CellColors {
  const out: CellColors = new Map();
  for (const o of list<TableConditionalFormattingOption | PivotTableConditionalFormattingOption>(
    formatting?.ConditionalFormattingOptions,
  )) {
    const id = o.Cell?.FieldId;
    if (!id) continue;
    const values = valuesByField.get(id) ?? [];
    if (values.length === 0) continue;
    const bg = gradient(o.Cell?.TextFormat?.BackgroundColor, values);
    const fg = gradient(o.Cell?.TextFormat?.TextColor, values);
    if (bg || fg) out.set(id, { ...(bg ? { bg } : {}), ...(fg ? { fg } : {}) });
  }
  return out;
}

function cellStyle(colors: CellColors, fieldId: string, v: unknown): string {
  const c = colors.get(fieldId);
  const n = toNumber(v);
  if (!c || n === null) return '';
  const bg = c.bg?.(n);
  const fg = c.fg?.(n);
  return ` style="${bg ? `background:${bg}${fg ? '' : contrastText(bg)}` : ''}${fg ? `${bg ? ';' : ''}color:${fg}` : ''}"`;
}

/** A table's visible fields in the order of its FieldOptions (fields it does not order last). */
export function tableColumns(cfg: TableConfiguration | undefined, fields: Field[]): Field[] {
  const options = new Map(list(cfg?.FieldOptions?.SelectedFieldOptions).map((o) => [o.FieldId ?? '', o]));
  const order = list(cfg?.FieldOptions?.Order);
  const ordered = order.length
    ? [
        ...order
          .map((fid) => fields.find((f) => f.fieldId === fid))
          .filter((f): f is Field => f !== undefined),
        ...fields.filter((f) => !order.includes(f.fieldId)),
      ]
    : fields;
  return ordered.filter((f) => options.get(f.fieldId)?.Visibility !== 'HIDDEN');
}

const MAX_ROWS = 1000;

/** The field id of the count column of a table whose identical lines are shown once. */
export const ROWS_FIELD = '__rows';

/**
 * Identical lines once each, where they first appear, with how many there were; counts is
 * undefined when no line repeats (the table then shows no count column).
 */
export function collapseIdentical(lines: unknown[][]): { lines: unknown[][]; counts?: number[] } {
  const at = new Map<string, number>();
  const out: unknown[][] = [];
  const counts: number[] = [];
  for (const l of lines) {
    const k = JSON.stringify(l.map((v) => (typeof v === 'bigint' ? String(v) : v)));
    const i = at.get(k);
    if (i === undefined) {
      at.set(k, out.length);
      out.push(l);
      counts.push(1);
    } else counts[i] = (counts[i] ?? 0) + 1;
  }
  return out.length === lines.length ? { lines } : { lines: out, counts };
}

function cell(s: Shown, v: unknown, colors: CellColors, tag = 'td', wrap = false): string {
  const cls = s.kind === 'number' ? ' class="num"' : wrap ? ' class="wrap"' : '';
  return `<${tag}${cls} data-field-id="${esc(s.field.fieldId)}" data-value="${esc(rawValue(v))}"${cellStyle(colors, s.field.fieldId, v)}>${esc(s.text(v))}</${tag}>`;
}

function table(
  env: VisualEnv,
  id: string,
  cfg: TableConfiguration,
  formatting: TableConditionalFormatting | undefined,
): RenderedVisual {
  const agg = cfg.FieldWells?.TableAggregatedFieldWells;
  const unagg = cfg.FieldWells?.TableUnaggregatedFieldWells;
  const groupBy = list(agg?.GroupBy).map(dimensionField);
  const measures = list(agg?.Values).map(measureField);
  const plain = list(unagg?.Values).map(unaggregatedField);
  const aggregated = !unagg || groupBy.length + measures.length > 0;
  const fields = aggregated ? [...groupBy, ...measures] : plain;
  if (fields.length === 0) throw new RenderError('the table has no fields');
  const p = prepare(env, id, fields);
  const options = new Map(list(cfg.FieldOptions?.SelectedFieldOptions).map((o) => [o.FieldId ?? '', o]));
  const columns = tableColumns(cfg, fields).map((f) =>
    shown(env, p.frame, f, options.get(f.fieldId)?.CustomLabel),
  );
  const sort = cfg.SortConfiguration?.RowSort;
  let lines: unknown[][];
  let totals: unknown[] | undefined;
  /** Unaggregated lines that repeat identically are shown once, with how many rows they stand for. */
  let counts: number[] | undefined;
  const showTotals = cfg.TotalOptions?.TotalsVisibility === 'VISIBLE';
  if (aggregated) {
    const groups = sortGroups(
      groupRows(p.frame, p.rows, groupBy, measures),
      sortKeys(p.frame, sort, groupBy, measures),
    );
    const at = (f: Field, g: { dims: unknown[]; values: unknown[] }) =>
      f.role === 'dimension' ? g.dims[groupBy.indexOf(f)] : g.values[measures.indexOf(f)];
    lines = groups.map((g) => columns.map((c) => at(c.field, g)));
    if (showTotals) {
      const all = groupRows(p.frame, p.rows, [], measures)[0] ?? { dims: [], values: [] };
      totals = columns.map((c) => (c.field.role === 'measure' ? at(c.field, all) : null));
    }
  } else {
    // Unaggregated: one line per row; FieldSort names an unaggregated field, ColumnSort any column.
    const groups = p.rows.map((r) => ({
      dims: plain.map((f) => p.frame.value(f.column, r)),
      values: [],
      rows: [r],
    }));
    lines = sortGroups(groups, sortKeys(p.frame, sort, plain, [])).map((g) =>
      columns.map((c) => g.dims[plain.indexOf(c.field)]),
    );
    if (showTotals)
      totals = columns.map((c, i) =>
        c.kind === 'number' ? lines.reduce<number>((n, l) => n + (toNumber(l[i]) ?? 0), 0) : null,
      );
    ({ lines, counts } = collapseIdentical(lines));
  }
  const valuesByField = new Map(
    columns.map((c, i) => [
      c.field.fieldId,
      lines.map((l) => toNumber(l[i])).filter((n): n is number => n !== null),
    ]),
  );
  const colors = cellColors(formatting, valuesByField);
  const notes = [...p.notes];
  const shownLines = lines.slice(0, MAX_ROWS);
  if (lines.length > MAX_ROWS) notes.push(`Showing the first ${MAX_ROWS} of ${lines.length} rows.`);
  // Long prose (reasons, descriptions; not identifiers) wraps instead of pushing the other columns out of view.
  const wrap = columns.map(
    (c, i) =>
      c.kind === 'string' &&
      shownLines.some((l) => {
        const t = c.text(l[i]);
        return t.length > 48 && /\s/.test(t);
      }),
  );
  const head = `<thead><tr>${columns
    .map(
      (c, i) =>
        `<th class="${c.kind === 'number' ? 'num' : wrap[i] ? 'wrap' : ''}" data-field-id="${esc(c.field.fieldId)}">${esc(c.label)}</th>`,
    )
    .join('')}${counts ? `<th class="num" data-field-id="${ROWS_FIELD}">Rows</th>` : ''}</tr></thead>`;
  const body = shownLines
    .map(
      (l, n) =>
        `<tr>${columns.map((c, i) => cell(c, l[i], colors, 'td', wrap[i])).join('')}${counts ? `<td class="num" data-field-id="${ROWS_FIELD}" data-value="${counts[n]}">${(counts[n] ?? 0).toLocaleString('en-US')}</td>` : ''}</tr>`,
    )
    .join('\n');
  const totalLabel = cfg.TotalOptions?.CustomLabel ?? 'Total';
  const totalRow = totals
    ? `<tr class="total">${columns
        .map((c, i) =>
          i === 0 && c.field.role !== 'measure' && (totals as unknown[])[i] === null
            ? `<td>${esc(totalLabel)}</td>`
            : cell(c, (totals as unknown[])[i], new Map()),
        )
        .join('')}${counts ? '<td></td>' : ''}</tr>`
    : '';
  const start = cfg.TotalOptions?.Placement === 'START';
  return {
    html: `<div class="table-wrap"><table class="qs-table" data-rows="${lines.length}">${head}<tbody>\n${start ? totalRow : ''}${body}${start ? '' : totalRow}\n</tbody></table></div>`,
    notes,
    rendered: true,
    lines: 1 + shownLines.length + (totals ? 1 : 0),
  };
}

function pivotTable(
  env: VisualEnv,
  id: string,
  cfg: PivotTableConfiguration,
  formatting: PivotTableConditionalFormatting | undefined,
): RenderedVisual {
  const wells = cfg.FieldWells?.PivotTableAggregatedFieldWells;
  const rowDims = list(wells?.Rows).map(dimensionField);
  const colDims = list(wells?.Columns).map(dimensionField);
  const measures = list(wells?.Values).map(measureField);
  const fields = [...rowDims, ...colDims, ...measures];
  if (fields.length === 0) throw new RenderError('the pivot table has no fields');
  const p = prepare(env, id, fields);
  const labels = new Map(
    list(cfg.FieldOptions?.SelectedFieldOptions).map((o) => [o.FieldId ?? '', o.CustomLabel]),
  );
  const show = (f: Field) => shown(env, p.frame, f, labels.get(f.fieldId));
  const rowShown = rowDims.map(show);
  const colShown = colDims.map(show);
  const mShown = measures.map(show);
  // Sort options name a row or column field; SortBy.Field sorts by a field, Column by a column.
  const rowSort: FieldSortOptions[] = [];
  const colSort: FieldSortOptions[] = [];
  for (const o of list(cfg.SortConfiguration?.FieldSortOptions)) {
    const target = colDims.some((d) => d.fieldId === o.FieldId) ? colSort : rowSort;
    const by = o.SortBy;
    if (by?.Field) target.push({ FieldSort: by.Field });
    else if (by?.Column) target.push({ ColumnSort: by.Column });
  }
  const m = matrix(p.frame, p.rows, rowDims, colDims, measures, {
    rowSort: sortKeys(p.frame, rowSort, rowDims, measures),
    columnSort: sortKeys(p.frame, colSort, colDims, measures),
  });
  const valuesByField = new Map(
    measures.map((f, i) => [
      f.fieldId,
      m.cells.flatMap((r) => r.map((c) => toNumber(c[i]))).filter((n): n is number => n !== null),
    ]),
  );
  const colors = cellColors(formatting, valuesByField);
  const rowTotals = cfg.TotalOptions?.RowTotalOptions?.TotalsVisibility === 'VISIBLE';
  const colTotals = cfg.TotalOptions?.ColumnTotalOptions?.TotalsVisibility === 'VISIBLE';
  const columnKeys = colDims.length ? m.columnKeys : [[]];
  const keyText = (k: unknown[], sh: Shown[]) => k.map((v, i) => sh[i]?.text(v) ?? '').join(' / ');
  const headRows: string[] = [];
  const rowHead = rowShown
    .map((s) => `<th data-field-id="${esc(s.field.fieldId)}">${esc(s.label)}</th>`)
    .join('');
  const span = Math.max(1, measures.length);
  if (colDims.length) {
    headRows.push(
      `<tr>${rowShown.map(() => '<th></th>').join('')}${columnKeys
        .map((k) => `<th class="num" colspan="${span}">${esc(keyText(k, colShown))}</th>`)
        .join('')}${rowTotals ? `<th class="num" colspan="${span}">Total</th>` : ''}</tr>`,
    );
  }
  headRows.push(
    `<tr>${rowHead}${[...columnKeys, ...(rowTotals && colDims.length ? [['Total']] : [])]
      .map(() =>
        mShown
          .map((s) => `<th class="num" data-field-id="${esc(s.field.fieldId)}">${esc(s.label)}</th>`)
          .join(''),
      )
      .join('')}</tr>`,
  );
  const body = m.rowKeys.map((k, r) => {
    const heads = k
      .map(
        (v, i) => `<th scope="row" data-value="${esc(rawValue(v))}">${esc(rowShown[i]?.text(v) ?? '')}</th>`,
      )
      .join('');
    const cells = (colDims.length ? (m.cells[r] ?? []) : [m.rowTotals[r] ?? []])
      .map((c) => mShown.map((s, i) => cell(s, c[i], colors)).join(''))
      .join('');
    const total =
      rowTotals && colDims.length
        ? mShown.map((s, i) => cell(s, m.rowTotals[r]?.[i], new Map())).join('')
        : '';
    return `<tr>${heads}${cells}${total}</tr>`;
  });
  if (colTotals) {
    const heads = `<th scope="row" colspan="${Math.max(1, rowDims.length)}">Total</th>`;
    const cells = (colDims.length ? m.columnTotals : [m.grandTotals])
      .map((c) => mShown.map((s, i) => cell(s, c[i], new Map())).join(''))
      .join('');
    const grand =
      rowTotals && colDims.length ? mShown.map((s, i) => cell(s, m.grandTotals[i], new Map())).join('') : '';
    body.push(`<tr class="total">${heads}${cells}${grand}</tr>`);
  }
  const notes = [...p.notes];
  return {
    html: `<div class="table-wrap"><table class="qs-table pivot" data-rows="${m.rowKeys.length}"><thead>${headRows.join('')}</thead><tbody>\n${body.join('\n')}\n</tbody></table></div>`,
    notes,
    rendered: true,
    lines: headRows.length + body.length,
  };
}

/** Renders the content of a visual (not its frame and title): a chart, a KPI, a table or an error. */
export function renderVisualBody(visual: Visual, env: VisualEnv): RenderedVisual {
  const { type, body } = visualType(visual);
  const id = String(body.VisualId ?? '');
  try {
    // `type` names the member of `visual` that is `body`.
    switch (type) {
      case 'BarChartVisual':
        return barChart(env, id, visual.BarChartVisual?.ChartConfiguration ?? {});
      case 'LineChartVisual':
        return lineChart(env, id, visual.LineChartVisual?.ChartConfiguration ?? {});
      case 'PieChartVisual':
        return pieChart(env, id, visual.PieChartVisual?.ChartConfiguration ?? {});
      case 'HeatMapVisual':
        return heatMap(env, id, visual.HeatMapVisual?.ChartConfiguration ?? {});
      case 'KPIVisual':
        return kpi(env, id, visual.KPIVisual?.ChartConfiguration ?? {});
      case 'TableVisual':
        return table(
          env,
          id,
          visual.TableVisual?.ChartConfiguration ?? {},
          visual.TableVisual?.ConditionalFormatting,
        );
      case 'PivotTableVisual':
        return pivotTable(
          env,
          id,
          visual.PivotTableVisual?.ChartConfiguration ?? {},
          visual.PivotTableVisual?.ConditionalFormatting,
        );
      default:
        return {
          html: `<div class="placeholder">${esc(type)} is not rendered locally: ${esc(titleText(body.Title as TitleOptions) || id)}</div>`,
          notes: [],
          rendered: false,
        };
    }
  } catch (e) {
    if (e instanceof RenderError || e instanceof ExpressionError)
      return {
        html: `<div class="placeholder error">${esc(type)} could not be computed locally: ${esc(e.message)}</div>`,
        notes: [],
        rendered: false,
      };
    throw e;
  }
}
