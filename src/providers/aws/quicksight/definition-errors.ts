/**
 * The `Errors[]` QuickSight reports for an analysis or dashboard version whose Definition it could
 * not accept, as lines naming the sheet and visual each error concerns.
 *
 * A ViolatedEntity's `Path` points into the submitted Definition. Both spellings seen in the wild
 * are understood: JSON-pointer-like positions (`/Sheets/0/Visuals/3/BarChartVisual/…`) and
 * id paths (`sheet/<SheetId>/visual/<VisualId>`); any segment that is a known sheet or visual id
 * names it too. A path that names neither is shown as it is.
 */

import { isRecord } from '../../../model/values.js';

export interface DefinitionError {
  Type?: string | undefined;
  Message?: string | undefined;
  ViolatedEntities?: { Path?: string | undefined }[] | undefined;
}

/** `COLUMN_NOT_FOUND: Column 'x' not found, at sheet "Accounts", visual "v1" (TableVisual) [/Sheets/0/…]`. */
export function definitionErrorLines(errors: readonly DefinitionError[], definition?: unknown): string[] {
  const index = indexDefinition(definition);
  return errors.map((error) => {
    const head = [error.Type, error.Message].filter((part) => part !== undefined && part !== '').join(': ');
    const places = (error.ViolatedEntities ?? [])
      .map((entity) => entity.Path ?? '')
      .filter((path) => path !== '')
      .map((path) => {
        const where = describePath(path, index);
        return where === '' ? path : `${where} [${path}]`;
      });
    return `${head === '' ? 'error' : head}${places.length > 0 ? `, at ${places.join('; ')}` : ''}`;
  });
}

interface SheetInfo {
  id: string;
  name: string;
  visuals: VisualInfo[];
}

interface VisualInfo {
  id: string;
  type: string;
}

interface DefinitionIndex {
  sheets: SheetInfo[];
  filterGroups: string[];
  calculatedFields: string[];
}

function indexDefinition(definition: unknown): DefinitionIndex {
  const sheets = list(field(definition, 'Sheets')).map((sheet): SheetInfo => {
    const visuals = list(field(sheet, 'Visuals')).map((visual): VisualInfo => {
      const type = isRecord(visual) ? (Object.keys(visual)[0] ?? 'Visual') : 'Visual';
      return { id: str(field(field(visual, type), 'VisualId')), type };
    });
    return { id: str(field(sheet, 'SheetId')), name: str(field(sheet, 'Name')), visuals };
  });
  return {
    sheets,
    filterGroups: list(field(definition, 'FilterGroups')).map((g) => str(field(g, 'FilterGroupId'))),
    calculatedFields: list(field(definition, 'CalculatedFields')).map((c) => str(field(c, 'Name'))),
  };
}

function describePath(path: string, index: DefinitionIndex): string {
  const parts = path.split('/').filter((part) => part !== '');
  let sheet: SheetInfo | undefined;
  let visual: VisualInfo | undefined;
  let other = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const next = parts[i + 1];
    const position = next !== undefined && /^\d+$/.test(next) ? Number(next) : undefined;
    const lower = part.toLowerCase();
    if ((lower === 'sheets' || lower === 'sheet') && next !== undefined) {
      sheet = position !== undefined && lower === 'sheets' ? index.sheets[position] : findSheet(index, next);
      if (sheet) i++;
    } else if ((lower === 'visuals' || lower === 'visual') && next !== undefined) {
      const pool = sheet ? sheet.visuals : index.sheets.flatMap((s) => s.visuals);
      visual =
        position !== undefined && lower === 'visuals' ? pool[position] : pool.find((v) => v.id === next);
      if (visual) i++;
    } else if (lower === 'filtergroups' && position !== undefined) {
      other = `filter group "${index.filterGroups[position] ?? next}"`;
      i++;
    } else if (lower === 'calculatedfields' && position !== undefined) {
      other = `calculated field "${index.calculatedFields[position] ?? next}"`;
      i++;
    } else if (!sheet && findSheet(index, part)) {
      sheet = findSheet(index, part);
    } else if (!visual && findVisual(index, part)) {
      const found = findVisual(index, part);
      visual = found?.visual;
      sheet ??= found?.sheet;
    }
  }
  const words: string[] = [];
  if (sheet) words.push(`sheet "${sheet.name !== '' ? sheet.name : sheet.id}"`);
  if (visual) words.push(`visual "${visual.id}" (${visual.type})`);
  if (other !== '') words.push(other);
  return words.join(', ');
}

function findSheet(index: DefinitionIndex, id: string): SheetInfo | undefined {
  return index.sheets.find((sheet) => sheet.id === id && id !== '');
}

function findVisual(
  index: DefinitionIndex,
  id: string,
): { sheet: SheetInfo; visual: VisualInfo } | undefined {
  for (const sheet of index.sheets) {
    const visual = sheet.visuals.find((v) => v.id === id && id !== '');
    if (visual) return { sheet, visual };
  }
  return undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function field(value: unknown, name: string): unknown {
  return isRecord(value) ? value[name] : undefined;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The error of a create or update that ended in a failed state, with QuickSight's errors listed. */
export function settleFailure(what: string, state: string, lines: readonly string[]): Error {
  return new Error(
    `${what} ended ${state}` +
      (lines.length > 0
        ? ` with ${lines.length} error${lines.length === 1 ? '' : 's'}:\n${lines.map((l) => `  - ${l}`).join('\n')}`
        : ' and QuickSight reported no errors'),
  );
}
