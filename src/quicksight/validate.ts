/**
 * Offline validation of quicksight/: every file against the QuickSight API's shapes (unknown
 * members with the nearest valid name, missing required members, wrong JSON types), then the
 * cross-checks the API would only make at deploy time, or never: placeholders resolve, ids are
 * unique, every column a visual, filter, control or calculated field uses exists in its data set,
 * field ids that sorts and options refer to exist in their visual, layouts place what the sheet
 * has. The data sets' columns against the views' output are checked by `checkDataSetColumns`
 * (columns.ts), which needs an engine.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { didYouMean } from '../model/nearest.js';
import type { QuickSightKind, QuickSightSource } from '../model/quicksight.js';
import { isRecord } from '../model/values.js';
import { dataSetColumns, expressionReferences } from './columns.js';
import { checkCustomActions } from './custom-actions.js';
import { checkColors } from './field-colors.js';
import { diagnosticAt, ID_MEMBER, type JsonPath } from './files.js';
import { REQUEST_MEMBERS } from './normalize.js';
import {
  ANALYSIS_DEFINITION,
  type CheckOptions,
  checkShape,
  DASHBOARD_DEFINITION,
  memberNames,
  type PathPart,
  REQUEST_SHAPES,
  type Shape,
  TOOL_MEMBERS,
} from './schema.js';

/** Placeholders with a fixed name. */
export const FIXED_PLACEHOLDERS = [
  'aws:accountId',
  'aws:region',
  'athena:workgroup',
  'glue:database',
] as const;
/** Placeholders that name another file of quicksight/, and the kind of that file. */
export const REFERENCE_PLACEHOLDERS: Record<string, QuickSightKind> = {
  dataSource: 'quicksight-data-source',
  dataSet: 'quicksight-data-set',
  analysis: 'quicksight-analysis',
};
export const PLACEHOLDER = /\$\{([^{}]*)\}/g;

/** At most this many refresh schedules per data set (CreateRefreshSchedule). */
const MAX_SCHEDULES = 5;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,512}$/;
/** Field well members that define a field id; any other member named FieldId refers to one. */
const FIELD_DEFINITIONS = new Set([
  'NumericalMeasureField',
  'CategoricalMeasureField',
  'DateMeasureField',
  'CalculatedMeasureField',
  'NumericalDimensionField',
  'CategoricalDimensionField',
  'DateDimensionField',
  'UnaggregatedField',
]);

type Struct = Shape & { type: 'structure' };

interface Visited {
  shape: string;
  value: Record<string, unknown>;
  path: PathPart[];
}

function startsWith(path: readonly PathPart[], prefix: readonly PathPart[]): boolean {
  return prefix.every((p, i) => path[i] === p);
}

/** Every string in a JSON value with its path. */
function* strings(value: unknown, path: PathPart[] = []): Generator<[string, PathPart[]]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value))
    for (let i = 0; i < value.length; i++) yield* strings(value[i], [...path, i]);
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
}

type IdsOf = (kind: QuickSightKind) => Map<string, QuickSightSource>;
type DataSetNames = Map<string, { names: Set<string>; complete: boolean }>;

/** Validates the files of quicksight/. Diagnostics are sorted by file, line and column. */
export function validateQuickSight(sources: QuickSightSource[]): Diagnostic[] {
  const byKind = (k: QuickSightKind) => sources.filter((s) => s.kind === k);
  const out = sources.flatMap(checkFileShape);
  const ids = checkIds(sources, out);
  const idsOf: IdsOf = (k) => ids.get(k) ?? new Map<string, QuickSightSource>();
  for (const s of sources) out.push(...checkPlaceholders(s, idsOf));
  out.push(...checkRefreshSchedules(byKind('quicksight-refresh-schedule'), idsOf));

  // Data sets: the columns their logical tables produce.
  const columns: DataSetNames = new Map();
  for (const s of byKind('quicksight-data-set')) {
    const derived = dataSetColumns(s.json);
    for (const p of derived.problems) out.push(diagnosticAt(s, p.path, p.message, { key: p.atKey ?? false }));
    columns.set(s.id, { names: new Set(derived.columns.map((c) => c.name)), complete: derived.complete });
  }

  // Analyses, and dashboards that carry their own Definition.
  for (const s of [...byKind('quicksight-analysis'), ...byKind('quicksight-dashboard')]) {
    if (isRecord(s.json.Definition))
      out.push(
        ...checkDefinition(
          s,
          s.json.Definition,
          s.kind === 'quicksight-analysis' ? ANALYSIS_DEFINITION : DASHBOARD_DEFINITION,
          columns,
        ),
      );
  }
  for (const s of byKind('quicksight-dashboard')) out.push(...checkPublishedAnalysis(s, idsOf));

  return out.sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.message.localeCompare(b.message),
  );
}

