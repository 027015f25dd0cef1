/**
 * What changed between two QuickSight Definitions, in words a reviewer can follow: by sheet and
 * visual, filter group, calculated field, parameter and data set declaration, rather than a wall
 * of JSON. Pure; compares the normalised forms (normalize.ts) so that order and defaults that AWS
 * does not keep never show up.
 *
 *   sheet "Accounts": visual "accounts-by-score" (TableVisual): ChartConfiguration.FieldWells changed
 *   sheet "Rules": visual "x" (BarChartVisual) added
 *   filter group "fg-ou" removed
 */

import type { QuickSightKind } from '../model/quicksight.js';
import { compareText, isRecord } from '../model/values.js';
import { deepEqualJson, type JsonObject, normalizeBody } from './normalize.js';

/** Members of a visual body or a filter group are named down to this depth (`ChartConfiguration.FieldWells`). */
export const MEMBER_DEPTH = 2;

/** Readable changes between two Definitions (analysis or dashboard); empty when they mean the same. */
export function describeDefinitionChanges(before: unknown, after: unknown): string[] {
  const a = definitionOf(before);
  const b = definitionOf(after);
  if (deepEqualJson(a, b)) return [];
  const lines: string[] = [];
  lines.push(...dataSetChanges(a, b));
  lines.push(...sheetChanges(a, b));
  lines.push(...keyedChanges('filter group', list(a.FilterGroups), list(b.FilterGroups), filterGroupId));
  lines.push(
    ...keyedChanges(
      'calculated field',
      list(a.CalculatedFields),
      list(b.CalculatedFields),
      calculatedFieldName,
    ),
  );
  lines.push(
    ...keyedChanges('parameter', list(a.ParameterDeclarations), list(b.ParameterDeclarations), parameterName),
  );
  const handled = new Set([
    'DataSetIdentifierDeclarations',
    'Sheets',
    'FilterGroups',
    'CalculatedFields',
    'ParameterDeclarations',
  ]);
  for (const member of unionKeys(a, b)) {
    if (handled.has(member)) continue;
    lines.push(...memberChange(member, a[member], b[member]));
  }
  return lines;
}

/**
 * Readable changes between two bodies of a kind: top-level members (`Name changed`), and for
 * analyses and dashboards the Definition by sheet and visual.
 */
export function describeBodyChanges(kind: QuickSightKind, before: JsonObject, after: JsonObject): string[] {
  const a = normalizeBody(kind, before);
  const b = normalizeBody(kind, after);
  const lines: string[] = [];
  for (const member of unionKeys(a, b)) {
    if (member === 'Definition') {
      lines.push(...describeDefinitionChanges(a.Definition ?? {}, b.Definition ?? {}));
      continue;
    }
    if (deepEqualJson(a[member], b[member])) continue;
    const paths = changedPaths(a[member], b[member], MEMBER_DEPTH);
    lines.push(
      paths.length === 0 || (paths.length === 1 && paths[0] === '')
        ? `${member} changed`
        : `${paths.map((p) => (p === '' ? member : `${member}.${p}`)).join(', ')} changed`,
    );
  }
  return lines;
}

/** A Definition in normalised form (sets sorted, defaults dropped), wrapped and unwrapped through a body. */
function definitionOf(value: unknown): JsonObject {
  const definition = isRecord(value) ? value : {};
  const body = normalizeBody('quicksight-dashboard', { Definition: definition });
  return isRecord(body.Definition) ? body.Definition : {};
}

function dataSetChanges(a: JsonObject, b: JsonObject): string[] {
  const before = byKey(list(a.DataSetIdentifierDeclarations), (d) => str(field(d, 'Identifier')));
  const after = byKey(list(b.DataSetIdentifierDeclarations), (d) => str(field(d, 'Identifier')));
  const lines: string[] = [];
  for (const [id, declaration] of after) {
    const old = before.get(id);
    if (old === undefined) lines.push(`data set "${id}" added (${str(field(declaration, 'DataSetArn'))})`);
    else if (!deepEqualJson(old, declaration)) {
      lines.push(
        `data set "${id}": ${str(field(old, 'DataSetArn'))} → ${str(field(declaration, 'DataSetArn'))}`,
      );
    }
  }
  for (const id of before.keys()) if (!after.has(id)) lines.push(`data set "${id}" removed`);
  return lines;
}

function sheetChanges(a: JsonObject, b: JsonObject): string[] {
  const beforeSheets = list(a.Sheets);
  const afterSheets = list(b.Sheets);
  const before = byKey(beforeSheets, sheetId);
  const after = byKey(afterSheets, sheetId);
  const lines: string[] = [];
  for (const [id, sheet] of after) {
    const old = before.get(id);
    if (old === undefined) {
      lines.push(`sheet ${sheetLabel(sheet)} added`);
      continue;
    }
    if (deepEqualJson(old, sheet)) continue;
    const label = `sheet ${sheetLabel(sheet)}`;
    if (str(field(old, 'Name')) !== str(field(sheet, 'Name'))) {
      lines.push(`${label}: renamed from "${str(field(old, 'Name'))}"`);
    }
    lines.push(...visualChanges(label, list(field(old, 'Visuals')), list(field(sheet, 'Visuals'))));
    const memberLines: string[] = [];
    for (const member of unionKeys(asObject(old), asObject(sheet))) {
      if (member === 'Visuals' || member === 'Name' || member === 'SheetId') continue;
      const x = field(old, member);
      const y = field(sheet, member);
      if (deepEqualJson(x, y)) continue;
      memberLines.push(member);
    }
    if (memberLines.length > 0) lines.push(`${label}: ${memberLines.join(', ')} changed`);
  }
  for (const [id, sheet] of before) if (!after.has(id)) lines.push(`sheet ${sheetLabel(sheet)} removed`);
  const commonBefore = beforeSheets.map(sheetId).filter((id) => after.has(id));
  const commonAfter = afterSheets.map(sheetId).filter((id) => before.has(id));
  if (!deepEqualJson(commonBefore, commonAfter)) {
    lines.push(`sheets reordered: ${afterSheets.map((s) => sheetLabel(s)).join(', ')}`);
  }
  return lines;
}

