/**
 * The Athena views: those of sql/views/ with their placeholders filled in, and the ones
 * generated from config/ (accounts, catalog_rules, exceptions, projection) as VALUES, so that
 * configuration reaches SQL as data and dashboards never depend on a table that may be missing.
 * Pure: no I/O.
 */
import { globToLike } from '../load/exceptions.js';
import { orderViews, type Placeholder } from '../load/views.js';
import type { Account, ExceptionSpec, Repository, RuleSpec, ViewSource } from '../model/config.js';
import { type DesiredResource, resourceKey } from '../model/resources.js';
import { projectedAccounts } from './glue-table.js';

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

function sqlColumnName(key: string): string {
  return key
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^([0-9])/, '_$1');
}

const FIXED_ACCOUNT_COLUMNS = [
  'account_id',
  'account_name',
  'ou',
  'state',
  'joined',
  'closed',
  'in_projection',
  'owner',
];

export function accountsView(accounts: Account[], projected: Set<string>): string {
  const extraKeys = [...new Set(accounts.flatMap((a) => Object.keys(a.extra)))]
    .map((k) => [k, sqlColumnName(k)] as const)
    .filter(([, c]) => !FIXED_ACCOUNT_COLUMNS.includes(c))
    .sort((a, b) => a[1].localeCompare(b[1]));
  const seen = new Set<string>();
  const extras = extraKeys.filter(([, c]) => !seen.has(c) && seen.add(c));
  const columns: [string, string][] = [
    ['account_id', 'varchar'],
    ['account_name', 'varchar'],
    ['ou', 'varchar'],
    ['state', 'varchar'],
    ['joined', 'date'],
    ['closed', 'date'],
    ['in_projection', 'boolean'],
    // Always there (NULL when unset): dashboards filter accounts by owner.
    ['owner', 'varchar'],
    ...extras.map(([, c]) => [c, 'varchar'] as [string, string]),
  ];
  const rows = accounts.map((a): Cell[] => [
    a.id,
    a.name,
    a.ouPath,
    a.state,
    { date: a.joined },
    a.closed ? { date: a.closed } : null,
    projected.has(a.id),
    a.extra.owner === undefined || a.extra.owner === null ? null : String(a.extra.owner),
    ...extras.map(([k]) => {
      const v = a.extra[k];
      if (v === undefined || v === null) return null;
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    }),
  ]);
  return valuesView(columns, rows);
}

export function catalogRulesView(rules: RuleSpec[]): string {
  return valuesView(
    [
      ['rule', 'varchar'],
      ['category', 'varchar'],
      ['identifier', 'varchar'],
      ['regions', 'varchar'],
    ],
    rules.map((r) => [r.name, r.category, r.identifier, r.regions]),
  );
}

/** One row per exception × rule pattern × account (or any) × tag (or none); tag_count says how many tag rows must match. */
export function exceptionsView(exceptions: ExceptionSpec[]): string {
  const rows: Cell[][] = [];
  for (const e of [...exceptions].sort((a, b) => a.id.localeCompare(b.id))) {
    const tags = Object.entries(e.tags).sort(([a], [b]) => a.localeCompare(b));
    const tagRows: [string | null, string | null][] = tags.length ? tags : [[null, null]];
    for (const rule of e.rules) {
      for (const account of e.accounts.length ? e.accounts : [null]) {
        for (const [k, v] of tagRows) {
          rows.push([
            e.id,
            globToLike(rule),
            account,
            globToLike(e.resourceType ?? '*'),
            globToLike(e.resourceId ?? '*'),
            k,
            v,
            tagRows.length,
            e.reason,
            e.owner ?? null,
            e.ticket ?? null,
            { date: e.expires },
          ]);
        }
      }
    }
  }
  return valuesView(
    [
      ['exception_id', 'varchar'],
      ['rule_pattern', 'varchar'],
      ['account_id', 'varchar'],
      ['resource_type_pattern', 'varchar'],
      ['resource_id_pattern', 'varchar'],
      ['tag_key', 'varchar'],
      ['tag_value', 'varchar'],
      ['tag_count', 'integer'],
      ['reason', 'varchar'],
      ['owner', 'varchar'],
      ['ticket', 'varchar'],
      ['expires', 'date'],
    ],
    rows,
  );
}

export function projectionView(accountIds: string[], regions: string[]): string {
  const rows: Cell[][] = [];
  for (const a of accountIds) for (const r of regions) rows.push([a, r]);
  return valuesView(
    [
      ['account_id', 'varchar'],
      ['region', 'varchar'],
    ],
    rows,
  );
}

/** Fills a view's placeholders. Names are quoted identifiers, settings numbers or escaped literals. */
export function renderView(text: string, repo: Pick<Repository, 'org'>): string {
  const { org } = repo;
  const tag = org.compliance.excludeTag;
  const values: Record<Placeholder, string> = {
    db: quoteIdentifier(org.glue.database),
    table: `${quoteIdentifier(org.glue.database)}.${quoteIdentifier(org.glue.table)}`,
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

/** Strips the leading comment block and surrounding whitespace, as Athena keeps the SELECT. */
export function viewBody(text: string): string {
  return text.trim();
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
  const projected = projectedAccounts(repo.accounts, options.today, org.closedAccountRetentionDays);
  const projectedIds = new Set(projected);
  const generated: ViewSource[] = [
    {
      name: 'accounts',
      file: '(generated from config/accounts.yaml)',
      text: accountsView(repo.accounts, projectedIds),
    },
    { name: 'catalog_rules', file: '(generated from config/rules.yaml)', text: catalogRulesView(repo.rules) },
    {
      name: 'exceptions',
      file: '(generated from config/exceptions.yaml)',
      text: exceptionsView(repo.exceptions),
    },
    {
      name: 'projection',
      file: '(generated from config/accounts.yaml)',
      text: projectionView([...projected].sort(), org.regions),
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