/**
 * Ids: present, usable in an ARN, unique per kind, and the file's name (but for schedules).
 * Returns the files by kind and id (schedules left out); problems go to `out`.
 */
function checkIds(
  sources: QuickSightSource[],
  out: Diagnostic[],
): Map<QuickSightKind, Map<string, QuickSightSource>> {
  const ids = new Map<QuickSightKind, Map<string, QuickSightSource>>();
  for (const s of sources) {
    const member = ID_MEMBER[s.kind];
    const id = s.json[member];
    if (typeof id !== 'string') continue; // Missing or mistyped: reported by the shape check.
    if (!ID_PATTERN.test(id)) {
      out.push(diagnosticAt(s, [member], `'${id}' is not a usable id: letters, digits, '-' and '_' only`));
      continue;
    }
    const fileName = s.file.split('/').pop() ?? '';
    if (s.kind !== 'quicksight-refresh-schedule' && fileName !== `${id}.json`)
      out.push(
        diagnosticAt(s, [member], `${member} '${id}' differs from the file name; name the file ${id}.json`),
      );
    if (s.kind === 'quicksight-refresh-schedule') continue; // Unique per data set, checked below.
    const seen = ids.get(s.kind) ?? new Map<string, QuickSightSource>();
    ids.set(s.kind, seen);
    const first = seen.get(id) ?? [...seen.values()].find((o) => o.id.toLowerCase() === id.toLowerCase());
    if (first?.id === id)
      out.push(diagnosticAt(s, [member], `${member} '${id}' is also used by ${first.file}`));
    else if (first)
      // The file is named after the id: on a case-insensitive file system (macOS, Windows) the two
      // files are one, and a checkout there silently loses one of them.
      out.push(
        diagnosticAt(
          s,
          [member],
          `${member} '${id}' differs only in case from '${first.id}' (${first.file}); their files would be one file on a case-insensitive file system (macOS, Windows): give them ids that differ in more than case`,
        ),
      );
    else seen.set(id, s);
  }
  return ids;
}

/** Placeholders: known, and naming a file of quicksight/ that exists. */
function checkPlaceholders(s: QuickSightSource, idsOf: IdsOf): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [text, path] of strings(s.json)) {
    for (const m of text.matchAll(PLACEHOLDER)) {
      const problem = placeholderProblem(s, text, path, m, idsOf);
      if (problem) out.push(problem);
    }
  }
  return out;
}

/** What is wrong with the placeholder `m` found in `text` at `path`, if anything. */
function placeholderProblem(
  s: QuickSightSource,
  text: string,
  path: PathPart[],
  m: RegExpMatchArray,
  idsOf: IdsOf,
): Diagnostic | undefined {
  const inner = (m[1] as string).trim();
  const colon = inner.indexOf(':');
  const ns = colon < 0 ? inner : inner.slice(0, colon);
  const name = colon < 0 ? '' : inner.slice(colon + 1);
  if ((FIXED_PLACEHOLDERS as readonly string[]).includes(inner)) return undefined;
  const kind = REFERENCE_PLACEHOLDERS[ns];
  if (!kind || !name) {
    const known = [...FIXED_PLACEHOLDERS, ...Object.keys(REFERENCE_PLACEHOLDERS).map((k) => `${k}:<id>`)];
    return diagnosticAt(
      s,
      path,
      `unknown placeholder \${${inner}}${didYouMean(inner, [...FIXED_PLACEHOLDERS, ...Object.keys(REFERENCE_PLACEHOLDERS)])}; known: ${known.map((k) => `\${${k}}`).join(', ')}`,
    );
  }
  if (kind === 'quicksight-analysis') {
    const whole = s.kind === 'quicksight-dashboard' && path.length === 1 && path[0] === 'Definition';
    if (!whole || text !== m[0])
      return diagnosticAt(
        s,
        path,
        `\${analysis:…} stands for an analysis's whole Definition: only a dashboard's "Definition" may be exactly that`,
      );
  }
  if (idsOf(kind).has(name)) return undefined;
  return diagnosticAt(
    s,
    path,
    `\${${ns}:${name}} names no ${kind.replace('quicksight-', '').replace('-', ' ')} in quicksight/${didYouMean(name, idsOf(kind).keys())}`,
  );
}

/** RefreshFrequency.Interval (the API's enum); the two shortest only for incremental refreshes. */
const REFRESH_INTERVALS = ['MINUTE15', 'MINUTE30', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY'];
const DAYS_OF_WEEK = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
/** ScheduleRefreshOnEntity.DayOfMonth, as the API Reference gives its pattern: 1 to 28, or the last day. */
const DAY_OF_MONTH = /^(?:LAST_DAY_OF_MONTH|1[0-9]|2[0-8]|[1-9])$/;
const TIME_OF_DAY = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * A schedule's frequency: values the API takes (the SDK checks none of them, and the local
 * target would record any). Structure and types are checked by the shape check.
 */
