/**
 * One shape for QuickSight bodies, whoever wrote them: the repository (desired) or AWS (what the
 * Describe* calls send back). `normalizeBody` runs on both sides, so key order, members AWS fills
 * in with their default value, read-only members and empty containers never show as a change.
 *
 * What it does, in order:
 *   1. keeps only the members of the kind's Create* request (REQUEST_MEMBERS): Arn, CreatedTime,
 *      LastUpdatedTime, Status, OutputColumns, ConsumedSpiceCapacityInBytes, RequestId, Errors,
 *      ResourceStatus … are read-only and never part of a body;
 *   2. turns timestamps (Date, or ISO text) into `YYYY-MM-DDTHH:MM:SSZ` (milliseconds only when not 0);
 *   3. drops `null`, empty arrays and empty objects, except the members whose presence is the value
 *      (PRESENCE_MEMBERS: `AllSheets: {}` scopes a filter group to every sheet);
 *   4. drops members whose value is what AWS fills in when the member is left out (QUICKSIGHT_DEFAULTS);
 *   5. sorts arrays the API treats as sets (SET_ARRAYS); every other array keeps its order, which
 *      matters in QuickSight (field wells, sort order, sheets, layout elements);
 *   6. sorts object keys recursively.
 * The result is a valid request body with the same meaning, so it is also what apply sends.
 *
 * Pure: no SDK, no I/O; inputs are never mutated.
 */

import type { QuickSightKind, QuickSightPermission } from '../model/quicksight.js';
import { compareText, deepEqual, isRecord } from '../model/values.js';

export type JsonObject = Record<string, unknown>;

/**
 * The members a body of each kind may have: those of the Create* request, less AwsAccountId,
 * Permissions, Tags, FolderArns and Credentials, which the tool handles itself (or never).
 */
export const REQUEST_MEMBERS: Record<QuickSightKind, readonly string[]> = {
  'quicksight-data-source': [
    'DataSourceId',
    'Name',
    'Type',
    'DataSourceParameters',
    'VpcConnectionProperties',
    'SslProperties',
  ],
  'quicksight-data-set': [
    'DataSetId',
    'Name',
    'PhysicalTableMap',
    'LogicalTableMap',
    'ImportMode',
    'ColumnGroups',
    'FieldFolders',
    'RowLevelPermissionDataSet',
    'RowLevelPermissionTagConfiguration',
    'ColumnLevelPermissionRules',
    'DataSetUsageConfiguration',
    'DatasetParameters',
    'PerformanceConfiguration',
    'UseAs',
    'DataPrepConfiguration',
    'SemanticModelConfiguration',
  ],
  // RefreshSchedule (less its Arn) plus the data set it belongs to.
  'quicksight-refresh-schedule': [
    'DataSetId',
    'ScheduleId',
    'ScheduleFrequency',
    'RefreshType',
    'StartAfterDateTime',
  ],
  'quicksight-analysis': ['AnalysisId', 'Name', 'Definition', 'ThemeArn'],
  'quicksight-dashboard': ['DashboardId', 'Name', 'Definition', 'ThemeArn', 'DashboardPublishOptions'],
};

/** The member of a body that holds the resource's id. */
export const ID_MEMBERS: Record<QuickSightKind, string> = {
  'quicksight-data-source': 'DataSourceId',
  'quicksight-data-set': 'DataSetId',
  'quicksight-refresh-schedule': 'ScheduleId',
  'quicksight-analysis': 'AnalysisId',
  'quicksight-dashboard': 'DashboardId',
};

/**
 * Members kept even when empty: their presence is the value. `FilterScopeConfiguration.AllSheets`
 * and `AxisDisplayRange.DataDriven` are structures without members (found by listing the SDK's
 * schemas for structures with no members); `AxisScale.Linear` / `.Logarithmic` choose the scale.
 */
export const PRESENCE_MEMBERS: ReadonlySet<string> = new Set([
  'AllSheets',
  'DataDriven',
  'Linear',
  'Logarithmic',
]);

/**
 * A member whose value equals what AWS fills in when it is left out. `path` is the member's path
 * from the body: keys joined by `.`, `[]` for any element of an array, `*` for any one key.
 */
export interface DefaultRule {
  path: string;
  value: unknown;
  /** Where the default was seen or read. */
  source: string;
}