function visualChanges(label: string, beforeVisuals: unknown[], afterVisuals: unknown[]): string[] {
  const before = byKey(beforeVisuals, visualId);
  const after = byKey(afterVisuals, visualId);
  const lines: string[] = [];
  for (const [id, visual] of after) {
    const old = before.get(id);
    const type = visualType(visual);
    if (old === undefined) {
      lines.push(`${label}: visual "${id}" (${type}) added`);
      continue;
    }
    if (deepEqualJson(old, visual)) continue;
    const oldType = visualType(old);
    if (oldType !== type) {
      lines.push(`${label}: visual "${id}" changed from ${oldType} to ${type}`);
      continue;
    }
    const paths = changedPaths(field(old, type), field(visual, type), MEMBER_DEPTH);
    lines.push(`${label}: visual "${id}" (${type}): ${paths.join(', ')} changed`);
  }
  for (const [id, visual] of before) {
    if (!after.has(id)) lines.push(`${label}: visual "${id}" (${visualType(visual)}) removed`);
  }
  const commonBefore = beforeVisuals.map(visualId).filter((id) => after.has(id));
  const commonAfter = afterVisuals.map(visualId).filter((id) => before.has(id));
  if (!deepEqualJson(commonBefore, commonAfter)) lines.push(`${label}: visuals reordered`);
  return lines;
}

/** Added, removed and changed items of a list keyed by an id, with the members that changed. */
function keyedChanges(
  what: string,
  beforeItems: unknown[],
  afterItems: unknown[],
  keyOf: (item: unknown) => string,
): string[] {
  const before = byKey(beforeItems, keyOf);
  const after = byKey(afterItems, keyOf);
  const lines: string[] = [];
  for (const [id, item] of after) {
    const old = before.get(id);
    if (old === undefined) lines.push(`${what} "${id}" added`);
    else if (!deepEqualJson(old, item)) {
      lines.push(`${what} "${id}": ${changedPaths(old, item, MEMBER_DEPTH).join(', ')} changed`);
    }
  }
  for (const id of before.keys()) if (!after.has(id)) lines.push(`${what} "${id}" removed`);
  return lines;
}

function memberChange(member: string, before: unknown, after: unknown): string[] {
  if (deepEqualJson(before, after)) return [];
  if (before === undefined) return [`${member} added`];
  if (after === undefined) return [`${member} removed`];
  const paths = changedPaths(before, after, MEMBER_DEPTH - 1).filter((p) => p !== '');
  return [
    paths.length === 0 ? `${member} changed` : `${paths.map((p) => `${member}.${p}`).join(', ')} changed`,
  ];
}

/**
 * Dotted paths (at most `depth` members deep) under which two values differ; `''` when they
 * differ as a whole (scalars, arrays, or one side missing at the top).
 */
export function changedPaths(before: unknown, after: unknown, depth: number): string[] {
  if (deepEqualJson(before, after)) return [];
  if (depth <= 0 || !isRecord(before) || !isRecord(after)) return [''];
  const paths: string[] = [];
  for (const member of unionKeys(before, after)) {
    const x = before[member];
    const y = after[member];
    if (deepEqualJson(x, y)) continue;
    const below = x === undefined || y === undefined ? [''] : changedPaths(x, y, depth - 1);
    for (const path of below) paths.push(path === '' ? member : `${member}.${path}`);
  }
  return paths;
}

function sheetId(sheet: unknown): string {
  return str(field(sheet, 'SheetId'));
}

function sheetLabel(sheet: unknown): string {
  const name = field(sheet, 'Name');
  return typeof name === 'string' && name !== '' ? `"${name}"` : `"${sheetId(sheet)}"`;
}

/** `TableVisual` for `{TableVisual: {…}}`. */
function visualType(visual: unknown): string {
  return isRecord(visual) ? (Object.keys(visual)[0] ?? 'Visual') : 'Visual';
}

function visualId(visual: unknown): string {
  return str(field(field(visual, visualType(visual)), 'VisualId'));
}

function filterGroupId(group: unknown): string {
  return str(field(group, 'FilterGroupId'));
}

function calculatedFieldName(calculated: unknown): string {
  return str(field(calculated, 'Name'));
}

function parameterName(declaration: unknown): string {
  return isRecord(declaration) ? str(field(Object.values(declaration)[0], 'Name')) : '';
}

function byKey(items: unknown[], keyOf: (item: unknown) => string): Map<string, unknown> {
  const map = new Map<string, unknown>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    map.set(key === '' ? `#${index + 1}` : key, item);
  });
  return map;
}

function unionKeys(a: JsonObject, b: JsonObject): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareText);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function field(value: unknown, name: string): unknown {
  return isRecord(value) ? value[name] : undefined;
}

function asObject(value: unknown): JsonObject {
  return isRecord(value) ? value : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
}