function checkScheduleFrequency(s: QuickSightSource): Diagnostic[] {
  const f = s.json.ScheduleFrequency;
  if (!isRecord(f)) return [];
  const out: Diagnostic[] = [];
  const at = (member: string, ...rest: string[]): JsonPath => ['ScheduleFrequency', member, ...rest];
  const { Interval, TimeOfTheDay, Timezone, RefreshOnDay } = f;
  if (typeof Interval === 'string' && !REFRESH_INTERVALS.includes(Interval))
    out.push(
      diagnosticAt(
        s,
        at('Interval'),
        `'${Interval}' is not a refresh interval${didYouMean(Interval, REFRESH_INTERVALS)}; valid: ${REFRESH_INTERVALS.join(', ')}`,
      ),
    );
  if ((Interval === 'MINUTE15' || Interval === 'MINUTE30') && s.json.RefreshType !== 'INCREMENTAL_REFRESH')
    out.push(
      diagnosticAt(
        s,
        at('Interval'),
        `${Interval} is only for incremental refreshes (RefreshType INCREMENTAL_REFRESH); a FULL_REFRESH runs at most HOURLY`,
      ),
    );
  if (typeof TimeOfTheDay === 'string' && !TIME_OF_DAY.test(TimeOfTheDay))
    out.push(
      diagnosticAt(
        s,
        at('TimeOfTheDay'),
        `'${TimeOfTheDay}' is not a time of day: expected HH:MM from 00:00 to 23:59`,
      ),
    );
  if (typeof Timezone === 'string' && !isTimeZone(Timezone))
    out.push(
      diagnosticAt(
        s,
        at('Timezone'),
        `'${Timezone}' is not a time zone: expected an IANA time zone id such as UTC, Europe/Berlin or America/New_York`,
      ),
    );
  const day = isRecord(RefreshOnDay) ? RefreshOnDay : {};
  if (typeof day.DayOfMonth === 'string' && !DAY_OF_MONTH.test(day.DayOfMonth))
    out.push(
      diagnosticAt(
        s,
        at('RefreshOnDay', 'DayOfMonth'),
        `'${day.DayOfMonth}' is not a day QuickSight refreshes on: expected 1 to 28, or LAST_DAY_OF_MONTH`,
      ),
    );
  if (typeof day.DayOfWeek === 'string' && !DAYS_OF_WEEK.includes(day.DayOfWeek))
    out.push(
      diagnosticAt(
        s,
        at('RefreshOnDay', 'DayOfWeek'),
        `'${day.DayOfWeek}' is not a day of the week${didYouMean(day.DayOfWeek, DAYS_OF_WEEK)}; valid: ${DAYS_OF_WEEK.join(', ')}`,
      ),
    );
  if (Interval === 'WEEKLY' && day.DayOfWeek === undefined)
    out.push(
      diagnosticAt(s, at('Interval'), 'a WEEKLY refresh needs RefreshOnDay.DayOfWeek, such as MONDAY'),
    );
  if (Interval === 'MONTHLY' && day.DayOfMonth === undefined)
    out.push(
      diagnosticAt(
        s,
        at('Interval'),
        'a MONTHLY refresh needs RefreshOnDay.DayOfMonth: 1 to 28, or LAST_DAY_OF_MONTH',
      ),
    );
  return out;
}

/** Refresh schedules: of a SPICE data set of quicksight/, unique ids per data set, at most MAX_SCHEDULES. */
function checkRefreshSchedules(files: QuickSightSource[], idsOf: IdsOf): Diagnostic[] {
  const out: Diagnostic[] = files.flatMap(checkScheduleFrequency);
  const schedules = new Map<string, QuickSightSource[]>();
  for (const s of files) {
    const dataSetId = s.json.DataSetId;
    if (typeof dataSetId !== 'string') continue;
    const dataSet = idsOf('quicksight-data-set').get(dataSetId);
    if (!dataSet) {
      out.push(
        diagnosticAt(
          s,
          ['DataSetId'],
          `no data set '${dataSetId}' in quicksight/data-sets/${didYouMean(dataSetId, idsOf('quicksight-data-set').keys())}`,
        ),
      );
      continue;
    }
    if (dataSet.json.ImportMode === 'DIRECT_QUERY')
      out.push(
        diagnosticAt(
          s,
          ['DataSetId'],
          `data set '${dataSetId}' is DIRECT_QUERY: only SPICE data sets are refreshed; remove this schedule or import into SPICE`,
        ),
      );
    const list = schedules.get(dataSetId) ?? [];
    const scheduleId = s.json.ScheduleId;
    const twin = list.find((o) => o.json.ScheduleId === scheduleId);
    if (twin && typeof scheduleId === 'string')
      out.push(
        diagnosticAt(
          s,
          ['ScheduleId'],
          `ScheduleId '${scheduleId}' of data set '${dataSetId}' is also used by ${twin.file}`,
        ),
      );
    list.push(s);
    schedules.set(dataSetId, list);
    if (list.length === MAX_SCHEDULES + 1)
      out.push(
        diagnosticAt(s, [], `data set '${dataSetId}' has more than ${MAX_SCHEDULES} refresh schedules`),
      );
  }
  return out;
}