const CID = 'console exports in aws-samples/aws-cudos-framework-deployment dashboards/*-definition.yaml';
const DEFINITION_DEFAULTS: DefaultRule[] = [
  {
    path: 'Definition.AnalysisDefaults.DefaultNewSheetConfiguration.SheetContentType',
    value: 'INTERACTIVE',
    source: `${CID}: every definition carries it`,
  },
  {
    path: 'Definition.AnalysisDefaults.DefaultNewSheetConfiguration.InteractiveLayoutConfiguration.Grid.CanvasSizeOptions.ScreenCanvasSizeOptions',
    value: { OptimizedViewPortWidth: '1600px', ResizeOption: 'FIXED' },
    source: `${CID}: 4 of 5 definitions (the fifth chose 1280px)`,
  },
  {
    path: 'Definition.Options.WeekStart',
    value: 'SUNDAY',
    source: `${CID}: Options is {} or {WeekStart: SUNDAY}`,
  },
  { path: 'Definition.Sheets[].ContentType', value: 'INTERACTIVE', source: `${CID}: 39 of 39 sheets` },
  {
    path: 'Definition.FilterGroups[].Status',
    value: 'ENABLED',
    source: `${CID}: 1591 of 1591 filter groups carry Status (1500 ENABLED)`,
  },
  {
    path: 'Definition.Sheets[].Visuals[].*.Title.Visibility',
    value: 'VISIBLE',
    source: `${CID}: 550 of 550 visuals carry Title with Visibility`,
  },
  {
    path: 'Definition.Sheets[].Visuals[].*.Subtitle.Visibility',
    value: 'VISIBLE',
    source: `${CID}: 550 of 550 visuals carry Subtitle, 332 of them only {Visibility: VISIBLE}`,
  },
  {
    path: 'Definition.ParameterDeclarations[].*.ValueWhenUnset',
    value: { ValueWhenUnsetOption: 'RECOMMENDED_VALUE' },
    source: `${CID}: 87 of 87 parameter declarations carry ValueWhenUnset`,
  },
];

const PUBLISH_OPTIONS_DOC =
  'QuickSight API reference, DescribeDashboardDefinition / DashboardPublishOptions: "This option is … by default"';
const PUBLISH_OPTION_DEFAULTS: DefaultRule[] = [
  ['AdHocFilteringOption.AvailabilityStatus', 'ENABLED'],
  ['ExportToCSVOption.AvailabilityStatus', 'ENABLED'],
  ['SheetControlsOption.VisibilityState', 'COLLAPSED'],
  ['ExecutiveSummaryOption.AvailabilityStatus', 'ENABLED'],
  ['DataStoriesSharingOption.AvailabilityStatus', 'ENABLED'],
  ['QuickSuiteActionsOption.AvailabilityStatus', 'DISABLED'],
].map(([path, value]) => ({
  path: `DashboardPublishOptions.${path}`,
  value,
  source: PUBLISH_OPTIONS_DOC,
}));

/** Every default dropped, by kind. Empty arrays and objects are dropped everywhere besides these. */
export const QUICKSIGHT_DEFAULTS: Record<QuickSightKind, readonly DefaultRule[]> = {
  'quicksight-data-source': [
    {
      path: 'SslProperties.DisableSsl',
      value: false,
      source: 'DescribeDataSource returns SslProperties {DisableSsl: false} for a source created without it',
    },
  ],
  'quicksight-data-set': [
    {
      path: 'DataSetUsageConfiguration.DisableUseAsDirectQuerySource',
      value: false,
      source: 'DescribeDataSet; terraform-provider-aws keeps data_set_usage_configuration computed',
    },
    {
      path: 'DataSetUsageConfiguration.DisableUseAsImportedSource',
      value: false,
      source: 'DescribeDataSet; terraform-provider-aws keeps data_set_usage_configuration computed',
    },
  ],
  'quicksight-refresh-schedule': [],
  'quicksight-analysis': DEFINITION_DEFAULTS,
  'quicksight-dashboard': [...DEFINITION_DEFAULTS, ...PUBLISH_OPTION_DEFAULTS],
};

/** An array whose order AWS does not keep: sorted by `key` on both sides. */
export interface SetArray {
  path: string;
  key: (item: unknown) => string;
  source: string;
}

