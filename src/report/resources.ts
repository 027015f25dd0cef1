/**
 * The report's failing resources: the failing_resources view's rows (one per NON_COMPLIANT
 * catalog evaluation on the newest snapshots, excluded ones flagged), oldest failure first, as
 * JSON (`resources`: the first N and the total), Markdown, HTML and CSV (every row). Pure.
 */
import { htmlText as esc, markdownCell as md } from './escape.js';

/** One failing (account, region, rule, resource) as the JSON report gives it. */
export interface FailingResource {
  accountId: string;
  accountName: string | null;
  ou: string | null;
  owner: string | null;
  region: string;
  rule: string;
  category: string | null;
  severity: string | null;
  resourceType: string;
  resourceId: string;
  /** The first day of the current run of failures, `YYYY-MM-DD` (at least that old when it is the trend window's first day). */
  firstSeen: string;
  /** Days from firstSeen to the report's day. */
  daysFailing: number;
  excluded: boolean;
  exclusionReason: string | null;
}

/** The first `shown` failing resources of `total`, oldest failure first. */
export interface ResourceList {
  total: number;
  shown: number;
  items: FailingResource[];
}

/** How many failing resources the JSON report carries unless told otherwise (`report --resources`). */
export const DEFAULT_RESOURCES_SHOWN = 100;

/** The view's columns, in its order: the CSV's header. */
export const FAILING_RESOURCE_COLUMNS = [
  'account_id',
  'account_name',
  'ou',
  'owner',
  'region',
  'rule',
  'category',
  'severity',
  'resource_type',
  'resource_id',
  'first_seen',
  'days_failing',
  'excluded',
  'exclusion_reason',
] as const;

/**
 * Oldest failure first; then by account, region, rule and resource, so that the order (and the
 * first N) is the same on every engine and every run.
 */
const ORDER = 'days_failing DESC, account_id, region, rule, resource_type, resource_id';

/**
 * `FROM … failing_resources`, only the rules of these severities when given (`--min-severity`),
 * so that the total counts what is listed.
 */
function fromView(database: string, severities: readonly string[] | undefined): string {
  const from = `FROM "${database}".failing_resources`;
  if (severities === undefined) return from;
  if (severities.length === 0) return `${from} WHERE false`;
  return `${from} WHERE severity IN (${severities.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ')})`;
}

/** Every failing resource, in report order: what `report --format csv` writes. */
export function allFailingResourcesSql(database: string, severities?: readonly string[]): string {
  return `SELECT ${FAILING_RESOURCE_COLUMNS.join(', ')} ${fromView(database, severities)} ORDER BY ${ORDER}`;
}

/**
 * The first `limit` failing resources, each row carrying the total (`total`): one query. With a
 * limit of 0, one row with the total alone.
 */
export function failingResourcesSql(database: string, limit: number, severities?: readonly string[]): string {
  if (!Number.isInteger(limit) || limit < 0)
    throw new Error(`the number of resources to show must be a whole number, got ${limit}`);
  if (limit === 0) return `SELECT count(*) AS total ${fromView(database, severities)}`;
  return `SELECT ${FAILING_RESOURCE_COLUMNS.join(', ')}, count(*) OVER () AS total ${fromView(database, severities)} ORDER BY ${ORDER} LIMIT ${limit}`;
}

type Row = Record<string, unknown>;

function text(v: unknown): string | null {
  return v === null || v === undefined || v === '' ? null : String(v);
}

function required(r: Row, column: string): string {
  const v = text(r[column]);
  if (v === null) throw new Error(`failing_resources: ${column} is empty in ${JSON.stringify(r)}`);
  return v;
}

function whole(r: Row, column: string): number {
  const n = Number(required(r, column));
  if (!Number.isInteger(n))
    throw new Error(`failing_resources: ${column} is not a whole number: ${JSON.stringify(r[column])}`);
  return n;
}