/** A dashboard made from an analysis: what the analysis has that a dashboard cannot take. */
function checkPublishedAnalysis(s: QuickSightSource, idsOf: IdsOf): Diagnostic[] {
  const def = s.json.Definition;
  if (typeof def !== 'string') return [];
  const m = /^\$\{analysis:([^{}]+)\}$/.exec(def.trim());
  const analysis = m ? idsOf('quicksight-analysis').get((m[1] as string).trim()) : undefined;
  if (!analysis || !isRecord(analysis.json.Definition)) return [];
  const allowed = memberNames(DASHBOARD_DEFINITION);
  const out: Diagnostic[] = [];
  for (const member of Object.keys(analysis.json.Definition))
    if (!allowed.includes(member) && memberNames(ANALYSIS_DEFINITION).includes(member))
      out.push(
        diagnosticAt(
          s,
          ['Definition'],
          `analysis '${analysis.id}' has Definition.${member}, which a dashboard's Definition does not take; it is left out of the dashboard`,
          { severity: 'warning' },
        ),
      );
  return out;
}

/** The file against its request shape; the members the tool sets are refused. */
function checkFileShape(s: QuickSightSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const options: CheckOptions = { ignoreTopLevel: TOOL_MEMBERS };
  if (s.kind === 'quicksight-refresh-schedule') {
    options.extraTopLevel = ['DataSetId'];
    if (typeof s.json.DataSetId !== 'string')
      out.push(
        diagnosticAt(
          s,
          ['DataSetId'],
          s.json.DataSetId === undefined
            ? `missing required member 'DataSetId': the data set this schedule refreshes`
            : 'DataSetId must be a string: the id of the data set this schedule refreshes',
        ),
      );
  }
  if (s.kind === 'quicksight-dashboard') {
    // "${analysis:<id>}" stands for that analysis's Definition; checked with the placeholders.
    options.skip = (path, value) =>
      path.length === 1 && path[0] === 'Definition' && typeof value === 'string';
  }
  if (s.kind === 'quicksight-analysis' || s.kind === 'quicksight-dashboard') {
    if (s.json.Definition === undefined && s.json.SourceEntity === undefined)
      out.push(
        diagnosticAt(
          s,
          ['Definition'],
          s.kind === 'quicksight-analysis'
            ? `missing member 'Definition': analyses are kept as definitions`
            : `missing member 'Definition': the dashboard's definition, or "\${analysis:<AnalysisId>}" to publish an analysis`,
        ),
      );
    if (s.json.SourceEntity !== undefined)
      out.push(
        diagnosticAt(
          s,
          ['SourceEntity'],
          'SourceEntity (a template) is not managed here; write the Definition instead',
          { key: true },
        ),
      );
  }
  for (const member of TOOL_MEMBERS)
    if (s.json[member] !== undefined)
      out.push(
        diagnosticAt(
          s,
          [member],
          member === 'AwsAccountId'
            ? 'AwsAccountId is set by the tool for the target account; remove it so the file deploys to any account'
            : `${member} is set by the tool (from config/org.yaml); remove it from the file`,
          { key: true },
        ),
      );
  const shapeProblems = checkShape(s.json, REQUEST_SHAPES[s.kind], [], options);
  for (const p of shapeProblems) out.push(diagnosticAt(s, p.path, p.message, { key: p.atKey }));
  const managed = REQUEST_MEMBERS[s.kind];
  for (const member of Object.keys(s.json)) {
    const known = memberNames(REQUEST_SHAPES[s.kind]).includes(member);
    const tool = (TOOL_MEMBERS as readonly string[]).includes(member) || member === 'SourceEntity';
    if (known && !tool && !managed.includes(member))
      out.push(
        diagnosticAt(
          s,
          [member],
          `${member} is a valid member, but org-compliance does not manage it: it is not sent`,
          {
            key: true,
            severity: 'warning',
          },
        ),
      );
  }
  return out;
}

interface Declared {
  dataSetId?: string;
  path: PathPart[];
}

