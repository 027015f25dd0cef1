/**
 * The reference data the views read: accounts (config/accounts.yaml), the rule catalog
 * (config/rules.yaml) and the exceptions (config/exceptions.yaml), each a Glue table over one
 * JSON-lines object under `data.bucket`/`data.prefix` that apply writes. A generated view of the
 * old name (`accounts`, `catalog_rules`, `exceptions`) selects its columns, with dates cast, so
 * no statement grows with the organization: Athena refuses a query over 262,144 bytes, and a
 * VALUES list of 2,000 accounts was already past it. Pure: no I/O.
 */

import { globToLike } from '../load/exceptions.js';
import { catalogRuleFacts } from '../load/managed-rules.js';
import { ruleRegionsText } from '../load/rules.js';
import type { Account, ExceptionSpec, OrgConfig, Repository, RuleSpec } from '../model/config.js';
import {
  type DesiredResource,
  type GlueTableProperties,
  resourceKey,
  type TableCell,
  type TableDataProperties,
} from '../model/resources.js';
import { sortRows } from '../model/table-data.js';
import { INPUT_FORMAT, JSON_SERDE, OUTPUT_FORMAT, projectedAccounts, TABLE_TYPE } from './glue-table.js';

/** A column's SQL type as the views see it. Dates are kept as text and cast by the view. */
export type ReferenceType = 'varchar' | 'date' | 'boolean' | 'integer';

export interface ReferenceTable {
  /** The generated view that reads it, and the name the views use: `accounts`. */
  view: string;
  /** The Glue table: `ref_accounts`. */
  table: string;
  /** Where its rows come from, for messages. */
  source: string;
  columns: [name: string, type: ReferenceType][];
  /** The column naming what a row is about. */
  keyColumn: string;
  rows: TableCell[][];
}

const HIVE_TYPE: Record<ReferenceType, string> = {
  varchar: 'string',
  date: 'string',
  boolean: 'boolean',
  integer: 'int',
};

/** `ref_<view>`: the Glue table behind a generated view. */
export function referenceTableName(view: string): string {
  return `ref_${view}`;
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

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** One row per account; the fields of accounts.yaml beyond the fixed ones become varchar columns. */
export function accountsTable(accounts: Account[], projected: Set<string>): ReferenceTable {
  const extraKeys = [...new Set(accounts.flatMap((a) => Object.keys(a.extra)))]
    .map((k) => [k, sqlColumnName(k)] as const)
    .filter(([, c]) => !FIXED_ACCOUNT_COLUMNS.includes(c))
    .sort((a, b) => a[1].localeCompare(b[1]));
  const seen = new Set<string>();
  const extras = extraKeys.filter(([, c]) => !seen.has(c) && seen.add(c));
  return {
    view: 'accounts',
    table: referenceTableName('accounts'),
    source: 'config/accounts.yaml',
    columns: [
      ['account_id', 'varchar'],
      ['account_name', 'varchar'],
      ['ou', 'varchar'],
      ['state', 'varchar'],
      ['joined', 'date'],
      ['closed', 'date'],
      ['in_projection', 'boolean'],
      // Always there (NULL when unset): dashboards filter accounts by owner.
      ['owner', 'varchar'],
      ...extras.map(([, c]): [string, ReferenceType] => [c, 'varchar']),
    ],
    keyColumn: 'account_id',
    rows: accounts.map((a): TableCell[] => [
      a.id,
      a.name,
      a.ouPath,
      a.state,
      a.joined,
      a.closed ?? null,
      projected.has(a.id),
      text(a.extra.owner),
      ...extras.map(([k]) => text(a.extra[k])),
    ]),
  };
}

export function catalogRulesTable(rules: RuleSpec[]): ReferenceTable {
  return {
    view: 'catalog_rules',
    table: referenceTableName('catalog_rules'),
    source: 'config/rules.yaml',
    columns: [
      ['rule', 'varchar'],
      ['category', 'varchar'],
      ['identifier', 'varchar'],
      ['regions', 'varchar'],
      ['severity', 'varchar'],
      ['remediation', 'varchar'],
      ['documentation_url', 'varchar'],
      ['security_hub_controls', 'varchar'],
      // The rule's excludedAccounts, comma-separated (NULL when none): coverage lists no gap there.
      ['excluded_accounts', 'varchar'],
    ],
    keyColumn: 'rule',
    rows: rules.map((r) => {
      const facts = catalogRuleFacts(r);
      const controls = facts.securityHubControls.map((c) => c.id).join(',');
      return [
        r.name,
        r.category,
        r.identifier,
        ruleRegionsText(r),
        facts.severity,
        facts.remediation ?? null,
        facts.documentationUrl ?? null,
        controls === '' ? null : controls,
        r.excludedAccounts.length ? [...r.excludedAccounts].sort().join(',') : null,
      ];
    }),
  };
}

/** One row per catalog rule and framework requirement its managed rule maps to. */
export function ruleControlsTable(rules: RuleSpec[]): ReferenceTable {
  return {
    view: 'rule_controls',
    table: referenceTableName('rule_controls'),
    source: 'config/rules.yaml and src/load/data/managed-rules-controls.json',
    columns: [
      ['rule', 'varchar'],
      ['framework', 'varchar'],
      ['control', 'varchar'],
    ],
    keyColumn: 'rule',
    rows: rules.flatMap((r) =>
      catalogRuleFacts(r).frameworks.map((f): TableCell[] => [r.name, f.framework, f.control]),
    ),
  };
}

/** One row per exception × rule pattern × account (or any) × tag (or none); tag_count says how many tag rows must match. */
export function exceptionsTable(exceptions: ExceptionSpec[]): ReferenceTable {
  const rows: TableCell[][] = [];
  for (const e of exceptions) {
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
            e.expires,
          ]);
        }
      }
    }
  }
  return {
    view: 'exceptions',
    table: referenceTableName('exceptions'),
    source: 'config/exceptions.yaml',
    columns: [
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
    keyColumn: 'exception_id',
    rows,
  };
}