/** A row of the view (DuckDB's values or Athena's text) as the JSON report's item. */
export function failingResource(r: Row): FailingResource {
  return {
    accountId: required(r, 'account_id'),
    accountName: text(r.account_name),
    ou: text(r.ou),
    owner: text(r.owner),
    region: required(r, 'region'),
    rule: required(r, 'rule'),
    category: text(r.category),
    severity: text(r.severity),
    resourceType: required(r, 'resource_type'),
    resourceId: required(r, 'resource_id'),
    firstSeen:
      r.first_seen instanceof Date
        ? r.first_seen.toISOString().slice(0, 10)
        : required(r, 'first_seen').slice(0, 10),
    daysFailing: whole(r, 'days_failing'),
    excluded: r.excluded === true || r.excluded === 'true',
    exclusionReason: text(r.exclusion_reason),
  };
}

/** The rows of failingResourcesSql: the items, and the total the first row carries (0 without rows). */
export function resourceList(rows: readonly Row[]): ResourceList {
  // The count alone (a limit of 0) is no resource.
  const items = rows.filter((r) => 'account_id' in r).map(failingResource);
  const first = rows[0];
  const total = first === undefined ? 0 : whole(first, 'total');
  return { total, shown: items.length, items };
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Every failing resource as RFC 4180 CSV: a header row, CRLF line ends, dates as YYYY-MM-DD. */
export function resourcesCsv(rows: readonly Row[]): string {
  const lines = [FAILING_RESOURCE_COLUMNS.join(',')];
  for (const r of rows) {
    const item = failingResource(r);
    lines.push(
      [
        item.accountId,
        item.accountName,
        item.ou,
        item.owner,
        item.region,
        item.rule,
        item.category,
        item.severity,
        item.resourceType,
        item.resourceId,
        item.firstSeen,
        item.daysFailing,
        item.excluded,
        item.exclusionReason,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** "10 of 40 shown", and where to find the rest. */
export function resourcesShownOf(shown: number, total: number): string | undefined {
  return shown < total ? `${shown} of ${total} shown; report --format csv lists them all.` : undefined;
}

function since(item: FailingResource): string {
  return `${item.firstSeen} (${item.daysFailing} d)`;
}

/** The Markdown section's body: the oldest `top` failures, and how many there are. */
export function resourcesMarkdown(list: ResourceList, top: number): string[] {
  if (list.total === 0) return ['No failing resources.'];
  const shown = list.items.slice(0, top);
  const out = [
    '| account | name | region | rule | severity | resource | failing since | excluded |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const x of shown)
    out.push(
      `| \`${x.accountId}\` | ${md(x.accountName ?? '')} | ${x.region} | \`${x.rule}\` | ${x.severity ?? ''} | ${md(x.resourceType)} \`${md(x.resourceId)}\` | ${since(x)} | ${x.excluded ? md(x.exclusionReason ?? 'yes') : ''} |`,
    );
  const note = resourcesShownOf(shown.length, list.total);
  if (note) out.push('', `_${note}_`);
  return out;
}

/** The HTML section's body; `table` is the report's table builder (cells already escaped). */
export function resourcesHtml(
  list: ResourceList,
  top: number,
  table: (head: string[], body: string[][]) => string,
): string {
  if (list.total === 0) return '<p>No failing resources.</p>';
  const shown = list.items.slice(0, top);
  const body = table(
    [
      'account',
      'name',
      'region',
      'rule',
      'severity',
      'resource type',
      'resource',
      'failing since',
      'days',
      'excluded',
    ],
    shown.map((x) => [
      `<code>${esc(x.accountId)}</code>`,
      esc(x.accountName ?? ''),
      esc(x.region),
      `<code>${esc(x.rule)}</code>`,
      esc(x.severity ?? ''),
      esc(x.resourceType),
      `<code>${esc(x.resourceId)}</code>`,
      esc(x.firstSeen),
      String(x.daysFailing),
      esc(x.excluded ? (x.exclusionReason ?? 'yes') : ''),
    ]),
  );
  const note = resourcesShownOf(shown.length, list.total);
  return note ? `${body}\n<p><em>${esc(note)}</em></p>` : body;
}