/** A sheet's path and its elements: element id → its layout element type (VISUAL, TEXT_BOX, …). */
interface SheetElements {
  path: PathPart[];
  elements: Map<string, string>;
}

/** What the checks of one Definition share; the maps are filled by the first checks. */
interface DefinitionContext {
  def: Record<string, unknown>;
  /** Everything in the definition that has a named structure shape, in document order. */
  visited: Visited[];
  /** Reports a problem at a path inside the Definition. */
  at: (path: JsonPath, message: string, opts?: { key?: boolean; severity?: Diagnostic['severity'] }) => void;
  /** The columns of each data set of quicksight/, by DataSetId. */
  dataSets: DataSetNames;
  /** Data set identifier → what it declares. */
  declared: Map<string, Declared>;
  /** Data set identifier → the names of its calculated fields. */
  calculated: Map<string, Set<string>>;
}

/**
 * The cross-checks of an analysis (or dashboard) Definition: data set identifiers, columns,
 * calculated fields, parameters, ids, field ids, filter scopes, controls and layouts.
 */
function checkDefinition(
  s: QuickSightSource,
  def: Record<string, unknown>,
  shape: Shape,
  dataSets: DataSetNames,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ctx: DefinitionContext = {
    def,
    visited: visitDefinition(def, shape),
    at: (path, message, opts = {}) => out.push(diagnosticAt(s, ['Definition', ...path], message, opts)),
    dataSets,
    declared: new Map(),
    calculated: new Map(),
  };
  checkDataSetDeclarations(ctx);
  checkCalculatedFieldNames(ctx);
  checkIdentifiersDeclared(ctx);
  checkCalculatedFieldColumns(ctx);
  checkColumnReferences(ctx);
  checkParameters(ctx);
  const sheets = checkSheetElements(ctx);
  checkLayouts(ctx, sheets);
  checkFilters(ctx, sheets);
  checkVisualFields(ctx);
  checkCustomActions(def, ctx.at);
  checkColors(def, ctx.at);
  return out;
}

/** Everything in the definition, by shape. */
function visitDefinition(def: Record<string, unknown>, shape: Shape): Visited[] {
  const visited: Visited[] = [];
  checkShape(def, shape, [], {
    visit: (sh: Struct, value, path) => {
      visited.push({ shape: sh.name, value, path });
    },
  });
  return visited;
}

function shapesNamed(ctx: DefinitionContext, name: string): Visited[] {
  return ctx.visited.filter((v) => v.shape === name);
}

function sheetsOf(def: Record<string, unknown>): unknown[] {
  return Array.isArray(def.Sheets) ? def.Sheets : [];
}

/** Data set identifiers: declared once, each naming a data set of quicksight/ by placeholder. */
function checkDataSetDeclarations(ctx: DefinitionContext): void {
  const { at, declared } = ctx;
  for (const v of shapesNamed(ctx, 'DataSetIdentifierDeclaration')) {
    const identifier = v.value.Identifier;
    const arn = v.value.DataSetArn;
    if (typeof identifier !== 'string') continue;
    if (declared.has(identifier)) {
      at([...v.path, 'Identifier'], `data set identifier '${identifier}' is declared twice`);
      continue;
    }
    let dataSetId: string | undefined;
    if (typeof arn === 'string') {
      const placeholder = /^\$\{dataSet:([^{}]+)\}$/.exec(arn.trim());
      const literal = /^arn:aws[a-z-]*:quicksight:[^:]*:\d{12}:dataset\/(.+)$/.exec(arn);
      if (placeholder) dataSetId = (placeholder[1] as string).trim();
      else if (literal) {
        dataSetId = literal[1] as string;
        at(
          [...v.path, 'DataSetArn'],
          `a literal ARN ties the file to one account and region; write "\${dataSet:${dataSetId}}"`,
          { severity: 'warning' },
        );
      } else
        at(
          [...v.path, 'DataSetArn'],
          `DataSetArn must be "\${dataSet:<DataSetId>}" (a data set of quicksight/data-sets/), not '${arn}'`,
        );
    }
    declared.set(identifier, { ...(dataSetId ? { dataSetId } : {}), path: v.path });
  }
}

/** Calculated fields, per data set identifier: each belongs to one, and is defined once there. */
function checkCalculatedFieldNames(ctx: DefinitionContext): void {
  const { at, calculated } = ctx;
  for (const v of shapesNamed(ctx, 'CalculatedField')) {
    const ident = v.value.DataSetIdentifier;
    const name = v.value.Name;
    if (typeof name !== 'string') continue;
    if (typeof ident !== 'string') {
      at(
        [...v.path, 'DataSetIdentifier'],
        `calculated field '${name}' needs the DataSetIdentifier it belongs to`,
      );
      continue;
    }
    const set = calculated.get(ident) ?? new Set<string>();
    if (set.has(name)) at([...v.path, 'Name'], `calculated field '${name}' is defined twice for '${ident}'`);
    set.add(name);
    calculated.set(ident, set);
  }
}

