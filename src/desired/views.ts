/**
 * The Athena views: those of sql/views/ with their placeholders filled in, and the ones
 * generated from config/: `accounts`, `catalog_rules` and `exceptions` over the reference tables
 * (desired/reference-data.ts), and `projection` (accounts × regions), so that configuration
 * reaches SQL as data and no statement grows with the organization.
 * Pure: no I/O.
 */

import { orderViews, type Placeholder } from '../load/views.js';
import type { Repository, ViewSource } from '../model/config.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { type AthenaViewProperties, type DesiredResource, resourceKey } from '../model/resources.js';
import { EVALUATIONS_TABLE, FILES_TABLE } from './compacted-tables.js';
import { referenceTableName, referenceTables, referenceViewSql } from './reference-data.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,254}$/;

export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name))
    throw new Error(`'${name}' is not a valid SQL identifier here (${IDENTIFIER.source})`);
  return `"${name}"`;
}

export function stringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

type Cell = string | number | boolean | null | { date: string };

function literal(v: Cell, type: string): string {
  if (v === null) return `CAST(NULL AS ${type})`;
  if (typeof v === 'object') return `DATE ${stringLiteral(v.date)}`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`only whole numbers go into generated views, got ${v}`);
    return String(v);
  }
  return stringLiteral(v);
}

/** `SELECT * FROM (VALUES …) AS t(…)`, typed by its first row; an empty table is a typed SELECT … WHERE false. */
export function valuesView(columns: [name: string, type: string][], rows: Cell[][]): string {
  const names = columns.map(([n]) => quoteIdentifier(n));
  if (rows.length === 0) {
    const cols = columns.map(([n, t]) => `CAST(NULL AS ${t}) AS ${quoteIdentifier(n)}`).join(', ');
    return `SELECT ${cols}\nWHERE false`;
  }
  const lines = rows.map(
    (row) =>
      `  (${row.map((v, i) => (i < columns.length ? literal(v, (columns[i] as [string, string])[1]) : '')).join(', ')})`,
  );
  // Typed casts on the first row fix each column's type in both engines.
  const first = rows[0] as Cell[];
  lines[0] = `  (${first.map((v, i) => `CAST(${literal(v, (columns[i] as [string, string])[1])} AS ${(columns[i] as [string, string])[1]})`).join(', ')})`;
  return `SELECT *\nFROM (\n  VALUES\n${lines.join(',\n')}\n) AS t(${names.join(', ')})`;
}

/**
 * `projection`: every (account, region) pair the Glue table's projection enumerates, from the
 * accounts table (its `in_projection`) and the regions of config/org.yaml: a statement that grows
 * with the regions only.
 */
export function projectionViewSql(database: string, accountsTable: string, regions: string[]): string {
  const values = valuesView(
    [['region', 'varchar']],
    regions.map((r) => [r]),
  );
  return [
    'SELECT',
    '  a."account_id",',
    '  r."region"',
    `FROM "${database}"."${accountsTable}" AS a`,
    `CROSS JOIN (\n${values.replace(/^/gm, '  ')}\n) AS r`,
    'WHERE a."in_projection"',
  ].join('\n');
}

/** Fills a view's placeholders. Names are quoted identifiers, settings numbers or escaped literals. */
export function renderView(text: string, repo: Pick<Repository, 'org'>): string {
  const { org } = repo;
  const tag = org.compliance.excludeTag;
  const values: Record<Placeholder, string> = {
    db: quoteIdentifier(org.glue.database),
    table: `${quoteIdentifier(org.glue.database)}.${quoteIdentifier(org.glue.table)}`,
    evaluations: `${quoteIdentifier(org.glue.database)}.${quoteIdentifier(EVALUATIONS_TABLE)}`,
    evaluation_files: `${quoteIdentifier(org.glue.database)}.${quoteIdentifier(FILES_TABLE)}`,
    window_days: String(org.compliance.windowDays),
    trend_days: String(org.compliance.trendDays),
    stale_after_days: String(org.compliance.staleAfterDays),
    exclude_tag_key: tag ? stringLiteral(tag.key) : 'CAST(NULL AS varchar)',
    exclude_tag_value: tag ? stringLiteral(tag.value) : 'CAST(NULL AS varchar)',
  };
  return text.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    const v = values[name as Placeholder];
    if (v === undefined) throw new Error(`unknown placeholder {{${name}}}`);
    return v;
  });
}

/**
 * The view's SQL as it is deployed and compared: without a byte-order mark, with LF line ends
 * (a checkout with CRLF is the same view) and without surrounding whitespace.
 */
export function viewBody(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .trim();
}

export interface DesiredViewOptions {
  today: string;
}

/** All views, generated ones first, each with its rank (creation order). */
export function desiredViews(
  repo: Repository,
  options: DesiredViewOptions,
): DesiredResource<'athena-view'>[] {
  const { org } = repo;
  const database = org.glue.database;
  const tables = referenceTables(repo, options.today);
  const generated: ViewSource[] = [
    ...tables.map((table) => ({
      name: table.view,
      file: `(generated from ${table.source})`,
      text: referenceViewSql(database, table),
    })),
    {
      name: 'projection',
      file: '(generated from config/accounts.yaml and config/org.yaml)',
      text: projectionViewSql(database, referenceTableName('accounts'), org.regions),
    },
  ];
  const { ordered, diagnostics } = orderViews(repo.views);
  if (diagnostics.length)
    throw new Error(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n'));
  const all = [...generated, ...ordered];
  return all.map((v, i) => ({
    kind: 'athena-view',
    key: resourceKey('athena-view', org.glue.region, `${org.glue.database}.${v.name}`),
    region: org.glue.region,
    rank: i,
    properties: { database: org.glue.database, name: v.name, sql: viewBody(renderView(v.text, repo)) },
  }));
}

/** Athena refuses a query string longer than this many bytes (a fixed quota, not adjustable). */
export const ATHENA_QUERY_MAX_BYTES = 262_144;

/** `CREATE OR REPLACE VIEW "<database>"."<name>" AS` + a newline + the view's SQL: what apply sends. */
export function createViewStatement(view: AthenaViewProperties): string {
  return `CREATE OR REPLACE VIEW "${view.database}"."${view.name}" AS\n${view.sql}`;
}

/**
 * An error for every view whose CREATE VIEW statement would be longer than Athena takes, at the
 * view's file (or naming the generated view), before anything is sent.
 */
export function statementDiagnostics(repo: Repository, options: DesiredViewOptions): Diagnostic[] {
  const files = new Map(repo.views.map((v) => [v.name, v.file]));
  const diagnostics: Diagnostic[] = [];
  for (const view of desiredViews(repo, options)) {
    const bytes = new TextEncoder().encode(createViewStatement(view.properties)).length;
    if (bytes <= ATHENA_QUERY_MAX_BYTES) continue;
    const name = view.properties.name;
    diagnostics.push({
      severity: 'error',
      file: files.get(name) ?? `(generated view ${name})`,
      line: 1,
      column: 1,
      field: '',
      message: `view ${name}: its CREATE VIEW statement would be ${bytes.toLocaleString('en-US')} bytes, over Athena's limit of ${ATHENA_QUERY_MAX_BYTES.toLocaleString('en-US')} bytes for one query; move data out of the SQL (a table) or split the view`,
    });
  }
  return diagnostics;
}