const DEFINITION_SETS: SetArray[] = [
  {
    path: 'Definition.DataSetIdentifierDeclarations',
    key: (item) => text(field(item, 'Identifier')),
    source: 'hashicorp/terraform-provider-aws#36733, #42005: AWS reorders them',
  },
  {
    path: 'Definition.ParameterDeclarations',
    key: (item) => text(field(firstValue(item), 'Name')),
    source: 'hashicorp/terraform-provider-aws#32996: AWS reorders them',
  },
  {
    path: 'Definition.CalculatedFields',
    key: (item) => `${text(field(item, 'DataSetIdentifier'))}\u0000${text(field(item, 'Name'))}`,
    source: 'hashicorp/terraform-provider-aws#32997: AWS reorders them',
  },
];

export const SET_ARRAYS: Record<QuickSightKind, readonly SetArray[]> = {
  'quicksight-data-source': [],
  'quicksight-data-set': [],
  'quicksight-refresh-schedule': [],
  'quicksight-analysis': DEFINITION_SETS,
  'quicksight-dashboard': DEFINITION_SETS,
};

/** Members holding a timestamp outside a Definition (inside one, any Date is turned into text). */
const TIMESTAMP_MEMBERS: ReadonlySet<string> = new Set(['StartAfterDateTime']);

const DROP = Symbol('drop');

/** The normalised form of a body of `kind`; see the module comment. */
export function normalizeBody(kind: QuickSightKind, body: Readonly<JsonObject>): JsonObject {
  const allowed = new Set(REQUEST_MEMBERS[kind]);
  const rules = compile(QUICKSIGHT_DEFAULTS[kind]);
  const sets = SET_ARRAYS[kind].map((set) => ({ ...set, parts: set.path.split('.') }));
  const out: JsonObject = {};
  for (const key of Object.keys(body).sort(compareText)) {
    if (!allowed.has(key)) continue;
    const value = normalizeValue(body[key], [key], key, rules, sets);
    if (value === DROP || isDefault(rules, [key], value)) continue;
    out[key] = value;
  }
  return out;
}

interface CompiledRule {
  parts: string[];
  value: unknown;
}

function compile(rules: readonly DefaultRule[]): CompiledRule[] {
  return rules.map((rule) => ({ parts: splitPath(rule.path), value: rule.value }));
}

/** `a.b[].c` → ['a', 'b', '[]', 'c']. */
function splitPath(path: string): string[] {
  return path.split('.').flatMap((part) => (part.endsWith('[]') ? [part.slice(0, -2), '[]'] : [part]));
}

function matches(pattern: readonly string[], path: readonly string[]): boolean {
  if (pattern.length !== path.length) return false;
  return pattern.every((part, i) => part === '*' || part === path[i]);
}

function isDefault(rules: readonly CompiledRule[], path: readonly string[], value: unknown): boolean {
  return rules.some((rule) => matches(rule.parts, path) && deepEqualJson(rule.value, value));
}

function normalizeValue(
  value: unknown,
  path: string[],
  key: string,
  rules: readonly CompiledRule[],
  sets: readonly (SetArray & { parts: string[] })[],
): unknown {
  if (value === null || value === undefined) return DROP;
  if (value instanceof Date) return timestampText(value);
  if (typeof value === 'string' && TIMESTAMP_MEMBERS.has(key)) return timestampText(value);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const normalized = normalizeValue(item, [...path, '[]'], key, rules, sets);
      // An element is never dropped (its position may matter): an emptied one stays as {}.
      items.push(normalized === DROP ? emptyLike(item) : normalized);
    }
    if (items.length === 0) return DROP;
    const set = sets.find((s) => s.parts.join('.') === path.join('.'));
    return set ? [...items].sort((a, b) => compareText(set.key(a), set.key(b))) : items;
  }
  if (isRecord(value)) {
    const out: JsonObject = {};
    for (const member of Object.keys(value).sort(compareText)) {
      const childPath = [...path, member];
      const child = normalizeValue(value[member], childPath, member, rules, sets);
      if (child === DROP || isDefault(rules, childPath, child)) continue;
      out[member] = child;
    }
    if (Object.keys(out).length === 0 && !PRESENCE_MEMBERS.has(key)) return DROP;
    return out;
  }
  return value;
}

function emptyLike(item: unknown): unknown {
  return Array.isArray(item) ? [] : isRecord(item) ? {} : null;
}

/** `2025-06-01T00:00:00Z`; milliseconds only when there are some. Text that is no date is kept. */
export function timestampText(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toISOString().replace('.000Z', 'Z');
}

/** A permission in the model's form (`principal`, `actions`) or the API's (`Principal`, `Actions`). */
export interface PermissionLike {
  principal?: string | undefined;
  Principal?: string | undefined;
  actions?: readonly string[] | undefined;
  Actions?: readonly string[] | undefined;
}

