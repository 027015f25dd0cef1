/**
 * Charts drawn with Apache ECharts on the server: each becomes an inline SVG string
 * (`renderToSVGString`), so the page needs no script. Every chart instance is disposed after use.
 */
import { BarChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  HeatmapChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  VisualMapComponent,
  SVGRenderer,
]);

export interface ChartSize {
  width: number;
  height: number;
}

export const PALETTE = [
  '#2f6fb3',
  '#e07b39',
  '#2a9d8f',
  '#c8414b',
  '#7b5ea7',
  '#8c8c8c',
  '#b5a642',
  '#3fa7c9',
  '#d1689c',
  '#5b8c3a',
];

// Arial metrics: ECharts measures text on the server with an Arial width table, so labels laid out
// here fit when the browser draws them in Arial or a metric-compatible font (fontconfig maps Arial
// to Liberation Sans on Linux). No quoted names: the SVG's style attribute does not escape quotes.
const FONT = 'Arial, Helvetica, sans-serif';
const TEXT = '#1f2328';
const MUTED = '#57606a';

/** Renders an ECharts option to an SVG string (no animation) and disposes the instance. */
export function renderSvg(option: Record<string, unknown>, size: ChartSize): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: Math.max(120, Math.round(size.width)),
    height: Math.max(80, Math.round(size.height)),
  });
  try {
    chart.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: FONT, color: TEXT },
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export interface Series {
  name: string;
  values: (number | null)[];
  color?: string;
}

export interface CartesianOptions {
  categories: string[];
  series: Series[];
  size: ChartSize;
  /** Formats a value for axis ticks and labels. */
  format: (v: number) => string;
  categoryAxisName?: string;
  valueAxisName?: string;
  dataLabels?: boolean;
  legend?: boolean;
}

function legendOption(series: Series[], show: boolean | undefined) {
  return show === false || (show === undefined && series.length < 2)
    ? { show: false }
    : { show: true, type: 'plain', top: 0, left: 'center', textStyle: { color: MUTED, fontSize: 11 } };
}

function labelWidth(categories: string[], size: ChartSize): number {
  const longest = Math.max(4, ...categories.map((c) => c.length));
  return Math.min(Math.round(size.width * 0.38), longest * 7 + 8);
}

export function barChartSvg(
  o: CartesianOptions & {
    horizontal: boolean;
    arrangement: 'CLUSTERED' | 'STACKED' | 'STACKED_PERCENT';
    /** One colour per bar of a single series (the page's colour of its category). */
    itemColors?: (string | undefined)[];
  },
): string {
  const percent = o.arrangement === 'STACKED_PERCENT';
  const totals = o.categories.map((_, i) => o.series.reduce((n, s) => n + Math.abs(s.values[i] ?? 0), 0));
  const stacked = o.arrangement !== 'CLUSTERED';
  const showLegend = o.legend !== false && o.series.length > 1;
  const longest = Math.max(0, ...o.categories.map((c) => c.length));
  const rotate = !o.horizontal && (o.categories.length > 6 || longest > 12);
  const categoryAxis: Record<string, unknown> = {
    type: 'category',
    data: o.categories,
    name: o.categoryAxisName,
    // Horizontal bars: the axis runs top to bottom (inverse), so 'start' puts its name above the labels.
    nameLocation: o.horizontal ? 'start' : 'middle',
    nameGap: o.horizontal ? 10 : rotate ? Math.round(Math.min(110, longest * 6.2) * 0.5) + 20 : 28,
    nameTextStyle: { color: MUTED, fontSize: 11 },
    axisTick: { alignWithLabel: true },
    axisLabel: o.horizontal
      ? {
          width: labelWidth(o.categories, o.size),
          overflow: 'truncate',
          color: TEXT,
          fontSize: 11,
          interval: 0,
        }
      : {
          color: TEXT,
          fontSize: 11,
          interval: o.categories.length > 24 ? 'auto' : 0,
          rotate: rotate ? 30 : 0,
          width: 110,
          overflow: 'truncate',
        },
    inverse: o.horizontal,
  };
  const valueAxis: Record<string, unknown> = {
    type: 'value',
    name: o.valueAxisName,
    nameLocation: 'middle',
    nameGap: o.horizontal ? 26 : 48,
    nameTextStyle: { color: MUTED, fontSize: 11 },
    max: percent ? 1 : undefined,
    axisLabel: {
      formatter: (v: number) => (percent ? `${Math.round(v * 100)}%` : o.format(v)),
      color: MUTED,
      fontSize: 11,
    },
    splitLine: { lineStyle: { color: '#eaeef2' } },
  };
  return renderSvg(
    {
      legend: legendOption(o.series, showLegend),
      grid: {
        left: 12,
        right: 24,
        top: (showLegend ? 32 : 16) + (o.horizontal && o.categoryAxisName ? 16 : 0),
        bottom: 12,
        outerBoundsMode: 'same',
        outerBoundsContain: 'all',
      },
      xAxis: o.horizontal ? valueAxis : categoryAxis,
      yAxis: o.horizontal ? categoryAxis : valueAxis,
      series: o.series.map((s) => ({
        type: 'bar',
        name: s.name,
        stack: stacked ? 'total' : undefined,
        data: s.values.map((v, i) => {
          const value = v === null ? null : percent ? (totals[i] ? v / (totals[i] as number) : 0) : v;
          const color = o.series.length === 1 ? o.itemColors?.[i] : undefined;
          return color && value !== null ? { value, itemStyle: { color } } : value;
        }),
        itemStyle: s.color ? { color: s.color } : undefined,
        barMaxWidth: 36,
        label: o.dataLabels
          ? {
              show: true,
              position: stacked ? 'inside' : o.horizontal ? 'right' : 'top',
              fontSize: 10,
              color: stacked ? '#fff' : TEXT,
              formatter: (p: { value: number }) =>
                percent ? `${Math.round(p.value * 100)}%` : o.format(Number(p.value)),
            }
          : { show: false },
      })),
    },
    o.size,
  );
}

