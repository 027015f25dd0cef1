/**
 * The page: a QuickSight Definition rendered to one static, self-contained HTML file. Sheets are
 * tabs (CSS only, radio inputs), visuals sit on the sheet's grid layout (36 columns), charts are
 * inline SVG. No script, no network: it opens from disk.
 */
import type { SheetDefinition, Visual } from '@aws-sdk/client-quicksight';
import { PAGE_SCRIPT } from './client.js';
import { valueColors } from './colors.js';
import { type Frame, makeFrame, parameterValues } from './fields.js';
import { applyFilters } from './filters.js';
import { formatDate, parseDate } from './format.js';
import {
  addLive,
  controlsHtml,
  type Live,
  liveSetup,
  pageDataJson,
  workingParameter,
} from './interactive.js';
import type { RenderDashboardInput } from './types.js';
import { columnFormats, esc, renderVisualBody, titleText, type VisualEnv, visualType } from './visuals.js';

/** Width of the sheet canvas in CSS pixels, and the grid (QuickSight grid layouts have 36 columns). */
const CANVAS = 1400;
const COLUMNS = 36;
const ROW_HEIGHT = 30;
const GAP = 12;
/** Height taken by a visual's title bar and padding. */
const CHROME = 56;

interface Placement {
  columnSpan: number;
  rowSpan: number;
  columnIndex?: number;
  rowIndex?: number;
}

const DEFAULT_SPANS: Record<string, [number, number]> = {
  KPIVisual: [9, 6],
  TableVisual: [36, 14],
  PivotTableVisual: [36, 14],
};

function defaultPlacement(type: string): Placement {
  const [columnSpan, rowSpan] = DEFAULT_SPANS[type] ?? [18, 12];
  return { columnSpan, rowSpan };
}

