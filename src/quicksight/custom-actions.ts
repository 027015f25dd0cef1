/**
 * The custom actions of a Definition's visuals (`Actions`, each a VisualCustomAction): what they
 * name must exist, where QuickSight would refuse the definition at deploy time or, worse, keep an
 * action that does nothing when clicked.
 *
 * - `Trigger` is DATA_POINT_CLICK or DATA_POINT_MENU; `CustomActionId` is unique in its visual.
 * - A FilterOperation's `SelectedFields` are field ids of the visual's field wells, and its
 *   `TargetVisuals` are visuals of the SAME sheet: FilterOperationTargetVisualsConfiguration has
 *   only SameSheetTargetVisualConfiguration. To drill down into another sheet, an action sets a
 *   parameter (SetParametersOperation) that a filter scoped to that sheet uses, and navigates there
 *   (NavigationOperation).
 * - A NavigationOperation's `TargetSheetId` is another sheet of the Definition.
 * - A SetParametersOperation's `DestinationParameterName` is declared in ParameterDeclarations, its
 *   `SourceField` is a field id of the visual; a parameter the action sets that no filter, control
 *   or expression uses is a warning (the click changes nothing).
 * - An action has at most one operation of each kind.
 *
 * Column references inside actions (`SelectedColumns`, `SourceColumn`) are ColumnIdentifiers and
 * are checked with all the others by validate.ts, as are `SourceParameterName`s.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { didYouMean } from '../model/nearest.js';
import { isRecord } from '../model/values.js';
import type { JsonPath } from './files.js';

export type ReportAt = (
  path: JsonPath,
  message: string,
  opts?: { key?: boolean; severity?: Diagnostic['severity'] },
) => void;

/** VisualCustomActionTrigger (the API's enum). */
export const CUSTOM_ACTION_TRIGGERS = ['DATA_POINT_CLICK', 'DATA_POINT_MENU'];

interface VisualOnSheet {
  sheetId: string;
  path: (string | number)[];
  body: Record<string, unknown>;
}

/** What the checks of one Definition's actions share. */
interface ActionContext {
  at: ReportAt;
  /** Sheet id → ids of its visuals. */
  sheets: Map<string, Set<string>>;
  /** Visual id → the sheet it is on. */
  visualSheet: Map<string, string>;
  parameters: Set<string>;
  /** Parameter names something other than an action uses (a filter, a control, an expression). */
  usedParameters: Set<string>;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Checks the custom actions of every visual of the Definition `def`; problems go to `at`. */
export function checkCustomActions(def: Record<string, unknown>, at: ReportAt): void {
  const visuals = visualsOf(def);
  const sheets = new Map<string, Set<string>>();
  const visualSheet = new Map<string, string>();
  list(def.Sheets).forEach((sheet) => {
    const id = isRecord(sheet) ? text(sheet.SheetId) : undefined;
    if (id !== undefined && !sheets.has(id)) sheets.set(id, new Set());
  });
  for (const v of visuals) {
    const id = text(v.body.VisualId);
    if (id === undefined) continue;
    sheets.get(v.sheetId)?.add(id);
    if (!visualSheet.has(id)) visualSheet.set(id, v.sheetId);
  }
  const ctx: ActionContext = {
    at,
    sheets,
    visualSheet,
    parameters: declaredParameters(def),
    usedParameters: parametersUsedOutsideActions(def),
  };
  for (const v of visuals) checkVisualActions(ctx, v);
}

function visualsOf(def: Record<string, unknown>): VisualOnSheet[] {
  const out: VisualOnSheet[] = [];
  list(def.Sheets).forEach((sheet, i) => {
    if (!isRecord(sheet)) return;
    const sheetId = text(sheet.SheetId);
    if (sheetId === undefined) return;
    list(sheet.Visuals).forEach((visual, j) => {
      if (!isRecord(visual)) return;
      const kinds = Object.keys(visual);
      const kind = kinds[0];
      // A visual with more or fewer than one member is reported by validate.ts.
      if (kinds.length !== 1 || kind === undefined) return;
      const body = visual[kind];
      if (isRecord(body)) out.push({ sheetId, path: ['Sheets', i, 'Visuals', j, kind], body });
    });
  });
  return out;
}

function declaredParameters(def: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  for (const declaration of list(def.ParameterDeclarations))
    if (isRecord(declaration))
      for (const body of Object.values(declaration)) {
        const name = isRecord(body) ? text(body.Name) : undefined;
        if (name !== undefined) names.add(name);
      }
  return names;
}

/** Names in `ParameterName`/`SourceParameterName` members and `${name}` in texts, outside visuals' Actions. */
function parametersUsedOutsideActions(def: Record<string, unknown>): Set<string> {
  const used = new Set<string>();
  const visit = (value: unknown, key: string | undefined): void => {
    if (typeof value === 'string') {
      if (key === 'ParameterName' || key === 'SourceParameterName') used.add(value);
      for (const m of value.matchAll(/\$\{([^{}]+)\}/g)) used.add((m[1] as string).trim());
    } else if (Array.isArray(value)) for (const item of value) visit(item, undefined);
    else if (isRecord(value)) for (const [k, v] of Object.entries(value)) if (k !== 'Actions') visit(v, k);
  };
  visit(def.Sheets, undefined);
  visit(def.FilterGroups, undefined);
  visit(def.CalculatedFields, undefined);
  return used;
}

/** Field ids the visual's field wells define. */
function fieldIdsOf(body: Record<string, unknown>): Set<string> {
  const ids = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isRecord(value)) {
      const id = text(value.FieldId);
      if (id !== undefined && isRecord(value.Column)) ids.add(id);
      else if (id !== undefined && typeof value.Expression === 'string') ids.add(id);
      Object.values(value).forEach(visit);
    }
  };
  visit(isRecord(body.ChartConfiguration) ? body.ChartConfiguration.FieldWells : undefined);
  return ids;
}