export function lineChartSvg(o: CartesianOptions & { type: 'LINE' | 'AREA' | 'STACKED_AREA' }): string {
  const showLegend = o.legend !== false && o.series.length > 1;
  return renderSvg(
    {
      legend: legendOption(o.series, showLegend),
      grid: {
        left: 12,
        right: 24,
        top: showLegend ? 32 : 16,
        bottom: 12,
        outerBoundsMode: 'same',
        outerBoundsContain: 'all',
      },
      xAxis: {
        type: 'category',
        data: o.categories,
        boundaryGap: false,
        name: o.categoryAxisName,
        nameLocation: 'middle',
        nameGap: 28,
        nameTextStyle: { color: MUTED, fontSize: 11 },
        axisLabel: { color: TEXT, fontSize: 11, hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        scale: true,
        name: o.valueAxisName,
        nameLocation: 'middle',
        nameGap: 48,
        nameTextStyle: { color: MUTED, fontSize: 11 },
        axisLabel: { formatter: (v: number) => o.format(v), color: MUTED, fontSize: 11 },
        splitLine: { lineStyle: { color: '#eaeef2' } },
      },
      series: o.series.map((s) => ({
        type: 'line',
        name: s.name,
        data: s.values,
        showSymbol: o.categories.length <= 31,
        symbolSize: 4,
        connectNulls: false,
        stack: o.type === 'STACKED_AREA' ? 'total' : undefined,
        areaStyle: o.type === 'LINE' ? undefined : { opacity: 0.25 },
        lineStyle: { width: 2 },
        itemStyle: s.color ? { color: s.color } : undefined,
        label: o.dataLabels
          ? { show: true, fontSize: 10, formatter: (p: { value: number }) => o.format(Number(p.value)) }
          : { show: false },
      })),
    },
    o.size,
  );
}

export interface PieOptions {
  slices: { name: string; value: number; color?: string }[];
  size: ChartSize;
  format: (v: number) => string;
  /** Inner radius as a share of the outer radius (0 for a pie). */
  hole: number;
  /** Text in the middle of a donut (the total). */
  center?: string;
  labels: 'VALUE' | 'PERCENT' | 'VALUE_AND_PERCENT' | 'NONE';
  legend?: boolean;
}

export function pieChartSvg(o: PieOptions): string {
  const total = o.slices.reduce((n, s) => n + s.value, 0);
  const showLegend = o.legend !== false;
  const radius = o.hole > 0 ? [`${Math.round(o.hole * 62)}%`, '62%'] : ['0%', '62%'];
  return renderSvg(
    {
      legend: showLegend
        ? { show: true, type: 'plain', bottom: 0, left: 'center', textStyle: { color: MUTED, fontSize: 11 } }
        : { show: false },
      title:
        o.center && o.hole > 0
          ? {
              text: o.center,
              left: 'center',
              top: 'middle',
              textStyle: { fontSize: 16, fontWeight: 600, color: TEXT },
              // centred on the pie, which sits a little above the middle when the legend is shown
              padding: [0, 0, showLegend ? 28 : 0, 0],
            }
          : undefined,
      series: [
        {
          type: 'pie',
          radius,
          center: ['50%', showLegend ? '46%' : '50%'],
          data: o.slices.map((s) =>
            s.color ? { name: s.name, value: s.value, itemStyle: { color: s.color } } : s,
          ),
          avoidLabelOverlap: true,
          label:
            o.labels === 'NONE'
              ? { show: false }
              : {
                  show: true,
                  fontSize: 11,
                  color: TEXT,
                  formatter: (p: { name: string; value: number }) => {
                    const pct = total ? `${((p.value / total) * 100).toFixed(1)}%` : '';
                    const value = o.format(p.value);
                    return o.labels === 'PERCENT'
                      ? `${p.name}: ${pct}`
                      : o.labels === 'VALUE'
                        ? `${p.name}: ${value}`
                        : `${p.name}: ${value} (${pct})`;
                  },
                },
        },
      ],
    },
    o.size,
  );
}

export interface HeatMapOptions {
  rows: string[];
  columns: string[];
  /** [columnIndex, rowIndex, value] */
  cells: [number, number, number | null][];
  size: ChartSize;
  format: (v: number) => string;
  colors: string[];
  min?: number;
  max?: number;
  dataLabels: boolean;
  rowAxisName?: string;
  columnAxisName?: string;
}

export function heatMapSvg(o: HeatMapOptions): string {
  const values = o.cells.map((c) => c[2]).filter((v): v is number => v !== null);
  const min = o.min ?? Math.min(...values, 0);
  const max = o.max ?? Math.max(...values, min + 1e-9);
  return renderSvg(
    {
      grid: { left: 12, right: 16, top: 12, bottom: 44, outerBoundsMode: 'same', outerBoundsContain: 'all' },
      xAxis: {
        type: 'category',
        data: o.columns,
        name: o.columnAxisName,
        nameLocation: 'middle',
        nameGap: 24,
        nameTextStyle: { color: MUTED, fontSize: 11 },
        axisLabel: { color: TEXT, fontSize: 11, interval: 0, rotate: o.columns.length > 8 ? 30 : 0 },
        splitArea: { show: true },
      },
      yAxis: {
        type: 'category',
        data: o.rows,
        inverse: true,
        axisLabel: {
          color: TEXT,
          fontSize: 11,
          interval: 0,
          width: labelWidth(o.rows, o.size),
          overflow: 'truncate',
        },
        splitArea: { show: true },
      },
      visualMap: {
        type: 'continuous',
        min,
        max,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: Math.min(220, o.size.width * 0.5),
        itemWidth: 10,
        inRange: { color: o.colors },
        text: [o.format(max), o.format(min)],
        textStyle: { color: MUTED, fontSize: 11 },
      },
      series: [
        {
          type: 'heatmap',
          data: o.cells.map(([x, y, v]) => [x, y, v ?? '-']),
          label: o.dataLabels
            ? {
                show: true,
                fontSize: 10,
                formatter: (p: { value: [number, number, number | string] }) =>
                  typeof p.value[2] === 'number' ? o.format(p.value[2]) : '',
              }
            : { show: false },
          itemStyle: { borderColor: '#fff', borderWidth: 1 },
        },
      ],
    },
    o.size,
  );
}

/** A small line without axes, for KPI trends. */
export function sparklineSvg(
  values: (number | null)[],
  size: ChartSize,
  color = PALETTE[0] ?? '#2f6fb3',
): string {
  return renderSvg(
    {
      grid: { left: 2, right: 2, top: 4, bottom: 4 },
      xAxis: { type: 'category', show: false, data: values.map((_, i) => i), boundaryGap: false },
      yAxis: { type: 'value', show: false, scale: true },
      series: [
        {
          type: 'line',
          data: values,
          showSymbol: false,
          lineStyle: { width: 2, color },
          areaStyle: { color, opacity: 0.12 },
        },
      ],
    },
    size,
  );
}