/** The reference tables of the repository, as of `today` (which accounts are projected). */
export function referenceTables(repo: Repository, today: string): ReferenceTable[] {
  const projected = projectedAccounts(repo.accounts, today, repo.org.closedAccountRetentionDays);
  return [
    accountsTable(repo.accounts, new Set(projected)),
    catalogRulesTable(repo.rules),
    exceptionsTable(repo.exceptions),
    ruleControlsTable(repo.rules),
  ];
}

/** `s3://<data.bucket>/[<data.prefix>/]reference/<table>/`: the table's location. */
export function referenceLocation(org: Pick<OrgConfig, 'data'>, table: string): string {
  const parts = [org.data.bucket, org.data.prefix, 'reference', table].filter((p) => p !== '');
  return `s3://${parts.join('/')}/`;
}

/** The Glue table over a reference table's object: JSON lines, every column a plain type. */
export function referenceGlueTable(
  org: Pick<OrgConfig, 'data' | 'glue' | 'ownership'>,
  table: ReferenceTable,
): GlueTableProperties {
  return {
    database: org.glue.database,
    name: table.table,
    tableType: TABLE_TYPE,
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'json',
      [org.ownership.tagKey]: org.ownership.tagValue,
    },
    columns: table.columns.map(([name, type]) => ({ name, type: HIVE_TYPE[type] })),
    partitionKeys: [],
    location: referenceLocation(org, table.table),
    inputFormat: INPUT_FORMAT,
    outputFormat: OUTPUT_FORMAT,
    serializationLibrary: JSON_SERDE,
    serdeParameters: { 'case.insensitive': 'false' },
  };
}

/** The one object of a reference table: `<location><table>.json`. */
export function referenceData(
  org: Pick<OrgConfig, 'data' | 'glue'>,
  table: ReferenceTable,
): TableDataProperties {
  return {
    table: `${org.glue.database}.${table.table}`,
    location: `${referenceLocation(org, table.table)}${table.table}.json`,
    columns: table.columns.map(([name]) => name),
    keyColumn: table.keyColumn,
    rows: sortRows(table.rows),
  };
}

/** The SELECT of the view over a reference table: its columns by name, dates cast to date. */
export function referenceViewSql(database: string, table: ReferenceTable): string {
  const columns = table.columns.map(([name, type]) =>
    type === 'date' ? `CAST("${name}" AS date) AS "${name}"` : `"${name}"`,
  );
  return `SELECT\n  ${columns.join(',\n  ')}\nFROM "${database}"."${table.table}"`;
}

/** The Glue tables and their objects, in the Glue region. */
export function desiredReferenceData(
  repo: Repository,
  today: string,
): (DesiredResource<'glue-table'> | DesiredResource<'table-data'>)[] {
  const { org } = repo;
  const region = org.glue.region;
  return referenceTables(repo, today).flatMap((table) => {
    const qualified = `${org.glue.database}.${table.table}`;
    const glue: DesiredResource<'glue-table'> = {
      kind: 'glue-table',
      key: resourceKey('glue-table', region, qualified),
      region,
      properties: referenceGlueTable(org, table),
    };
    const data: DesiredResource<'table-data'> = {
      kind: 'table-data',
      key: resourceKey('table-data', region, qualified),
      region,
      properties: referenceData(org, table),
    };
    return [glue, data];
  });
}