/** The columns a data set identifier offers: its data set's and its calculated fields. */
function columnsOf(
  ctx: DefinitionContext,
  ident: string,
): { names: Set<string>; complete: boolean } | undefined {
  const d = ctx.declared.get(ident);
  if (!d) return undefined;
  const base = d.dataSetId ? ctx.dataSets.get(d.dataSetId) : undefined;
  const names = new Set([...(base?.names ?? []), ...(ctx.calculated.get(ident) ?? [])]);
  return { names, complete: base?.complete ?? false };
}

function checkColumn(
  ctx: DefinitionContext,
  ident: string,
  column: string,
  path: PathPart[],
  what = 'column',
) {
  const cols = columnsOf(ctx, ident);
  if (!cols?.complete || cols.names.has(column)) return;
  const d = ctx.declared.get(ident);
  ctx.at(
    path,
    `${what} '${column}' is not in data set '${ident}'${d?.dataSetId ? ` (${d.dataSetId})` : ''}${didYouMean(column, cols.names)}`,
  );
}

/** Every DataSetIdentifier used (columns, calculated fields, mapped parameters, rolling dates …) is declared. */
function checkIdentifiersDeclared(ctx: DefinitionContext): void {
  for (const v of ctx.visited) {
    if (v.shape === 'DataSetIdentifierDeclaration') continue;
    const ident = v.value.DataSetIdentifier;
    if (typeof ident !== 'string' || ctx.declared.has(ident)) continue;
    ctx.at(
      [...v.path, 'DataSetIdentifier'],
      `data set identifier '${ident}' is not declared in DataSetIdentifierDeclarations${didYouMean(ident, ctx.declared.keys())}`,
    );
  }
}

/** Calculated fields: the columns their expressions use exist; no name of a data set column. */
function checkCalculatedFieldColumns(ctx: DefinitionContext): void {
  for (const v of shapesNamed(ctx, 'CalculatedField')) {
    const ident = v.value.DataSetIdentifier;
    if (typeof ident !== 'string' || !ctx.declared.has(ident)) continue;
    if (typeof v.value.Expression === 'string')
      for (const ref of expressionReferences(v.value.Expression))
        checkColumn(ctx, ident, ref, [...v.path, 'Expression'], 'the expression refers to column');
    const base = ctx.declared.get(ident)?.dataSetId;
    const name = v.value.Name;
    if (typeof name === 'string' && base && ctx.dataSets.get(base)?.names.has(name))
      ctx.at(
        [...v.path, 'Name'],
        `calculated field '${name}' has the name of a column of data set '${ident}'`,
      );
  }
}

/** Column references: wherever a ColumnIdentifier is. */
function checkColumnReferences(ctx: DefinitionContext): void {
  for (const v of shapesNamed(ctx, 'ColumnIdentifier')) {
    const ident = v.value.DataSetIdentifier;
    const column = v.value.ColumnName;
    if (ident === undefined) {
      if (v.value.TopicIdentifier === undefined)
        ctx.at(v.path, `this column reference needs a DataSetIdentifier`);
      continue;
    }
    if (typeof ident === 'string' && ctx.declared.has(ident) && typeof column === 'string')
      checkColumn(ctx, ident, column, [...v.path, 'ColumnName']);
  }
}

/** Parameters: declared once; every parameter name used is declared. */
function checkParameters(ctx: DefinitionContext): void {
  const { at, visited } = ctx;
  const parameters = new Set<string>();
  for (const v of visited.filter((x) => x.path.length === 3 && x.path[0] === 'ParameterDeclarations')) {
    const name = v.value.Name;
    if (typeof name !== 'string') continue;
    if (parameters.has(name)) at([...v.path, 'Name'], `parameter '${name}' is declared twice`);
    parameters.add(name);
  }
  for (const v of visited) {
    for (const member of ['SourceParameterName', 'ParameterName'] as const) {
      const name = v.value[member];
      if (typeof name === 'string' && !parameters.has(name))
        at(
          [...v.path, member],
          `no parameter '${name}' in ParameterDeclarations${didYouMean(name, parameters)}`,
        );
    }
  }
}