/**
 * Permissions in their one order: merged by principal, sorted by principal, actions sorted and
 * unique (the API treats both as sets; hashicorp/terraform-provider-awscc#2310,
 * hashicorp/terraform-provider-aws#32645). Principals left with no action are dropped.
 */
export function normalizePermissions(
  permissions: ReadonlyArray<PermissionLike> = [],
): QuickSightPermission[] {
  const byPrincipal = new Map<string, Set<string>>();
  for (const permission of permissions) {
    const principal = permission.principal ?? permission.Principal ?? '';
    if (principal === '') continue;
    const actions = byPrincipal.get(principal) ?? new Set<string>();
    for (const action of permission.actions ?? permission.Actions ?? []) actions.add(action);
    byPrincipal.set(principal, actions);
  }
  return [...byPrincipal]
    .filter(([, actions]) => actions.size > 0)
    .sort(([a], [b]) => compareText(a, b))
    .map(([principal, actions]) => ({ principal, actions: [...actions].sort(compareText) }));
}

export interface PlaceholderContext {
  accountId: string;
  region: string;
  workgroup: string;
  database: string;
}

const QUICKSIGHT_ARN = /^arn:(aws[a-z-]*):quicksight:([^:]*):([^:]*):(dataset|datasource)\/(.+)$/;
const ANY_ARN = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s;

/**
 * The body as the repository writes it, with placeholders where it names this account:
 * data set and data source ARNs of this account and region → `${dataSet:<id>}` / `${dataSource:<id>}`;
 * the region and account segments of any other ARN in this account → `${aws:region}` / `${aws:accountId}`;
 * an Athena `WorkGroup` equal to the workgroup → `${athena:workgroup}`; a data set table's `Schema`
 * equal to the database → `${glue:database}`, and `"<database>".` in custom SQL likewise.
 */
export function placeholderize<T>(body: T, ctx: PlaceholderContext): T {
  return placeholderizeValue(body, '', ctx) as T;
}

function placeholderizeValue(value: unknown, key: string, ctx: PlaceholderContext): unknown {
  if (Array.isArray(value)) return value.map((item) => placeholderizeValue(item, key, ctx));
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as JsonObject).map(([member, child]) => [
        member,
        placeholderizeValue(child, member, ctx),
      ]),
    );
  }
  if (typeof value !== 'string') return value;
  if (key === 'WorkGroup' && value === ctx.workgroup) return placeholder('athena:workgroup');
  if (key === 'Schema' && value === ctx.database) return placeholder('glue:database');
  if (key === 'SqlQuery' && ctx.database !== '') {
    return value.split(`"${ctx.database}".`).join(`"${placeholder('glue:database')}".`);
  }
  const quicksight = QUICKSIGHT_ARN.exec(value);
  if (quicksight && quicksight[2] === ctx.region && quicksight[3] === ctx.accountId) {
    const id = quicksight[5] ?? '';
    return placeholder(`${quicksight[4] === 'dataset' ? 'dataSet' : 'dataSource'}:${id}`);
  }
  const arn = ANY_ARN.exec(value);
  // Only ARNs in this account: another account's ARN means the same wherever the files deploy.
  if (arn && ctx.accountId !== '' && arn[4] === ctx.accountId) {
    const region = arn[3] === ctx.region && ctx.region !== '' ? placeholder('aws:region') : arn[3];
    return `arn:${arn[1]}:${arn[2]}:${region}:${placeholder('aws:accountId')}:${arn[5]}`;
  }
  return value;
}

/** `${name}`: a placeholder as the repository writes it. */
export function placeholder(name: string): string {
  return `\${${name}}`;
}

/** JSON with keys sorted at every depth, two-space indent and a trailing newline: the repository's file form. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return timestampText(value);
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort(compareText)
        .map((key) => [key, sortKeys(value[key])]),
    );
  }
  return value;
}

/**
 * Equality of JSON-like values; object key order does not matter, array order does. A Date
 * equals a string (or Date) with the same timestamp text: the SDK gives Dates, files hold text.
 */
export function deepEqualJson(a: unknown, b: unknown): boolean {
  return deepEqual(a, b, sameTimestamp);
}

/** Decides a pair with a Date in it by timestamp text; leaves any other pair to deepEqual. */
function sameTimestamp(a: unknown, b: unknown): boolean | undefined {
  if (!(a instanceof Date || b instanceof Date)) return undefined;
  return (a instanceof Date || typeof a === 'string') && (b instanceof Date || typeof b === 'string')
    ? timestampText(a) === timestampText(b)
    : false;
}

