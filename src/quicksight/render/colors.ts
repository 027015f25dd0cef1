/**
 * One colour per value across the page: a column that colours a chart anywhere in the definition
 * (a Colors field well, a pie's category, or a ColumnConfiguration with ColorsConfiguration) gets
 * a page-wide value → colour map, so `security` is the same colour in every chart of every sheet.
 * The analysis's CustomColors for the column come first; the other values take the palette in
 * value order, skipping colours CustomColors already use. A visual's own VisualPalette ColorMap
 * still wins for that visual.
 */
import type { ColumnConfiguration, Visual } from '@aws-sdk/client-quicksight';
import { PALETTE } from './charts.js';
import type { Frame } from './fields.js';

/** Column name → value (as text) → colour. */
export type ValueColors = Map<string, Map<string, string>>;

/** Columns some chart colours by, from the definition's visuals (any sheet). */
function colouringColumns(visuals: Visual[]): Set<string> {
  const out = new Set<string>();
  const name = (d: unknown) => {
    const x = d as Record<string, { Column?: { ColumnName?: string } }> | undefined;
    const f = x && Object.values(x).find((v) => v && typeof v === 'object');
    if (f?.Column?.ColumnName) out.add(f.Column.ColumnName);
  };
  for (const v of visuals) {
    for (const d of v.BarChartVisual?.ChartConfiguration?.FieldWells?.BarChartAggregatedFieldWells?.Colors ??
      [])
      name(d);
    for (const d of v.LineChartVisual?.ChartConfiguration?.FieldWells?.LineChartAggregatedFieldWells
      ?.Colors ?? [])
      name(d);
    for (const d of v.PieChartVisual?.ChartConfiguration?.FieldWells?.PieChartAggregatedFieldWells
      ?.Category ?? [])
      name(d);
  }
  return out;
}

/** The page's value colours: CustomColors of the column configurations, then the palette in value order. */
export function valueColors(
  visuals: Visual[],
  configs: ColumnConfiguration[] | undefined,
  frames: Iterable<Frame>,
): ValueColors {
  const custom = new Map<string, Map<string, string>>();
  for (const c of configs ?? []) {
    const column = c.Column?.ColumnName;
    if (!column) continue;
    for (const cc of c.ColorsConfiguration?.CustomColors ?? []) {
      if (cc.FieldValue === undefined || !cc.Color) continue;
      const m = custom.get(column) ?? new Map<string, string>();
      m.set(cc.FieldValue, cc.Color);
      custom.set(column, m);
    }
  }
  const columns = new Set([...colouringColumns(visuals), ...custom.keys()]);
  const all = [...frames];
  const out: ValueColors = new Map();
  for (const column of columns) {
    const values = new Set<string>();
    for (const f of all) {
      if (!f.has(column)) continue;
      for (const r of f.rows) {
        const v = f.value(column, r);
        if (v !== null && v !== undefined && v !== '') values.add(String(v));
      }
    }
    const given = custom.get(column) ?? new Map<string, string>();
    const used = new Set([...given.values()].map((c) => c.toLowerCase()));
    const free = PALETTE.filter((c) => !used.has(c.toLowerCase()));
    const m = new Map(given);
    let i = 0;
    for (const v of [...values].sort((a, b) => a.localeCompare(b, 'en'))) {
      if (m.has(v)) continue;
      m.set(v, free.length ? (free[i % free.length] as string) : (PALETTE[i % PALETTE.length] as string));
      i++;
    }
    out.set(column, m);
  }
  return out;
}

/** The colour of a value of a column, if the column is one the page colours by. */
export function colorOf(colors: ValueColors, column: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return colors.get(column)?.get(String(value));
}