function px(s: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)px$/.exec(s ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Element id → placement, from the sheet's first layout (grid; free-form converted to the grid). */
function placements(sheet: SheetDefinition): { order: string[]; at: Map<string, Placement> } {
  const at = new Map<string, Placement>();
  const order: string[] = [];
  const layout = sheet.Layouts?.[0]?.Configuration;
  for (const e of layout?.GridLayout?.Elements ?? []) {
    if (!e.ElementId) continue;
    order.push(e.ElementId);
    const p: Placement = {
      columnSpan: Math.max(1, Math.min(COLUMNS, e.ColumnSpan ?? 18)),
      rowSpan: Math.max(2, e.RowSpan ?? 12),
    };
    if (e.ColumnIndex !== undefined) p.columnIndex = e.ColumnIndex;
    if (e.RowIndex !== undefined) p.rowIndex = e.RowIndex;
    at.set(e.ElementId, p);
  }
  const free = layout?.FreeFormLayout?.Elements ?? [];
  const canvas =
    px(layout?.FreeFormLayout?.CanvasSizeOptions?.ScreenCanvasSizeOptions?.OptimizedViewPortWidth) ?? 1600;
  for (const e of [...free].sort(
    (a, b) =>
      (px(a.YAxisLocation) ?? 0) - (px(b.YAxisLocation) ?? 0) ||
      (px(a.XAxisLocation) ?? 0) - (px(b.XAxisLocation) ?? 0),
  )) {
    if (!e.ElementId || e.Visibility === 'HIDDEN') continue;
    order.push(e.ElementId);
    at.set(e.ElementId, {
      columnSpan: Math.max(
        1,
        Math.min(COLUMNS, Math.round(((px(e.Width) ?? canvas / 2) / canvas) * COLUMNS)),
      ),
      rowSpan: Math.max(2, Math.round((px(e.Height) ?? 360) / ROW_HEIGHT)),
    });
  }
  return { order, at };
}

function gridStyle(p: Placement): string {
  const col =
    p.columnIndex !== undefined ? `${p.columnIndex + 1} / span ${p.columnSpan}` : `span ${p.columnSpan}`;
  const row = p.rowIndex !== undefined ? `${p.rowIndex + 1} / span ${p.rowSpan}` : `span ${p.rowSpan}`;
  return `grid-column:${col};grid-row:${row}`;
}

function chartSize(p: Placement): { width: number; height: number } {
  const colWidth = (CANVAS - GAP * (COLUMNS - 1)) / COLUMNS;
  return {
    width: Math.round(colWidth * p.columnSpan + GAP * (p.columnSpan - 1) - 24),
    height: Math.round(ROW_HEIGHT * p.rowSpan + GAP * (p.rowSpan - 1) - CHROME),
  };
}

function textBox(content: string | undefined): string {
  const text = (content ?? '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
  return text
    .split(/\n+/)
    .map((line) => `<p>${esc(line)}</p>`)
    .join('');
}

function controlsLine(sheet: SheetDefinition, live: Live, frames: Map<string, Frame>): string {
  const titles: string[] = [];
  for (const c of sheet.FilterControls ?? []) {
    const x = Object.values(c).find((v) => v && typeof v === 'object') as
      | { Title?: string; SourceFilterId?: string }
      | undefined;
    const working = live.filters.some((f) => f.id === x?.SourceFilterId && f.control);
    if (x?.Title && !working) titles.push(x.Title);
  }
  for (const c of sheet.ParameterControls ?? []) {
    const x = Object.values(c).find((v) => v && typeof v === 'object') as
      | { Title?: string; SourceParameterName?: string }
      | undefined;
    const kind = Object.keys(c).find((k) => (c as Record<string, unknown>)[k]);
    const working =
      (kind === 'Dropdown' || kind === 'List') && workingParameter(x?.SourceParameterName, live.filters);
    if (x?.Title && !working) titles.push(x.Title);
  }
  const working = controlsHtml(sheet, live.filters, frames);
  if (!titles.length) return working;
  return `${working}<p class="controls">Controls not interactive on this page (default values apply): ${titles
    .map((t) => `<span class="control">${esc(t)}</span>`)
    .join(' ')}</p>`;
}

const CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#f3f5f7}
header{padding:16px 24px 8px;background:#fff;border-bottom:1px solid #d0d7de}
header h1{font-size:20px;margin:0 0 2px}
header p{margin:0;color:#57606a;font-size:12px}
.tab-input{position:absolute;opacity:0;pointer-events:none}
nav.tabs{display:flex;gap:2px;padding:0 24px;background:#fff;border-bottom:1px solid #d0d7de;flex-wrap:wrap}
nav.tabs label{padding:10px 16px;cursor:pointer;color:#57606a;border-bottom:3px solid transparent;user-select:none}
nav.tabs label:hover{color:#1f2328}
.sheet{display:none;padding:16px 24px 32px;max-width:${CANVAS + 48}px}
.sheet-head h2{font-size:18px;margin:0 0 4px}
.sheet-head p{margin:0 0 8px;color:#57606a}
.controls .control{display:inline-block;border:1px solid #d0d7de;border-radius:12px;padding:0 8px;margin:0 4px 4px 0;background:#fff;font-size:12px}
.grid{display:grid;grid-template-columns:repeat(${COLUMNS},minmax(0,1fr));grid-auto-rows:${ROW_HEIGHT}px;gap:${GAP}px;grid-auto-flow:row dense}
.visual{margin:0;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 12px;display:flex;flex-direction:column;min-width:0;overflow:hidden}
.visual figcaption{flex:none}
.visual h3{font-size:14px;margin:0;font-weight:600}
.visual h3.hidden-title{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.visual .subtitle{margin:0;color:#57606a;font-size:12px}
.visual-body{flex:1;min-height:0;overflow:auto;margin-top:6px}
.visual .notes{flex:none;margin:4px 0 0;color:#57606a;font-size:11px}
.chart svg{display:block;width:100%;height:auto}
.kpi{display:flex;flex-direction:column;justify-content:center;height:100%}
.kpi-value{font-size:34px;font-weight:600;line-height:1.1}
.kpi-compare{font-size:13px;margin-top:4px}.kpi-compare.up{color:#1a7f37}.kpi-compare.down{color:#cf222e}.muted{color:#57606a}
.kpi-target{font-size:12px;color:#57606a;margin-top:4px}
.kpi-progress{height:6px;background:#eaeef2;border-radius:3px;margin-top:4px}.kpi-progress span{display:block;height:100%;background:#2f6fb3;border-radius:3px}
.kpi-spark svg{display:block;width:100%;height:auto;margin-top:6px}
.table-wrap{overflow:auto;max-height:100%}
table.qs-table{border-collapse:collapse;width:100%;font-size:12.5px}
.qs-table th,.qs-table td{padding:4px 8px;border-bottom:1px solid #eaeef2;text-align:left;white-space:nowrap}
.qs-table thead th{position:sticky;top:0;background:#f6f8fa;border-bottom:1px solid #d0d7de;font-weight:600;z-index:1}
.qs-table tbody th{font-weight:500}
.qs-table tr>:first-child{position:sticky;left:0;background:#fff;box-shadow:inset -1px 0 0 #d0d7de}
.qs-table thead tr>:first-child{background:#f6f8fa;z-index:2}
.qs-table .num{text-align:right;font-variant-numeric:tabular-nums}
.qs-table .wrap{white-space:normal;min-width:18em}
.qs-table tr.total td,.qs-table tr.total th{font-weight:600;border-top:2px solid #d0d7de}
.qs-controls{display:flex;flex-wrap:wrap;gap:8px;margin:4px 0 8px}
.qs-control{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:4px 8px;font-size:12px;position:relative}
.qs-control-title{font-weight:600;margin-right:6px}
.qs-control details{display:inline-block}
.qs-control summary{cursor:pointer;max-width:26em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;display:inline-block;vertical-align:bottom}
.qs-control details[open] .qs-options{position:absolute;z-index:5;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:6px;max-height:320px;overflow:auto;box-shadow:0 4px 12px rgba(0,0,0,.12);left:0;top:100%}
.qs-options label{display:block;white-space:nowrap;padding:1px 0}
.qs-control > .qs-options{display:inline-flex;flex-wrap:wrap;gap:4px 10px}
.qs-control > .qs-options label{display:inline}
.qs-clickable tbody tr,.qs-clickable .qs-bar{cursor:pointer}
.qs-clickable tbody tr:hover td{background:#f6f8fa}
.qs-drill{margin:2px 0 0;font-size:12px;color:#9a6700}.qs-drill button{font-size:11px;margin-left:4px}
.placeholder{height:100%;min-height:60px;display:flex;align-items:center;justify-content:center;text-align:center;border:2px dashed #d0d7de;border-radius:6px;color:#57606a;padding:12px;background:repeating-linear-gradient(45deg,#fafbfc,#fafbfc 10px,#f3f5f7 10px,#f3f5f7 20px)}
.placeholder.error{border-color:#cf222e;color:#cf222e}
.text-box{background:transparent;border:none;padding:4px 0}
.text-box p{margin:0 0 4px}
footer{padding:8px 24px 24px;color:#57606a;font-size:12px}
`;

/** Renders a QuickSight Definition with its data to one static HTML page (sheets as tabs, charts as SVG). */
export function renderDashboardHtml(input: RenderDashboardInput): string {
  const def = input.definition;
  const now = parseDate(input.generatedAt) ?? new Date();
  const params = parameterValues(def.ParameterDeclarations);
  const frames = new Map<string, Frame>();
  for (const [id, data] of input.dataSets)
    frames.set(id, makeFrame(id, data, def.CalculatedFields ?? [], params, now));
  const formats = columnFormats(def.ColumnConfigurations);
  const colors = valueColors(
    (def.Sheets ?? []).flatMap((s) => s.Visuals ?? []),
    def.ColumnConfigurations,
    frames.values(),
  );
  const sheets = def.Sheets ?? [];
  const live = liveSetup(sheets, def.FilterGroups, params);
  const inputs: string[] = [];
  const labels: string[] = [];
  const panels: string[] = [];
  const rules: string[] = [];
  sheets.forEach((sheet, i) => {
    const sheetId = sheet.SheetId ?? `sheet-${i + 1}`;
    const name = sheet.Name ?? sheet.Title ?? `Sheet ${i + 1}`;
    inputs.push(
      `<input class="tab-input" type="radio" name="sheet" id="tab-${i}"${i === 0 ? ' checked' : ''} aria-controls="sheet-${i}">`,
    );
    labels.push(`<label for="tab-${i}" data-sheet-tab="${esc(sheetId)}">${esc(name)}</label>`);
    rules.push(
      `#tab-${i}:checked~#sheet-${i}{display:block}#tab-${i}:checked~nav label[for="tab-${i}"]{color:#1f2328;border-bottom-color:#2f6fb3;font-weight:600}#tab-${i}:focus-visible~nav label[for="tab-${i}"]{outline:2px solid #2f6fb3}`,
    );
    const { order, at } = placements(sheet);
    const visuals = new Map<string, Visual>();
    for (const v of sheet.Visuals ?? []) {
      const { body } = visualType(v);
      visuals.set(String(body.VisualId ?? ''), v);
    }
    const texts = new Map((sheet.TextBoxes ?? []).map((t) => [t.SheetTextBoxId ?? '', t]));
    const ids = [
      ...order.filter((id) => visuals.has(id) || texts.has(id)),
      ...[...visuals.keys(), ...texts.keys()].filter((id) => !at.has(id)),
    ];
    const boxes = ids.map((id) => {
      const text = texts.get(id);
      if (text && !visuals.has(id)) {
        const p = at.get(id) ?? { columnSpan: COLUMNS, rowSpan: 2 };
        return `<div class="visual text-box" data-text-box-id="${esc(id)}" style="${gridStyle(p)}">${textBox(text.Content)}</div>`;
      }
      const visual = visuals.get(id) as Visual;
      const { type, body } = visualType(visual);
      const placement = at.get(id) ?? defaultPlacement(type);
      const env: VisualEnv = {
        frames,
        valueColors: colors,
        filterGroups: def.FilterGroups,
        columnFormats: formats,
        filterContext: { params, now },
        sheetId,
        size: chartSize(placement),
      };
      const r = renderVisualBody(visual, env);
      const liveNote = addLive(
        live,
        visual,
        env,
        (frame) => applyFilters(frame, def.FilterGroups, sheetId, id, env.filterContext, live.skip).rows,
      );
      // A table the layout does not place is as tall as its lines (up to the default height).
      if (!at.has(id) && r.lines !== undefined)
        placement.rowSpan = Math.max(
          3,
          Math.min(placement.rowSpan, Math.ceil((r.lines * 26 + CHROME + 12) / (ROW_HEIGHT + GAP))),
        );
      const titleOpts = body.Title as Parameters<typeof titleText>[0];
      const title = titleText(titleOpts);
      const hidden = (titleOpts as { Visibility?: string } | undefined)?.Visibility === 'HIDDEN';
      const subtitle = titleText(body.Subtitle as Parameters<typeof titleText>[0]);
      return [
        `<figure class="visual" data-visual-id="${esc(id)}" data-visual-type="${esc(type)}" data-rendered="${r.rendered}" style="${gridStyle(placement)}">`,
        `<figcaption><h3${hidden ? ' class="hidden-title"' : ''}>${esc(title || id)}</h3>${subtitle ? `<p class="subtitle">${esc(subtitle)}</p>` : ''}</figcaption>`,
        `<div class="visual-body">${r.html}</div>`,
        r.notes.length ? `<p class="notes">${r.notes.map(esc).join('<br>')}</p>` : '',
        liveNote,
        '</figure>',
      ].join('');
    });
    panels.push(
      [
        `<section class="sheet" id="sheet-${i}" data-sheet-id="${esc(sheetId)}" aria-label="${esc(name)}">`,
        `<div class="sheet-head"><h2>${esc(sheet.Title ?? name)}</h2>${sheet.Description ? `<p>${esc(sheet.Description)}</p>` : ''}${controlsLine(sheet, live, frames)}</div>`,
        `<div class="grid">${boxes.join('\n')}</div>`,
        '</section>',
      ].join('\n'),
    );
  });
  const when = formatDate(now, 'YYYY-MM-DD HH:mm [UTC]');
  const d = live.data;
  const script =
    Object.keys(d.visuals).length + Object.keys(d.fixed).length + Object.keys(d.actions).length
      ? `<script type="application/json" id="qs-data">${pageDataJson(d)}</script>\n<script>${PAGE_SCRIPT}</script>\n`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${input.fingerprint ? `<meta name="org-compliance-data" content="${esc(input.fingerprint)}">\n` : ''}<title>${esc(input.title)}</title>
<style>${CSS}${rules.join('\n')}</style>
</head><body>
<header><h1>${esc(input.title)}</h1><p>Rendered locally from the QuickSight definition · data as of ${esc(when)}</p></header>
<main>
${inputs.join('\n')}
<nav class="tabs" aria-label="Sheets">${labels.join('')}</nav>
${panels.join('\n')}
</main>
<footer>Charts drawn with Apache ECharts on the server; ${
    script
      ? 'the filter controls and drill-down actions need JavaScript (without it every value is shown); a visual they change is drawn again by the page in plain SVG.'
      : 'filters and parameters at their default values.'
  }</footer>
${script}</body></html>
`;
}