function field(item: unknown, name: string): unknown {
  return typeof item === 'object' && item !== null ? (item as JsonObject)[name] : undefined;
}

/** The value of a one-member object (a union such as `{StringParameterDeclaration: {…}}`). */
function firstValue(item: unknown): unknown {
  if (typeof item !== 'object' || item === null) return undefined;
  const values = Object.values(item as JsonObject);
  return values[0];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? '');
}

// ---------------------------------------------------------------------------------------------
// What the Describe* calls return, as bodies (before normalizeBody).

/** DescribeDataSource's DataSource as a body. */
export function dataSourceBody(dataSource: object): JsonObject {
  return pick(dataSource, REQUEST_MEMBERS['quicksight-data-source']);
}

/** DescribeDataSet's DataSet as a body. */
export function dataSetBody(dataSet: object): JsonObject {
  return pick(dataSet, REQUEST_MEMBERS['quicksight-data-set']);
}

/** A RefreshSchedule of ListRefreshSchedules / DescribeRefreshSchedule, with its data set, as a body. */
export function refreshScheduleBody(dataSetId: string, schedule: object): JsonObject {
  return { ...pick(schedule, REQUEST_MEMBERS['quicksight-refresh-schedule']), DataSetId: dataSetId };
}

/** DescribeAnalysisDefinition's answer as a body. */
export function analysisBody(answer: object): JsonObject {
  return pick(answer, REQUEST_MEMBERS['quicksight-analysis']);
}

/** DescribeDashboardDefinition's answer as a body. */
export function dashboardBody(answer: object): JsonObject {
  return pick(answer, REQUEST_MEMBERS['quicksight-dashboard']);
}

function pick(source: object, members: readonly string[]): JsonObject {
  const record = source as JsonObject;
  const out: JsonObject = {};
  for (const member of members) if (record[member] !== undefined) out[member] = record[member];
  return out;
}

/**
 * Members AWS sets on its own when a request leaves them out, to be ignored on the current side
 * when the desired body does not set them:
 *   refresh schedule `StartAfterDateTime` (AWS puts the creation time there),
 *   analysis / dashboard `ThemeArn` (the account's default theme),
 *   data set `LogicalTableMap` when it is the one AWS generates: one entry per physical table,
 *   each only naming its table (`Alias`, `Source.PhysicalTableId`), with no transforms.
 */
export function withoutServerChosen(
  kind: QuickSightKind,
  current: Readonly<JsonObject>,
  desired: Readonly<JsonObject>,
): JsonObject {
  const out: JsonObject = { ...current };
  const omitted = (member: string) => desired[member] === undefined && out[member] !== undefined;
  if (kind === 'quicksight-refresh-schedule' && omitted('StartAfterDateTime')) delete out.StartAfterDateTime;
  if ((kind === 'quicksight-analysis' || kind === 'quicksight-dashboard') && omitted('ThemeArn'))
    delete out.ThemeArn;
  if (kind === 'quicksight-data-set' && omitted('LogicalTableMap') && isGeneratedLogicalTableMap(out)) {
    delete out.LogicalTableMap;
  }
  return out;
}

function isGeneratedLogicalTableMap(dataSet: Readonly<JsonObject>): boolean {
  const physical = dataSet.PhysicalTableMap;
  const logical = dataSet.LogicalTableMap;
  if (typeof physical !== 'object' || physical === null || typeof logical !== 'object' || logical === null) {
    return false;
  }
  const physicalIds = new Set(Object.keys(physical));
  const tables = Object.values(logical as JsonObject);
  if (tables.length !== physicalIds.size) return false;
  return tables.every((table) => {
    if (typeof table !== 'object' || table === null) return false;
    const { Alias, Source, ...rest } = table as JsonObject;
    const sourceId = field(Source, 'PhysicalTableId');
    const sourceKeys = typeof Source === 'object' && Source !== null ? Object.keys(Source) : [];
    const transforms = rest.DataTransforms;
    const otherMembers = Object.keys(rest).filter((k) => k !== 'DataTransforms');
    return (
      typeof Alias === 'string' &&
      typeof sourceId === 'string' &&
      physicalIds.has(sourceId) &&
      sourceKeys.length === 1 &&
      otherMembers.length === 0 &&
      (transforms === undefined || (Array.isArray(transforms) && transforms.length === 0))
    );
  });
}