/** Sheets, visuals, controls and their ids: unique where QuickSight needs them to be. */
function checkSheetElements(ctx: DefinitionContext): Map<string, SheetElements> {
  const { at } = ctx;
  const sheets = new Map<string, SheetElements>();
  const visualIds = new Map<string, string>();
  const filterControlIds = new Set<string>();
  sheetsOf(ctx.def).forEach((sheet, i) => {
    if (!isRecord(sheet) || typeof sheet.SheetId !== 'string') return;
    const sheetId = sheet.SheetId;
    const path: PathPart[] = ['Sheets', i];
    if (sheets.has(sheetId)) at([...path, 'SheetId'], `SheetId '${sheetId}' is used by another sheet`);
    const elements = new Map<string, string>();
    sheets.set(sheetId, { path, elements });
    const add = (id: unknown, type: string, p: PathPart[]) => {
      if (typeof id !== 'string') return;
      if (elements.has(id)) at(p, `id '${id}' is used twice on sheet '${sheetId}'`);
      elements.set(id, type);
    };
    (Array.isArray(sheet.Visuals) ? sheet.Visuals : []).forEach((visual, j) => {
      if (!isRecord(visual)) return;
      const kinds = Object.keys(visual);
      if (kinds.length !== 1) {
        at(
          [...path, 'Visuals', j],
          `a visual has exactly one member (its type), found ${kinds.length ? kinds.join(', ') : 'none'}`,
        );
        return;
      }
      const kind = kinds[0] as string;
      const body = visual[kind];
      if (!isRecord(body) || typeof body.VisualId !== 'string') return;
      const idPath = [...path, 'Visuals', j, kind, 'VisualId'];
      const other = visualIds.get(body.VisualId);
      if (other) at(idPath, `VisualId '${body.VisualId}' is also used on sheet '${other}'`);
      else visualIds.set(body.VisualId, sheetId);
      add(body.VisualId, 'VISUAL', idPath);
    });
    (Array.isArray(sheet.FilterControls) ? sheet.FilterControls : []).forEach((control, j) => {
      if (!isRecord(control)) return;
      for (const [kind, body] of Object.entries(control)) {
        if (!isRecord(body) || typeof body.FilterControlId !== 'string') continue;
        const p = [...path, 'FilterControls', j, kind, 'FilterControlId'];
        if (filterControlIds.has(body.FilterControlId))
          at(p, `FilterControlId '${body.FilterControlId}' is used by another control`);
        filterControlIds.add(body.FilterControlId);
        add(body.FilterControlId, 'FILTER_CONTROL', p);
      }
    });
    (Array.isArray(sheet.ParameterControls) ? sheet.ParameterControls : []).forEach((control, j) => {
      if (!isRecord(control)) return;
      for (const [kind, body] of Object.entries(control))
        if (isRecord(body))
          add(body.ParameterControlId, 'PARAMETER_CONTROL', [
            ...path,
            'ParameterControls',
            j,
            kind,
            'ParameterControlId',
          ]);
    });
    (Array.isArray(sheet.TextBoxes) ? sheet.TextBoxes : []).forEach((box, j) => {
      if (isRecord(box)) add(box.SheetTextBoxId, 'TEXT_BOX', [...path, 'TextBoxes', j, 'SheetTextBoxId']);
    });
    (Array.isArray(sheet.Images) ? sheet.Images : []).forEach((image, j) => {
      if (isRecord(image)) add(image.SheetImageId, 'IMAGE', [...path, 'Images', j, 'SheetImageId']);
    });
  });
  return sheets;
}

/** Layouts place what the sheet has, as what it is; every visual is placed. */
function checkLayouts(ctx: DefinitionContext, sheets: Map<string, SheetElements>): void {
  const { at } = ctx;
  for (const [sheetId, sheet] of sheets) {
    const placed = new Set<string>();
    for (const v of ctx.visited) {
      if (v.shape !== 'GridLayoutElement' && v.shape !== 'FreeFormLayoutElement') continue;
      if (!startsWith(v.path, sheet.path) || v.path.length <= sheet.path.length) continue;
      const id = v.value.ElementId;
      const type = v.value.ElementType;
      if (typeof id !== 'string') continue;
      placed.add(id);
      const actual = sheet.elements.get(id);
      if (!actual)
        at(
          [...v.path, 'ElementId'],
          `the layout places '${id}', which is not on sheet '${sheetId}'${didYouMean(id, sheet.elements.keys())}`,
        );
      else if (typeof type === 'string' && type !== actual)
        at([...v.path, 'ElementType'], `'${id}' is a ${actual}, not a ${type}`);
    }
    if (placed.size > 0)
      for (const [id, type] of sheet.elements)
        if (type === 'VISUAL' && !placed.has(id))
          at([...sheet.path, 'Layouts'], `visual '${id}' is on sheet '${sheetId}' but no layout places it`, {
            severity: 'warning',
          });
  }
}