function checkVisualActions(ctx: ActionContext, v: VisualOnSheet): void {
  const seen = new Set<string>();
  const fields = fieldIdsOf(v.body);
  list(v.body.Actions).forEach((action, k) => {
    if (!isRecord(action)) return;
    const path = [...v.path, 'Actions', k];
    const id = text(action.CustomActionId);
    if (id !== undefined) {
      if (seen.has(id))
        ctx.at([...path, 'CustomActionId'], `CustomActionId '${id}' is used twice in this visual`);
      seen.add(id);
    }
    const trigger = text(action.Trigger);
    if (trigger !== undefined && !CUSTOM_ACTION_TRIGGERS.includes(trigger))
      ctx.at(
        [...path, 'Trigger'],
        `'${trigger}' is not a trigger${didYouMean(trigger, CUSTOM_ACTION_TRIGGERS)}; valid: ${CUSTOM_ACTION_TRIGGERS.join(', ')}`,
      );
    checkOperations(ctx, v, fields, action, path);
  });
}

function checkOperations(
  ctx: ActionContext,
  v: VisualOnSheet,
  fields: Set<string>,
  action: Record<string, unknown>,
  path: (string | number)[],
): void {
  const kinds = new Set<string>();
  list(action.ActionOperations).forEach((operation, n) => {
    if (!isRecord(operation)) return;
    for (const [kind, body] of Object.entries(operation)) {
      const at = [...path, 'ActionOperations', n, kind];
      if (kinds.has(kind)) ctx.at(at, `this action has a second ${kind}; an action takes one of each kind`);
      kinds.add(kind);
      if (!isRecord(body)) continue;
      if (kind === 'FilterOperation') checkFilterOperation(ctx, v, fields, body, at);
      else if (kind === 'NavigationOperation') checkNavigation(ctx, v, body, at);
      else if (kind === 'SetParametersOperation') checkSetParameters(ctx, fields, body, at);
    }
  });
}

function checkFilterOperation(
  ctx: ActionContext,
  v: VisualOnSheet,
  fields: Set<string>,
  body: Record<string, unknown>,
  at: (string | number)[],
): void {
  const selected = isRecord(body.SelectedFieldsConfiguration) ? body.SelectedFieldsConfiguration : {};
  list(selected.SelectedFields).forEach((field, i) => {
    if (typeof field === 'string' && !fields.has(field))
      ctx.at(
        [...at, 'SelectedFieldsConfiguration', 'SelectedFields', i],
        `no field '${field}' in this visual's field wells${didYouMean(field, fields)}`,
      );
  });
  const targets = isRecord(body.TargetVisualsConfiguration) ? body.TargetVisualsConfiguration : {};
  const same = isRecord(targets.SameSheetTargetVisualConfiguration)
    ? targets.SameSheetTargetVisualConfiguration
    : {};
  const onSheet = ctx.sheets.get(v.sheetId) ?? new Set<string>();
  list(same.TargetVisuals).forEach((target, i) => {
    if (typeof target !== 'string' || onSheet.has(target)) return;
    const elsewhere = ctx.visualSheet.get(target);
    ctx.at(
      [...at, 'TargetVisualsConfiguration', 'SameSheetTargetVisualConfiguration', 'TargetVisuals', i],
      elsewhere
        ? `visual '${target}' is on sheet '${elsewhere}': a FilterOperation filters visuals of its own sheet ('${v.sheetId}') only; to filter another sheet, set a parameter its filter uses (SetParametersOperation) and navigate there (NavigationOperation)`
        : `no visual '${target}' on sheet '${v.sheetId}'${didYouMean(target, onSheet)}`,
    );
  });
}

function checkNavigation(
  ctx: ActionContext,
  v: VisualOnSheet,
  body: Record<string, unknown>,
  at: (string | number)[],
): void {
  const local = isRecord(body.LocalNavigationConfiguration) ? body.LocalNavigationConfiguration : {};
  const target = text(local.TargetSheetId);
  if (target === undefined) return;
  const path = [...at, 'LocalNavigationConfiguration', 'TargetSheetId'];
  if (!ctx.sheets.has(target)) ctx.at(path, `no sheet '${target}'${didYouMean(target, ctx.sheets.keys())}`);
  else if (target === v.sheetId) ctx.at(path, `the action navigates to the sheet it is on ('${target}')`);
}

function checkSetParameters(
  ctx: ActionContext,
  fields: Set<string>,
  body: Record<string, unknown>,
  at: (string | number)[],
): void {
  list(body.ParameterValueConfigurations).forEach((config, i) => {
    if (!isRecord(config)) return;
    const path = [...at, 'ParameterValueConfigurations', i];
    const name = text(config.DestinationParameterName);
    if (name !== undefined && !ctx.parameters.has(name))
      ctx.at(
        [...path, 'DestinationParameterName'],
        `no parameter '${name}' in ParameterDeclarations${didYouMean(name, ctx.parameters)}`,
      );
    else if (name !== undefined && !ctx.usedParameters.has(name))
      ctx.at(
        [...path, 'DestinationParameterName'],
        `parameter '${name}' is used by no filter, control or expression: setting it changes nothing`,
        { severity: 'warning' },
      );
    const value = isRecord(config.Value) ? config.Value : {};
    const source = text(value.SourceField);
    if (source !== undefined && !fields.has(source))
      ctx.at(
        [...path, 'Value', 'SourceField'],
        `no field '${source}' in this visual's field wells${didYouMean(source, fields)}`,
      );
  });
}
