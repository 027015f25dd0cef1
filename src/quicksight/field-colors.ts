/**
 * Colours in a Definition, checked where the SDK checks nothing and QuickSight refuses or drifts:
 *
 * - A colour is `#RRGGBB` with upper-case hex digits: the API's pattern `^#[A-F0-9]{6}$` for
 *   DataPathColor.Color (a visual's VisualPalette.ColorMap), VisualPalette.ChartColor and
 *   CustomColor.Color (ColumnConfigurations' field colours). `#c0392b` is refused at deploy time.
 * - A value keeps one colour: a value of a column (by column name, whichever data set) that a
 *   ColorMap or the field colours give two different colours is a warning naming both places,
 *   so that a category is the same colour in every chart.
 */
import { isRecord } from '../model/values.js';
import type { ReportAt } from './custom-actions.js';

/** The API's pattern for every colour this module checks. */
export const COLOR_PATTERN = /^#[A-F0-9]{6}$/;

type Path = (string | number)[];

interface Coloured {
  color: string;
  path: Path;
  where: string;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function checkPattern(at: ReportAt, color: unknown, path: Path): color is string {
  if (typeof color !== 'string') return false;
  if (COLOR_PATTERN.test(color)) return true;
  const upper = color.toUpperCase();
  at(
    path,
    `'${color}' is not a colour QuickSight takes: #RRGGBB with upper-case hex digits${COLOR_PATTERN.test(upper) ? ` ('${upper}')` : ''}`,
  );
  return false;
}

/** Checks the colours of the Definition `def`; problems go to `at`. */
export function checkColors(def: Record<string, unknown>, at: ReportAt): void {
  const seen = new Map<string, Coloured>();
  const record = (column: string, value: string, c: Coloured) => {
    const key = `${column}\u0000${value}`;
    const first = seen.get(key);
    if (!first) seen.set(key, c);
    else if (first.color !== c.color)
      at(
        c.path,
        `${column} '${value}' is ${c.color} ${c.where} but ${first.color} ${first.where}: give a value one colour everywhere`,
        { severity: 'warning' },
      );
  };
  list(def.ColumnConfigurations).forEach((config, i) => {
    if (!isRecord(config) || !isRecord(config.Column) || !isRecord(config.ColorsConfiguration)) return;
    const column = text(config.Column.ColumnName);
    const ds = text(config.Column.DataSetIdentifier);
    list(config.ColorsConfiguration.CustomColors).forEach((custom, j) => {
      if (!isRecord(custom)) return;
      const path = ['ColumnConfigurations', i, 'ColorsConfiguration', 'CustomColors', j, 'Color'];
      const value = text(custom.FieldValue);
      if (checkPattern(at, custom.Color, path) && column && value !== undefined)
        record(column, value, {
          color: custom.Color,
          path,
          where: `in the field colours of ${ds}.${column}`,
        });
    });
  });
  list(def.Sheets).forEach((sheet, i) => {
    if (!isRecord(sheet)) return;
    list(sheet.Visuals).forEach((visual, j) => {
      if (!isRecord(visual)) return;
      for (const [kind, body] of Object.entries(visual)) {
        if (!isRecord(body) || !isRecord(body.ChartConfiguration)) continue;
        checkVisualPalette(at, body, ['Sheets', i, 'Visuals', j, kind, 'ChartConfiguration'], record);
      }
    });
  });
}

function checkVisualPalette(
  at: ReportAt,
  body: Record<string, unknown>,
  path: Path,
  record: (column: string, value: string, c: Coloured) => void,
): void {
  const config = body.ChartConfiguration as Record<string, unknown>;
  const palette = config.VisualPalette;
  if (!isRecord(palette)) return;
  checkPattern(at, palette.ChartColor, [...path, 'VisualPalette', 'ChartColor']);
  list(palette.ColorMap).forEach((entry, k) => {
    if (!isRecord(entry)) return;
    const at2: Path = [...path, 'VisualPalette', 'ColorMap', k, 'Color'];
    if (!checkPattern(at, entry.Color, at2) || !isRecord(entry.Element)) return;
    const fieldId = text(entry.Element.FieldId);
    const value = text(entry.Element.FieldValue);
    const column = fieldId === undefined ? undefined : columnOf(config.FieldWells, fieldId);
    if (column && value !== undefined)
      record(column, value, { color: entry.Color, path: at2, where: `in visual '${text(body.VisualId)}'` });
  });
}

/** The column name the field `fieldId` of the field wells reads (a field id not there is validate.ts's to report). */
function columnOf(wells: unknown, fieldId: string): string | undefined {
  if (Array.isArray(wells)) {
    for (const w of wells) {
      const found = columnOf(w, fieldId);
      if (found) return found;
    }
  } else if (isRecord(wells)) {
    if (wells.FieldId === fieldId && isRecord(wells.Column)) return text(wells.Column.ColumnName);
    for (const v of Object.values(wells)) {
      const found = columnOf(v, fieldId);
      if (found) return found;
    }
  }
  return undefined;
}