/** Filters: ids, controls, scopes. */
function checkFilters(ctx: DefinitionContext, sheets: Map<string, SheetElements>): void {
  const { at, visited } = ctx;
  const filterIds = new Set<string>();
  const filterGroupIds = new Set<string>();
  for (const v of shapesNamed(ctx, 'FilterGroup')) {
    const id = v.value.FilterGroupId;
    if (typeof id === 'string') {
      if (filterGroupIds.has(id)) at([...v.path, 'FilterGroupId'], `FilterGroupId '${id}' is used twice`);
      filterGroupIds.add(id);
    }
  }
  for (const v of visited) {
    // A filter: FilterGroups[i].Filters[j].<kind of filter>.
    if (typeof v.value.FilterId !== 'string' || v.path[v.path.length - 3] !== 'Filters') continue;
    if (filterIds.has(v.value.FilterId))
      at([...v.path, 'FilterId'], `FilterId '${v.value.FilterId}' is used twice`);
    filterIds.add(v.value.FilterId);
  }
  for (const v of visited) {
    const source = v.value.SourceFilterId;
    if (typeof source === 'string' && !filterIds.has(source))
      at(
        [...v.path, 'SourceFilterId'],
        `no filter with FilterId '${source}'${didYouMean(source, filterIds)}`,
      );
  }
  for (const v of shapesNamed(ctx, 'SheetVisualScopingConfiguration')) {
    const sheetId = v.value.SheetId;
    if (typeof sheetId !== 'string') continue;
    const sheet = sheets.get(sheetId);
    if (!sheet) {
      at([...v.path, 'SheetId'], `no sheet '${sheetId}'${didYouMean(sheetId, sheets.keys())}`);
      continue;
    }
    const ids = Array.isArray(v.value.VisualIds) ? v.value.VisualIds : [];
    ids.forEach((id, i) => {
      if (typeof id === 'string' && sheet.elements.get(id) !== 'VISUAL')
        at(
          [...v.path, 'VisualIds', i],
          `no visual '${id}' on sheet '${sheetId}'${didYouMean(id, visualsOn(sheet))}`,
        );
    });
  }
}

/** Within each visual: one data set, field ids defined once, references to defined field ids. */
function checkVisualFields(ctx: DefinitionContext): void {
  sheetsOf(ctx.def).forEach((sheet, i) => {
    if (!isRecord(sheet)) return;
    (Array.isArray(sheet.Visuals) ? sheet.Visuals : []).forEach((_, j) => {
      const vpath: PathPart[] = ['Sheets', i, 'Visuals', j];
      checkVisual(
        ctx,
        ctx.visited.filter((v) => startsWith(v.path, vpath) && v.path.length > vpath.length),
      );
    });
  });
}

/** One visual, given everything inside it. */
function checkVisual(ctx: DefinitionContext, inside: Visited[]): void {
  const { at } = ctx;
  const defined = new Map<string, PathPart[]>();
  for (const v of inside) {
    if (!FIELD_DEFINITIONS.has(v.shape) || typeof v.value.FieldId !== 'string') continue;
    if (defined.has(v.value.FieldId))
      at([...v.path, 'FieldId'], `FieldId '${v.value.FieldId}' is defined twice in this visual`);
    defined.set(v.value.FieldId, v.path);
  }
  for (const v of inside) {
    if (FIELD_DEFINITIONS.has(v.shape)) continue;
    for (const member of ['FieldId', 'MeasureFieldId'] as const) {
      const ref = v.value[member];
      if (typeof ref === 'string' && !defined.has(ref))
        at(
          [...v.path, member],
          `no field '${ref}' in this visual's field wells${didYouMean(ref, defined.keys())}`,
        );
    }
  }
  const used = new Map<string, PathPart[]>();
  for (const v of inside)
    if (v.shape === 'ColumnIdentifier' && typeof v.value.DataSetIdentifier === 'string')
      if (!used.has(v.value.DataSetIdentifier)) used.set(v.value.DataSetIdentifier, v.path);
  if (used.size > 1) {
    const [, second] = [...used.entries()];
    at(
      [...(second as [string, PathPart[]])[1], 'DataSetIdentifier'],
      `a visual reads one data set; this one uses ${[...used.keys()].map((k) => `'${k}'`).join(' and ')}`,
    );
  }
  const [only] = used.keys();
  if (only && ctx.declared.has(only))
    for (const v of inside)
      if (v.shape === 'CalculatedMeasureField' && typeof v.value.Expression === 'string')
        for (const ref of expressionReferences(v.value.Expression))
          checkColumn(ctx, only, ref, [...v.path, 'Expression'], 'the expression refers to column');
}

function visualsOn(sheet: { elements: Map<string, string> }): string[] {
  return [...sheet.elements].filter(([, t]) => t === 'VISUAL').map(([id]) => id);
}
