import type { Repository } from '../model/config.js';
import type { Target } from '../model/provider.js';
import type { Severity } from '../model/severity.js';
import { findingChangesSql } from '../report/changes.js';
import {
  buildReport,
  type ComplianceReport,
  expiringExceptions,
  type ReportContext,
  type Row,
} from '../report/compliance.js';
import { DEFAULT_RESOURCES_SHOWN, failingResourcesSql } from '../report/resources.js';
import { catalogFactsSql } from '../report/severity.js';
import { severitiesFrom } from './failing-resources.js';

export interface ReportOptions {
  /** How many failing resources the report carries (oldest failure first); the total is counted anyway. */
  resources?: number;
  /** Failing resources of rules this severe or more only (`--min-severity`), their total too. */
  minSeverity?: Severity;
}

/** Awaits every promise of `pending` at once; the values under the same names. */
async function allNamed<T extends Record<string, Promise<Row[]>>>(
  pending: T,
): Promise<{ [K in keyof T]: Row[] }> {
  const entries = await Promise.all(Object.entries(pending).map(async ([k, p]) => [k, await p] as const));
  return Object.fromEntries(entries) as { [K in keyof T]: Row[] };
}

/** Runs Athena SQL on whichever engine the target has (Athena, or DuckDB locally) and returns rows. */
export type QueryRunner = (sql: string, what: string) => Promise<Row[]>;

/** Reads the summary views and builds the report. */
export async function runReport(
  repo: Repository,
  query: QueryRunner,
  asOf: string,
  options: ReportOptions = {},
): Promise<{ report: ComplianceReport; context: ReportContext }> {
  const db = `"${repo.org.glue.database}"`;
  const database = repo.org.glue.database;
  // One query per view, all at once: the report's rows by name, and the trend's one row.
  const { trend, ...rows } = await allNamed({
    accountSummary: query(`SELECT * FROM ${db}.account_summary`, 'account summary'),
    ruleSummary: query(`SELECT * FROM ${db}.rule_summary`, 'rule summary'),
    categorySummary: query(`SELECT * FROM ${db}.category_summary`, 'category summary'),
    coverage: query(`SELECT * FROM ${db}.coverage WHERE kind = 'not-in-catalog'`, 'coverage'),
    freshness: query(`SELECT * FROM ${db}.freshness`, 'freshness'),
    trend: query(
      `SELECT snapshot_date, score FROM ${db}.trend WHERE scope = 'organization' AND snapshot_date <= current_date - INTERVAL '7' DAY ORDER BY snapshot_date DESC LIMIT 1`,
      'trend',
    ),
    ouSummary: query(`SELECT * FROM ${db}.ou_summary`, 'OU summary'),
    failingResources: query(
      failingResourcesSql(
        database,
        options.resources ?? DEFAULT_RESOURCES_SHOWN,
        severitiesFrom(options.minSeverity),
      ),
      'failing resources',
    ),
    findingChanges: query(findingChangesSql(database), 'finding changes'),
    severitySummary: query(`SELECT * FROM ${db}.severity_summary`, 'severity summary'),
    frameworkSummary: query(`SELECT * FROM ${db}.framework_summary`, 'framework summary'),
    catalogRules: query(catalogFactsSql(database), 'catalog rules'),
  });
  const weekAgo = trend[0]?.score;
  const scoreWeekAgo = weekAgo === null || weekAgo === undefined || weekAgo === '' ? null : Number(weekAgo);
  const expiring = expiringExceptions(repo.exceptions, asOf);
  const report = buildReport(rows, asOf, { scoreWeekAgo, expiringExceptions: expiring });
  return {
    report,
    context: {
      expiringExceptions: expiring,
      scoreWeekAgo,
      freshness: {
        staleAfterDays: repo.org.compliance.staleAfterDays,
        trendDays: repo.org.compliance.trendDays,
      },
    },
  };
}

/** The same, through a query session on the target, which is closed afterwards. */
export async function runReportOn(
  target: Pick<Target, 'openQuerySession'>,
  repo: Repository,
  asOf: string,
  options: ReportOptions = {},
): Promise<{ report: ComplianceReport; context: ReportContext }> {
  const session = await target.openQuerySession();
  try {
    return await runReport(repo, (sql, what) => session.query(sql, what), asOf, options);
  } finally {
    await session.close();
  }
}
