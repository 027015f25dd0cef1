/**
 * Benchmark for issue 13, not part of the integration suite (`npm run bench:trino`): what the
 * compacted tables buy on Trino, against the raw snapshot table the views read before them, with
 * the shipped `projection.startDate` and the compliance window defaults.
 *
 * One world (40 accounts × 4 regions × 30 days of snapshots on moto, our apply's Glue tables, our
 * compaction into moto's S3, the views created through our provider), and two sets of the same
 * views on Trino:
 * - compacted: the views as shipped, in the Glue database of config/org.yaml; `daily_evaluations`
 *   and `freshness` read the compacted tables (`compacted_evaluations`, `compacted_files`);
 * - raw: in a second Glue database (RAW_DB), every view as shipped except those two, which are
 *   the views before compaction (test/integration/trino/raw-views/) over a copy of the raw
 *   snapshot table in RAW_DB (below). The other views read the views of their own database and
 *   the real reference tables (`ref_*`) of the first, so both sets read the same data.
 *
 * The raw table's copy: the snapshot table as our apply wrote it, read back with Glue GetTable
 * (same columns, SerDe, location, so the same files, and parameters), created in RAW_DB under the
 * same name, except that `projection.dt.range` starts RAW_RANGE_MARGIN_DAYS days before the first
 * day the views can read: the later of the trend window's first day (today − compliance.trendDays)
 * and the first day of snapshots on S3 (checked: no file lies before it). Why: the raw views filter
 * `dt` through date_parse, so Trino enumerates every projected partition of the shipped range
 * (from about 2025-01-01: ≈ 224,000 at 40 accounts) on each scan, and lists every one of the
 * window's days (most of them empty here, as the world holds 30 days of a 90-day window; empty
 * listings are not cached) on moto, which answers one request at a time: minutes per scan, hours
 * for the report. Input bytes and rows do not depend on the range: the partitions left out hold
 * no file. The raw variant's time is shown for information only; its bytes and rows are what
 * count, and only at our own enum.
 *
 * Every dashboard data set refresh (the query a SPICE refresh sends, built from
 * quicksight/data-sets/) and every query of the report (as runReport sends them, one at a time)
 * runs against each set with the snapshot table's `projection.account.values` as our apply wrote
 * it; both sets must return the same rows for every query (asserted: the comparison is of equal
 * work). Then the real snapshot table's enum is widened by UpdateTable behind our back (the same
 * accounts plus synthetic ids with no data) to each size of BENCH_ENUMS, and the compacted set
 * alone runs every query again. Results are printed as Markdown and written beside Trino's logs,
 * with the targets of issue 13: compacted time at the widest enum ≤ 1.5 × at our own, and
 * compacted input bytes ≤ 5 % of raw per query (at our own enum).
 *
 * Each compacted measurement is the fastest of BENCH_REPEATS runs (BENCH_FAST_REPEATS while the
 * fastest is under BENCH_FAST_UNDER_S: a ratio of two times of a second or two is noise otherwise);
 * a run that fails, times out (query_max_run_time) or takes longer than BENCH_REPEAT_UNDER_S is
 * not repeated. The raw variant runs BENCH_RAW_REPEATS times (default 1: its bytes and rows are
 * the same on every run); each raw scan reads every snapshot file from moto, 1–6 minutes a query
 * here, so it is most of the run. Before anything is timed, one untimed compacted freshness
 * refresh warms Trino up (the raw variant is not warmed: its time is for information).
 *
 * Settings (environment): BENCH_ENUMS (wider enum sizes, default 5000), BENCH_TIMEOUT_MIN (per
 * query, default 15), BENCH_REPEATS (default 2), BENCH_REPEAT_UNDER_S (default 120),
 * BENCH_FAST_REPEATS (default 5), BENCH_FAST_UNDER_S (default 5), BENCH_RAW_REPEATS (default 1),
 * BENCH_BUDGET_MIN (no measurement starts after it, default 50), BENCH_ONLY (names to measure,
 * comma-separated substrings), BENCH_WHOLE_REPORT (1: also time runReport as shipped, its queries
 * at once), BENCH_TRINO_HEAP (default 6G), BENCH_SPLIT_LOADER_CONCURRENCY (default 4, see below),
 * BENCH_ACCOUNTS, BENCH_REGIONS, BENCH_DAYS, BENCH_RAW (0: the compacted variant only, no raw
 * bytes nor ratios: a quick look at the compacted side; the raw variant's bytes do not change with
 * the shipped views).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateDatabaseCommand, CreateTableCommand, GetTableCommand } from '@aws-sdk/client-glue';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, it } from 'vitest';
import { parse } from 'yaml';
import { compactedLocation } from '../../../src/desired/compacted-tables.js';
import { desiredResources } from '../../../src/desired/index.js';
import { desiredViews } from '../../../src/desired/views.js';
import type { Repository } from '../../../src/model/config.js';
import type { QuickSightProperties } from '../../../src/model/quicksight.js';
import type { DesiredResource } from '../../../src/model/resources.js';
import { runReport } from '../../../src/pipeline/report.js';
import type { Row } from '../../../src/report/compliance.js';
import { REPO_ROOT } from '../../helpers/repo.js';
import { MOTO_VERSION, motoS3Client } from '../harness/moto.js';
import {
  progress,
  TRINO_VERSION,
  type TrinoClient,
  TrinoQueryError,
  type TrinoQueryStats,
} from '../harness/trino.js';
import {
  buildWorld,
  createViewsOnTrino,
  desiredTable,
  updateTableBehindOurBack,
  type World,
} from './world.js';

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got '${raw}'`);
  return n;
}

function envSizes(name: string, fallback: string): number[] {
  const raw = process.env[name] ?? fallback;
  if (raw.trim() === '') return [];
  return raw.split(',').map((v) => {
    const n = Number(v.trim());
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: '${v}' is not a whole number of accounts`);
    return n;
  });
}

const ACCOUNTS = envNumber('BENCH_ACCOUNTS', 40);
const REGIONS = envNumber('BENCH_REGIONS', 4);
const DAYS = envNumber('BENCH_DAYS', 30);
const MEASURE_ENUMS = envSizes('BENCH_ENUMS', '5000');
const TIMEOUT_MIN = envNumber('BENCH_TIMEOUT_MIN', 15);
const REPEATS = envNumber('BENCH_REPEATS', 2);
const REPEAT_UNDER_MS = envNumber('BENCH_REPEAT_UNDER_S', 120) * 1000;
const FAST_REPEATS = envNumber('BENCH_FAST_REPEATS', 5);
const FAST_UNDER_MS = envNumber('BENCH_FAST_UNDER_S', 5) * 1000;
const RAW_REPEATS = envNumber('BENCH_RAW_REPEATS', 1);
const BUDGET_MS = envNumber('BENCH_BUDGET_MIN', 50) * 60_000;
const ONLY = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const WHOLE_REPORT = process.env.BENCH_WHOLE_REPORT === '1';
const WITH_RAW = process.env.BENCH_RAW !== '0';
const TRINO_HEAP = process.env.BENCH_TRINO_HEAP ?? '6G';
/**
 * Directory listings one table scan runs at once (Trino's default is 64). moto answers one request
 * at a time, so more in flight only queue in the S3 client's pool of 24 connections, where a
 * request that waits over 10 s fails the query ("Timeout waiting for connection from pool"): a
 * view that scans the table six times (coverage) failed so on the 40-account world. Four per scan
 * keep moto as busy as 64 do.
 */
const SPLIT_LOADER_CONCURRENCY = process.env.BENCH_SPLIT_LOADER_CONCURRENCY ?? '4';
/** The QuickSight account of the desired state (any id: only the data sets' SQL is used). */
const QUICKSIGHT_ACCOUNT = '123456789012';
/** Views that read reference data only, never the snapshot table. */
const REFERENCE_VIEWS = new Set(['accounts', 'catalog_rules', 'exceptions', 'rule_controls', 'projection']);
const WHOLE = 'report: runReport as shipped (its queries at once)';
/** The second Glue database: the views as they read the raw snapshot table before compaction. */
const RAW_DB = 'org_compliance_raw';
/** The views before compaction (git show 5bc91b3^:sql/views/<name>.sql), kept as fixtures. */
const RAW_VIEWS_DIR = 'test/integration/trino/raw-views';
const RAW_VIEWS = ['daily_evaluations', 'freshness'];
/** Days the raw table copy's `projection.dt.range` starts before the first day the views can read. */
const RAW_RANGE_MARGIN_DAYS = 3;
/** Issue 13's targets: compacted time at the widest enum / at ours, compacted bytes / raw bytes. */
const TIME_RATIO_TARGET = 1.5;
const BYTES_RATIO_TARGET = 0.05;

type Variant = 'compacted' | 'raw';
const VARIANTS: Variant[] = ['compacted', 'raw'];

/** What one query cost: the fastest successful run, or why none succeeded. */
type Measurement =
  | {
      ok: true;
      /** Client wall time: POST to the last page. */
      ms: number;
      runs: number[];
      rows: number;
      stats: TrinoQueryStats;
      planningMs: number | undefined;
      /** The answer, for comparing the variants: its columns and rows as sorted canonical JSON. */
      answer?: Answer;
    }
  | {
      ok: false;
      ms: number;
      reason: 'timeout' | 'error' | 'skipped';
      message: string;
      /** query_max_run_time in minutes, for a timeout. */
      limitMin?: number;
    };
type Success = Extract<Measurement, { ok: true }>;

interface Answer {
  columns: string;
  /** Each row as JSON with map keys sorted, the rows sorted. */
  rows: string[];
  digest: string;
}

interface Subject {
  name: string;
  /** The views it reads. */
  reads: string[];
  /** The query against each set of views (the same text but for the database). */
  sql: Record<Variant, string>;
}

/**
 * The Glue database and snapshot table of config/org.yaml (the world's repository is made from
 * it; checked once the world is built): Trino keeps the listings of the real table and of its copy
 * in RAW_DB for the run (the snapshot files never change during it).
 */
const SHIPPED_GLUE = (
  parse(readFileSync(join(REPO_ROOT, 'config', 'org.yaml'), 'utf8')) as {
    glue: { database: string; table: string };
  }
).glue;

let world: World;
const benchStarted = Date.now();

beforeAll(async () => {
  world = await buildWorld({
    accounts: ACCOUNTS,
    regions: REGIONS,
    days: DAYS,
    shippedProjection: true,
    trinoHeap: TRINO_HEAP,
    catalogProperties: {
      'hive.split-loader-concurrency': SPLIT_LOADER_CONCURRENCY,
      'hive.file-status-cache-tables': [SHIPPED_GLUE.database, RAW_DB]
        .map((db) => `${db}.${SHIPPED_GLUE.table}`)
        .join(','),
      // The suite keeps listings for 1 h; the bench may run longer, and every query should find
      // the same listings cached (the non-empty directories; empty ones are listed again each time).
      'hive.file-status-cache-expire-time': '24h',
    },
  });
  const { database, table } = world.repo.org.glue;
  if (database !== SHIPPED_GLUE.database || table !== SHIPPED_GLUE.table)
    throw new Error(
      `the world's snapshot table is ${database}.${table}, config/org.yaml says ${SHIPPED_GLUE.database}.${SHIPPED_GLUE.table}`,
    );
}, 1_800_000);

afterAll(async () => {
  await world?.stop();
});

// ---------------------------------------------------------------------------------------------
// The raw variant: a second database of views over a copy of the raw snapshot table

/** The repository with another Glue database: its views, data sets and report queries name that one. */
function withDatabase(repo: Repository, database: string): Repository {
  return { ...repo, org: { ...repo.org, glue: { ...repo.org.glue, database } } };
}

/** Names of every Glue table our apply writes (snapshots, compacted, reference). */
function glueTables(repo: Repository): Set<string> {
  return new Set(
    desiredResources(repo, world.today, { quickSightAccountId: QUICKSIGHT_ACCOUNT })
      .filter((d): d is DesiredResource<'glue-table'> => d.kind === 'glue-table')
      .map((d) => d.properties.name),
  );
}

/** `"<database>"."<name>"` or `"<database>".<name>` in a view's SQL, for the given databases. */
function referencePattern(databases: string[]): RegExp {
  const dbs = databases.map((d) => d.replace(/[^a-z0-9_]/g, '')).join('|');
  return new RegExp(`"(${dbs})"\\.(?:"([a-z_][a-z0-9_]*)"|([a-z_][a-z0-9_]*))`, 'g');
}

function references(sql: string, databases: string[]): { database: string; name: string }[] {
  return [...sql.matchAll(referencePattern(databases))].map((m) => ({
    database: m[1] as string,
    name: (m[2] ?? m[3]) as string,
  }));
}

/**
 * The raw variant's views: desiredViews of the repository with RAW_DB as its database, where
 * `daily_evaluations` and `freshness` are the fixtures of RAW_VIEWS_DIR; every reference to a Glue
 * table but the snapshot table (the reference views' `ref_*`) is then pointed back at the real
 * database, so views read views of RAW_DB, the snapshot table's copy in RAW_DB, and the reference
 * tables of the real one. Checked: nothing else is referenced, the two fixtures read the copy, no
 * raw view reads a compacted table or the real snapshot table, and no shipped view reads the raw
 * snapshot table.
 */
function rawViews(): { views: DesiredResource<'athena-view'>[]; files: Map<string, string> } {
  const real = world.repo.org.glue.database;
  const snapshots = world.repo.org.glue.table;
  const tables = glueTables(world.repo);
  const compacted = [...tables].filter((t) => t.startsWith('compacted_'));
  const raw = withDatabase(world.repo, RAW_DB);
  const files = new Map<string, string>();
  const views = raw.views.map((v) => {
    if (!RAW_VIEWS.includes(v.name)) return v;
    const file = `${RAW_VIEWS_DIR}/${v.name}.sql`;
    files.set(v.name, file);
    return { ...v, file, text: readFileSync(join(REPO_ROOT, file), 'utf8') };
  });
  if (files.size !== RAW_VIEWS.length)
    throw new Error(`the repository has no view ${RAW_VIEWS.filter((n) => !files.has(n)).join(', ')}`);
  const pattern = referencePattern([RAW_DB]);
  const desired = desiredViews({ ...raw, views }, { today: world.today }).map((v) => ({
    ...v,
    properties: {
      ...v.properties,
      sql: v.properties.sql.replace(pattern, (whole, _db: string, quoted?: string, bare?: string) => {
        const name = (quoted ?? bare) as string;
        return tables.has(name) && name !== snapshots ? `"${real}"."${name}"` : whole;
      }),
    },
  }));
  const viewNames = new Set(desired.map((v) => v.properties.name));
  for (const v of desired) {
    const { name, sql } = v.properties;
    for (const r of references(sql, [RAW_DB, real])) {
      const ok =
        r.database === RAW_DB
          ? viewNames.has(r.name) || r.name === snapshots
          : tables.has(r.name) && r.name !== snapshots;
      if (!ok)
        throw new Error(
          `raw view ${name} reads "${r.database}".${r.name}: neither a raw view, the copy nor a reference table`,
        );
      if (compacted.includes(r.name)) throw new Error(`raw view ${name} reads the compacted table ${r.name}`);
    }
    const readsCopy = references(sql, [RAW_DB]).some((r) => r.name === snapshots);
    if (readsCopy !== RAW_VIEWS.includes(name))
      throw new Error(`raw view ${name} ${readsCopy ? 'reads' : 'does not read'} ${RAW_DB}.${snapshots}`);
  }
  for (const v of world.views) {
    const read = references(v.properties.sql, [real]).map((r) => r.name);
    if (read.includes(snapshots)) throw new Error(`shipped view ${v.properties.name} reads the raw table`);
    if (RAW_VIEWS.includes(v.properties.name) && !read.some((t) => compacted.includes(t)))
      throw new Error(`shipped view ${v.properties.name} reads no compacted table`);
  }
  return { views: desired, files };
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** An ISO day (`YYYY-MM-DD`) in a projection's date format (`yyyy/M/d`, `yyyy-MM-dd`, …). */
function projectionDay(iso: string, format: string): string {
  if (!/^(yyyy|MM|M|dd|d|[^A-Za-z])+$/.test(format))
    throw new Error(`projection.dt.format '${format}': only yyyy, MM, M, dd and d are supported here`);
  const [y, m, d] = iso.split('-') as [string, string, string];
  const token = { yyyy: y, MM: m, M: String(Number(m)), dd: d, d: String(Number(d)) };
  return format.replace(/yyyy|MM|M|dd|d/g, (t) => token[t as keyof typeof token]);
}

interface RawTable {
  /** `"<RAW_DB>"."<table>"` */
  name: string;
  /** The real table's `projection.dt.range` and the copy's. */
  realRange: string;
  copyRange: string;
  /** The first day of the copy's range (ISO) and why it is that day. */
  from: string;
  trendStart: string;
}

/**
 * The snapshot table's copy in RAW_DB: GetTable of the real one (as our apply wrote it),
 * CreateTable with the same name, columns, storage (location, SerDe, formats), partition keys and
 * parameters, but `projection.dt.range` from RAW_RANGE_MARGIN_DAYS before the later of the trend
 * window's first day and `firstSnapshotDay` (no snapshot file lies before it: checked by the caller).
 */
async function createRawTable(firstSnapshotDay: string): Promise<RawTable> {
  const { database, table } = world.repo.org.glue;
  const { Table: t } = await world.glue.send(new GetTableCommand({ DatabaseName: database, Name: table }));
  if (!t?.Name || !t.StorageDescriptor) throw new Error(`GetTable ${database}.${table}: no table on moto`);
  const parameters = { ...(t.Parameters ?? {}) };
  const format = parameters['projection.dt.format'];
  const realRange = parameters['projection.dt.range'];
  if (parameters['projection.dt.type'] !== 'date' || !format || !realRange?.includes(','))
    throw new Error(`${database}.${table}: no date projection of dt (${JSON.stringify(parameters)})`);
  const end = realRange.slice(realRange.indexOf(',') + 1);
  const trendStart = addDays(world.today, -world.repo.org.compliance.trendDays);
  const from = addDays(firstSnapshotDay > trendStart ? firstSnapshotDay : trendStart, -RAW_RANGE_MARGIN_DAYS);
  const copyRange = `${projectionDay(from, format)},${end}`;
  parameters['projection.dt.range'] = copyRange;
  await world.glue.send(
    new CreateTableCommand({
      DatabaseName: RAW_DB,
      TableInput: {
        Name: t.Name,
        Description: t.Description,
        Owner: t.Owner,
        Retention: t.Retention,
        TableType: t.TableType,
        StorageDescriptor: t.StorageDescriptor,
        PartitionKeys: t.PartitionKeys,
        Parameters: parameters,
      },
    }),
  );
  return { name: `"${RAW_DB}"."${t.Name}"`, realRange, copyRange, from, trendStart };
}

/**
 * The raw variant on Trino: RAW_DB created in Glue on moto, the snapshot table's copy in it, and
 * its views created by Trino there.
 */
async function createRawVariant(firstSnapshotDay: string): Promise<{ views: number; table: RawTable }> {
  const { views, files } = rawViews();
  await world.glue.send(
    new CreateDatabaseCommand({
      DatabaseInput: { Name: RAW_DB, Description: 'bench:trino: the views before compaction' },
    }),
  );
  const table = await createRawTable(firstSnapshotDay);
  await createViewsOnTrino(world.client, views, files);
  return { views: views.length, table };
}

// ---------------------------------------------------------------------------------------------
// What is measured

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

interface PhysicalTable {
  RelationalTable?: { Schema?: string; Name: string; InputColumns: { Name: string }[] };
  CustomSql?: { SqlQuery: string; Columns: { Name: string }[] };
}

interface LogicalTable {
  Source: {
    PhysicalTableId?: string;
    JoinInstruction?: { LeftOperand: string; RightOperand: string; Type: string; OnClause: string };
  };
  DataTransforms?: Record<
    string,
    { ColumnName?: string; NewColumnName?: string; ProjectedColumns?: string[] }
  >[];
}

/**
 * The query a SPICE refresh of a data set sends to Athena, as near as this repository can say: the
 * input columns of each physical table, renamed, joined and projected as its logical tables say.
 * Filters and calculated columns are left to SPICE (they need QuickSight's expression language).
 */
function refreshSql(body: Record<string, unknown>): { sql: string; reads: string[] } {
  const physical = (body.PhysicalTableMap ?? {}) as Record<string, PhysicalTable>;
  const logical = (body.LogicalTableMap ?? {}) as Record<string, LogicalTable>;
  const reads: string[] = [];

  const physicalSql = (id: string): { sql: string; columns: string[] } => {
    const table = physical[id];
    if (table?.RelationalTable) {
      const t = table.RelationalTable;
      reads.push(t.Name);
      const columns = t.InputColumns.map((c) => c.Name);
      const from = t.Schema ? `${quote(t.Schema)}.${quote(t.Name)}` : quote(t.Name);
      return { sql: `SELECT ${columns.map(quote).join(', ')} FROM ${from}`, columns };
    }
    if (table?.CustomSql) {
      reads.push(`custom SQL ${id}`);
      return { sql: table.CustomSql.SqlQuery, columns: table.CustomSql.Columns.map((c) => c.Name) };
    }
    throw new Error(
      `data set ${String(body.DataSetId)}: physical table '${id}' is neither RelationalTable nor CustomSql`,
    );
  };

  const logicalSql = (id: string): { sql: string; columns: string[] } => {
    const table = logical[id];
    if (!table) return physicalSql(id);
    let current: { sql: string; columns: string[] };
    const join = table.Source.JoinInstruction;
    if (join) {
      const left = logicalSql(join.LeftOperand);
      const right = logicalSql(join.RightOperand);
      const side = (c: string) => (left.columns.includes(c) ? `l.${quote(c)}` : `r.${quote(c)}`);
      const on = join.OnClause.replace(/\{([^}]+)\}/g, (_, column: string) => side(column));
      const columns = [...left.columns, ...right.columns.filter((c) => !left.columns.includes(c))];
      current = {
        sql: `SELECT ${columns.map(side).join(', ')} FROM (${left.sql}) AS l ${join.Type} JOIN (${right.sql}) AS r ON ${on}`,
        columns,
      };
    } else {
      current = physicalSql(table.Source.PhysicalTableId ?? id);
    }
    for (const transform of table.DataTransforms ?? []) {
      const rename = transform.RenameColumnOperation;
      const project = transform.ProjectOperation;
      if (rename?.ColumnName && rename.NewColumnName) {
        const from = rename.ColumnName;
        const to = rename.NewColumnName;
        const select = current.columns.map((c) => (c === from ? `${quote(c)} AS ${quote(to)}` : quote(c)));
        current = {
          sql: `SELECT ${select.join(', ')} FROM (${current.sql}) AS t`,
          columns: current.columns.map((c) => (c === from ? to : c)),
        };
      } else if (project?.ProjectedColumns) {
        const columns = project.ProjectedColumns.filter((c) => current.columns.includes(c));
        current = { sql: `SELECT ${columns.map(quote).join(', ')} FROM (${current.sql}) AS t`, columns };
      }
    }
    return current;
  };

  const operands = new Set(
    Object.values(logical).flatMap((t) => {
      const j = t.Source.JoinInstruction;
      return j ? [j.LeftOperand, j.RightOperand] : [];
    }),
  );
  const roots = Object.keys(logical).filter((id) => !operands.has(id));
  const root = roots[0] ?? Object.keys(physical)[0];
  if (!root || roots.length > 1) {
    throw new Error(
      `data set ${String(body.DataSetId)}: expected one root logical table, found ${roots.join(', ')}`,
    );
  }
  const { sql } = logicalSql(root);
  return { sql, reads: [...new Set(reads)] };
}

type Query = Omit<Subject, 'sql'> & { sql: string };

function dataSetQueries(repo: Repository): Query[] {
  return desiredResources(repo, world.today, { quickSightAccountId: QUICKSIGHT_ACCOUNT })
    .filter((d) => d.kind === 'quicksight-data-set')
    .map((d) => {
      const props = d.properties as QuickSightProperties;
      return { name: `data set ${props.id}`, ...refreshSql(props.body) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The report's queries, exactly as runReport sends them (recorded with empty answers). */
async function reportQueries(repo: Repository): Promise<Query[]> {
  const recorded: Query[] = [];
  try {
    await runReport(
      repo,
      async (sql, what) => {
        const view = /FROM\s+"[^"]+"\.(\w+)/.exec(sql)?.[1];
        recorded.push({ name: `report: ${what}`, reads: view ? [view] : [], sql });
        return [];
      },
      world.today,
    );
  } catch {
    // buildReport may refuse empty answers; the queries are recorded by then.
  }
  if (recorded.length === 0) throw new Error('runReport sent no query');
  return recorded;
}

/**
 * The data set refreshes and the report's queries, each against both sets of views: the same
 * queries built from the repository with either database (checked: same names, same views, the
 * same text but for the database).
 */
async function subjectsOf(): Promise<{ dataSets: Subject[]; report: Subject[] }> {
  const repos: Record<Variant, Repository> = {
    compacted: world.repo,
    raw: withDatabase(world.repo, RAW_DB),
  };
  const pair = (compacted: Query[], raw: Query[]): Subject[] =>
    compacted.map((c, i) => {
      const r = raw[i];
      const db = `"${world.repo.org.glue.database}".`;
      if (
        r?.name !== c.name ||
        r.reads.join() !== c.reads.join() ||
        r.sql !== c.sql.split(db).join(`"${RAW_DB}".`)
      )
        throw new Error(`${c.name}: the raw variant's query is not the same query (${r?.name})`);
      return { name: c.name, reads: c.reads, sql: { compacted: c.sql, raw: r.sql } };
    });
  return {
    dataSets: pair(dataSetQueries(repos.compacted), dataSetQueries(repos.raw)),
    report: pair(await reportQueries(repos.compacted), await reportQueries(repos.raw)),
  };
}

function readsSnapshots(subject: Subject): boolean {
  return subject.reads.some((v) => !REFERENCE_VIEWS.has(v));
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Trino's durations in QueryInfo: `12.34ms`, `1.50s`, `2.00m`. */
function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^([\d.]+)\s*(ns|us|ms|s|m|h|d)$/.exec(value);
  if (!m) return undefined;
  const factor = { ns: 1e-6, us: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[m[2] as 'ms'];
  return Number(m[1]) * factor;
}

/** Planning time of a finished query (the projection's partitions are enumerated and pruned there). */
async function planningMs(client: TrinoClient, queryId: string | undefined): Promise<number | undefined> {
  if (!queryId) return undefined;
  try {
    const res = await fetch(`${client.endpoint}/v1/query/${queryId}`, {
      headers: { 'X-Trino-User': client.session.user ?? 'org-compliance' },
      signal: AbortSignal.timeout(60_000),
    });
    if (!res.ok) return undefined;
    const info = (await res.json()) as { queryStats?: { planningTime?: unknown } };
    return durationMs(info.queryStats?.planningTime);
  } catch {
    return undefined;
  }
}

function overBudget(): boolean {
  return Date.now() - benchStarted > BUDGET_MS;
}

/** Whether the Trino server has gone (its log says why; the JVM exits on OutOfMemoryError). */
function trinoGone(): string | undefined {
  if (!world.trino.log) return undefined;
  let tail = '';
  try {
    const text = readFileSync(world.trino.log, 'utf8');
    tail = text.slice(-4000);
  } catch {
    return undefined;
  }
  const oom = /Terminating due to (java\.lang\.OutOfMemoryError[^\n]*)/.exec(tail);
  return oom ? `Trino exited: ${oom[1]} (heap ${TRINO_HEAP}; log ${world.trino.log})` : undefined;
}

/** query_max_run_time of `client`'s session, in minutes. */
function limitOf(client: TrinoClient): number {
  return Number.parseFloat(client.session.properties?.query_max_run_time ?? 'NaN');
}

function failure(e: unknown, ms: number, limitMin: number): Extract<Measurement, { ok: false }> {
  const cause = e instanceof TrinoQueryError ? e : (e as Error).cause;
  const timedOut = cause instanceof TrinoQueryError && cause.errorName === 'EXCEEDED_TIME_LIMIT';
  // Trino's message and the causes under it (the file system error below a HIVE_FILESYSTEM_ERROR).
  let message = (e as Error).message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ← ');
  if (!(cause instanceof TrinoQueryError)) message = trinoGone() ?? message;
  return { ok: false, ms, reason: timedOut ? 'timeout' : 'error', message, limitMin };
}

/** How many runs of a query: the compacted variant's time is measured, the raw variant's bytes and rows. */
function repeatsOf(variant: Variant): { repeats: number; fast: number } {
  return variant === 'compacted'
    ? { repeats: REPEATS, fast: Math.max(REPEATS, FAST_REPEATS) }
    : { repeats: RAW_REPEATS, fast: RAW_REPEATS };
}

/**
 * Runs `once` up to `repeats` times (`fast` times while the fastest run is under FAST_UNDER_MS)
 * and keeps the fastest; a run that fails or takes longer than REPEAT_UNDER_MS ends the repeats.
 */
async function repeat(
  label: string,
  limitMin: number,
  { repeats, fast }: { repeats: number; fast: number },
  once: () => Promise<Omit<Success, 'ok' | 'runs'>>,
): Promise<Measurement> {
  const runs: number[] = [];
  let best: Success | undefined;
  for (let run = 1; ; run++) {
    if (run > (best && best.ms < FAST_UNDER_MS ? fast : repeats)) break;
    if (overBudget()) {
      if (best) break;
      return { ok: false, ms: 0, reason: 'skipped', message: 'not run: over BENCH_BUDGET_MIN' };
    }
    const started = Date.now();
    let result: Omit<Success, 'ok' | 'runs'>;
    try {
      result = await once();
    } catch (e) {
      const failed = failure(e, Date.now() - started, limitMin);
      progress(`${label} run ${run}: ${failed.reason} after ${seconds(failed.ms)}: ${failed.message}`);
      if (best) break;
      return failed;
    }
    const { ms } = result;
    runs.push(ms);
    progress(
      `${label} run ${run}: ${seconds(ms)}, ${count(result.rows)} rows, physical input ${bytes(result.stats.physicalInputBytes)}, processed ${bytes(result.stats.processedBytes)}`,
    );
    if (!best || ms < best.ms) best = { ok: true, runs, ...result };
    if (ms > REPEAT_UNDER_MS) break;
  }
  if (!best) return { ok: false, ms: 0, reason: 'skipped', message: 'no run' };
  return { ...best, runs };
}

/** A value as JSON with the keys of every object (Trino's maps) sorted. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}

function answerOf(columns: { name: string; type: string }[], rows: unknown[][]): Answer {
  const lines = rows.map((row) => JSON.stringify(canonical(row))).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return { columns: JSON.stringify(columns), rows: lines, digest: hash.digest('hex').slice(0, 16) };
}

/**
 * One query against one set of views; `keep`: its answer is kept for comparing the variants.
 * The time is the client's, from POST to the last page (the query info is read after it).
 */
function measure(
  client: TrinoClient,
  subject: Subject,
  variant: Variant,
  label: string,
  keep: boolean,
): Promise<Measurement> {
  return repeat(`${label} ${variant} ${subject.name}`, limitOf(client), repeatsOf(variant), async () => {
    const started = Date.now();
    const r = await client.queryWithStats(subject.sql[variant]);
    const ms = Date.now() - started;
    return {
      ms,
      rows: r.rows.length,
      stats: r.stats,
      planningMs: await planningMs(client, r.queryId),
      ...(keep ? { answer: answerOf(r.columns, r.rows) } : {}),
    };
  });
}

/** Whether both variants answered a query alike: the same columns and the same rows (any order). */
function compareAnswers(
  compacted: Measurement | undefined,
  raw: Measurement | undefined,
): { same: boolean; text: string } {
  if (!compacted?.ok || !raw?.ok || !compacted.answer || !raw.answer)
    return {
      same: false,
      text: `not compared: compacted ${time(compacted)}, raw ${time(raw)}`,
    };
  const c = compacted.answer;
  const r = raw.answer;
  if (c.columns !== r.columns)
    return { same: false, text: `DIFFERENT columns: ${c.columns} vs raw ${r.columns}` };
  if (c.digest === r.digest) return { same: true, text: `same ${count(c.rows.length)} rows (${c.digest})` };
  const inRaw = new Set(r.rows);
  const inCompacted = new Set(c.rows);
  const onlyCompacted = c.rows.filter((row) => !inRaw.has(row));
  const onlyRaw = r.rows.filter((row) => !inCompacted.has(row));
  return {
    same: false,
    text:
      `DIFFERENT: ${count(c.rows.length)} rows compacted, ${count(r.rows.length)} raw; ` +
      `${count(onlyCompacted.length)} only compacted (first: ${onlyCompacted[0]?.slice(0, 300) ?? '–'}), ` +
      `${count(onlyRaw.length)} only raw (first: ${onlyRaw[0]?.slice(0, 300) ?? '–'})`,
  };
}

/** runReport as shipped (its queries at once), timed as a whole; bytes and CPU summed over its queries. */
function measureWholeReport(client: TrinoClient, variant: Variant, label: string): Promise<Measurement> {
  const repo = variant === 'compacted' ? world.repo : withDatabase(world.repo, RAW_DB);
  return repeat(`${label} ${variant} whole report`, limitOf(client), repeatsOf(variant), async () => {
    const stats: TrinoQueryStats[] = [];
    let rows = 0;
    const started = Date.now();
    await runReport(
      repo,
      async (sql): Promise<Row[]> => {
        const r = await client.queryWithStats(sql);
        stats.push(r.stats);
        rows += r.rows.length;
        return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i] ?? null])));
      },
      world.today,
    );
    const ms = Date.now() - started;
    const sum = (k: 'processedBytes' | 'physicalInputBytes' | 'cpuTimeMillis') =>
      stats.reduce((a, s) => a + (s[k] ?? 0), 0);
    return {
      ms,
      rows,
      stats: {
        processedBytes: sum('processedBytes'),
        physicalInputBytes: sum('physicalInputBytes'),
        cpuTimeMillis: sum('cpuTimeMillis'),
      },
      planningMs: undefined,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Printing

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function bytes(n: number | undefined): string {
  if (n === undefined) return '–';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function time(m: Measurement | undefined): string {
  if (!m) return '–';
  if (m.ok) return seconds(m.ms);
  if (m.reason === 'timeout') return `> ${m.limitMin} min (timeout)`;
  if (m.reason === 'skipped') return 'not run';
  return `error after ${seconds(m.ms)}`;
}

function ratio(big: Measurement | undefined, base: Measurement | undefined): string {
  if (!base?.ok || !big) return '–';
  if (big.ok) return (big.ms / base.ms).toFixed(2);
  if (big.reason === 'timeout' && big.limitMin !== undefined)
    return `> ${((big.limitMin * 60_000) / base.ms).toFixed(1)}`;
  return '–';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Random-looking 12-digit ids that are not in `taken`, the same on every run. */
function syntheticAccounts(n: number, taken: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 1; out.length < n; i++) {
    const id = String((i * 7_919_000_003) % 1e12).padStart(12, '0');
    if (!taken.has(id)) out.push(id);
  }
  return out;
}

interface Contents {
  files: number;
  bytes: number;
}

/**
 * Objects on moto's S3: under the snapshot table's location, under the compacted tables' prefix,
 * and the rest (reference data) in the snapshot and data buckets; and the first day (ISO) of any
 * snapshot file (`…/<account>/Config/<region>/<y>/<m>/<d>/<item type>/…`, either item type).
 */
async function bucketContents(): Promise<{
  snapshots: Contents;
  compacted: Contents;
  other: Contents;
  firstSnapshotDay: string;
}> {
  const { org } = world.repo;
  const split = (uri: string) => /^s3:\/\/([^/]+)\/(.*)$/.exec(uri)?.slice(1) as [string, string];
  const [, snapshotPrefix] = split(desiredTable(world.repo, world.today).properties.location);
  const [dataBucket, evaluationsPrefix] = split(compactedLocation(org, 'evaluations'));
  const compactedPrefix = evaluationsPrefix.replace(/[^/]+\/$/, '');
  const totals = {
    snapshots: { files: 0, bytes: 0 },
    compacted: { files: 0, bytes: 0 },
    other: { files: 0, bytes: 0 },
  };
  let firstSnapshotDay: string | undefined;
  const s3 = motoS3Client(world.moto, 'us-east-1');
  try {
    for (const bucket of new Set([org.snapshots.bucket, dataBucket])) {
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const o of page.Contents ?? []) {
          const key = o.Key ?? '';
          const into =
            bucket === dataBucket && key.startsWith(compactedPrefix)
              ? totals.compacted
              : bucket === org.snapshots.bucket && key.startsWith(snapshotPrefix)
                ? totals.snapshots
                : totals.other;
          into.files++;
          into.bytes += o.Size ?? 0;
          if (into === totals.snapshots) {
            const day = /\/Config\/[^/]+\/(\d{4})\/(\d{1,2})\/(\d{1,2})\//.exec(key);
            if (!day) throw new Error(`snapshot file ${key}: no day in its key`);
            const iso = `${day[1]}-${(day[2] as string).padStart(2, '0')}-${(day[3] as string).padStart(2, '0')}`;
            if (firstSnapshotDay === undefined || iso < firstSnapshotDay) firstSnapshotDay = iso;
          }
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
  } finally {
    s3.destroy();
  }
  if (firstSnapshotDay === undefined) throw new Error(`no snapshot file under ${snapshotPrefix}`);
  return { ...totals, firstSnapshotDay };
}

// ---------------------------------------------------------------------------------------------

it(
  'measures the dashboard data sets and the report over the compacted and the raw table against the size of the account enum',
  async () => {
    const client = world.client.withSession({ properties: { query_max_run_time: `${TIMEOUT_MIN}m` } });
    const table = desiredTable(world.repo, world.today).properties;
    const ours = (table.parameters['projection.account.values'] ?? '').split(',').filter(Boolean);
    const data = await bucketContents();
    const raw = await world.time(
      `create the raw variant: Glue database ${RAW_DB}, the snapshot table's copy and the views (Trino)`,
      () => createRawVariant(data.firstSnapshotDay),
    );
    if (data.firstSnapshotDay < raw.table.from)
      throw new Error(
        `a snapshot file of ${data.firstSnapshotDay} lies before the copy's range (${raw.table.from})`,
      );
    const { dataSets, report } = await subjectsOf();
    // The freshness refresh first: it scans the table once, the least any view does.
    const probe = dataSets.find((s) => s.reads.includes('freshness'));
    if (!probe) throw new Error('no data set reads the freshness view');
    const all = [
      ...dataSets.filter((s) => !readsSnapshots(s)),
      probe,
      ...dataSets.filter((s) => readsSnapshots(s) && s !== probe),
      ...report,
    ];
    const subjects = ONLY.length ? all.filter((s) => ONLY.some((o) => s.name.includes(o))) : all;
    // Every query is planned once first, so a refresh query this file gets wrong fails in seconds.
    for (const subject of all) {
      for (const variant of VARIANTS) {
        await client.query(`EXPLAIN ${subject.sql[variant]}`).catch((e: Error) => {
          throw new Error(
            `${subject.name} (${variant}) does not plan on Trino: ${e.message}\n${subject.sql[variant]}`,
            { cause: e },
          );
        });
      }
    }
    progress(`${all.length} queries plan on Trino against both sets of views`);

    const { startDate } = world.repo.org.projection;
    const { trendDays, windowDays } = world.repo.org.compliance;
    const regions = world.repo.org.regions.length;
    const daysTo = (from: string) =>
      Math.round((Date.parse(`${world.today}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
    const rangeDays = daysTo(startDate);
    const copyDays = daysTo(raw.table.from);
    const base = ours.length;
    const measured = [base, ...MEASURE_ENUMS.filter((n) => n > base)];
    const top = measured[measured.length - 1] as number;
    const allIds = [...ours, ...syntheticAccounts(top - base, new Set(ours))];

    /** The compacted variant at every enum size; the raw variant at ours. */
    const compactedResults = new Map<number, Map<string, Measurement>>();
    const rawResults = new Map<string, Measurement>();
    const sameRows = new Map<string, { same: boolean; text: string }>();
    const sizeTimes = new Map<number, number>();
    for (const size of measured) {
      const label = `[enum ${count(size)}]`;
      const started = Date.now();
      const atBase = size === base;
      if (!atBase) {
        const ids = allIds.slice(0, size).sort();
        await updateTableBehindOurBack(world, (p) => {
          p.parameters['projection.account.values'] = ids.join(',');
        });
        progress(`${label} projection.account.values now holds ${count(ids.length)} accounts`);
      } else {
        // Warms Trino up before anything is timed (not with the raw variant: its time is for
        // information, and a scan of it costs a minute).
        progress(`${label} warm-up: one untimed compacted scan (the freshness refresh)`);
        await client
          .query(probe.sql.compacted)
          .catch((e: Error) => progress(`${label} warm-up failed: ${e.message}`));
      }
      const compacted = new Map<string, Measurement>();
      compactedResults.set(size, compacted);
      for (const subject of subjects) {
        const c = await measure(client, subject, 'compacted', label, atBase);
        compacted.set(subject.name, c);
        if (!atBase || !WITH_RAW) continue;
        const r = await measure(client, subject, 'raw', label, true);
        rawResults.set(subject.name, r);
        const verdict = compareAnswers(c, r);
        sameRows.set(subject.name, verdict);
        progress(`${label} ${subject.name}: raw vs compacted: ${verdict.text}`);
        // The rows are not needed any more (the digest stays).
        for (const m of [c, r]) if (m.ok && m.answer) m.answer.rows = [];
      }
      if (WHOLE_REPORT) {
        compacted.set(WHOLE, await measureWholeReport(client, 'compacted', label));
        if (atBase && WITH_RAW) rawResults.set(WHOLE, await measureWholeReport(client, 'raw', label));
      }
      sizeTimes.set(size, Date.now() - started);
    }

    const get = (n: number, name: string) => compactedResults.get(n)?.get(name);
    const names = [...subjects.map((s) => s.name), ...(WHOLE_REPORT ? [WHOLE] : [])];
    const reads = new Map(subjects.map((s) => [s.name, s.reads.join(' + ')]));
    const scansSnapshots = new Map(subjects.map((s) => [s.name, readsSnapshots(s)]));
    scansSnapshots.set(WHOLE, true);
    const input = (m: Measurement | undefined) => (m?.ok ? m.stats.physicalInputBytes : undefined);

    /** Compacted time at the widest enum over at ours: PASS at most TIME_RATIO_TARGET. */
    const timeVerdict = (name: string): string => {
      const b = get(base, name);
      const t = get(top, name);
      if (top === base) return '–';
      if (!b?.ok || !t) return '–';
      if (!t.ok) return 'FAIL';
      return t.ms / b.ms <= TIME_RATIO_TARGET ? 'PASS' : 'FAIL';
    };
    /** Compacted input bytes over raw input bytes at our enum. */
    const bytesRatio = (name: string): number | undefined => {
      const c = input(get(base, name));
      const r = input(rawResults.get(name));
      return c === undefined || r === undefined || r === 0 ? undefined : c / r;
    };
    const bytesVerdict = (name: string): string => {
      if (!scansSnapshots.get(name)) return 'n/a';
      const q = bytesRatio(name);
      if (q === undefined) return '–';
      return q <= BYTES_RATIO_TARGET ? 'PASS' : 'FAIL';
    };
    const percent = (name: string): string => {
      const q = bytesRatio(name);
      if (q === undefined) return '–';
      return `${(q * 100).toFixed(q < 0.001 ? 3 : q < 0.1 ? 2 : 1)} %${scansSnapshots.get(name) ? '' : ' (reference data only)'}`;
    };

    const { database, table: snapshotTable } = world.repo.org.glue;
    const lines: string[] = [];
    const enumList = (ns: number[]) => ns.map(count).join(', ');
    lines.push(
      `# Trino ${TRINO_VERSION}: dashboard data sets and report over the compacted tables (against the size of projection.account.values) and over the raw snapshot table`,
      '',
      `- Date: ${new Date().toISOString()} (today = ${world.today})`,
      `- Engines: Trino ${TRINO_VERSION} single node (JVM heap ${TRINO_HEAP}, query.max-memory 1GB, hive.split-loader-concurrency ${SPLIT_LOADER_CONCURRENCY}, listings of both snapshot tables cached for 24h; otherwise the suite's catalog) over moto ${MOTO_VERSION} (Glue and S3)`,
      `- World: ${ACCOUNTS} generated accounts × ${regions} regions (${world.repo.org.regions.join(', ')}) × ${world.days} days of snapshots (from ${data.firstSnapshotDay}); ` +
        `projection.startDate ${startDate} as shipped (${count(rangeDays)} days to today); compliance.trendDays ${trendDays} and windowDays ${windowDays} as shipped ` +
        `(the views read the last ${trendDays} days, so every day of data; the summaries count each account/region's newest snapshot of the last ${windowDays} days)`,
      `- S3 (moto): ${count(data.snapshots.files)} snapshot files, ${bytes(data.snapshots.bytes)} (${count(data.snapshots.bytes)} bytes, gzip JSON); ` +
        `compacted tables (written by our compaction): ${count(data.compacted.files)} Parquet objects, ${bytes(data.compacted.bytes)} (${count(data.compacted.bytes)} bytes); ` +
        `reference data: ${count(data.other.files)} objects, ${bytes(data.other.bytes)}`,
      `- compacted: the ${world.views.length} views as shipped in "${database}" (daily_evaluations and freshness over compacted_evaluations and compacted_files). ` +
        `raw: ${raw.views} views in the Glue database "${RAW_DB}": daily_evaluations and freshness as before compaction (${RAW_VIEWS_DIR}/, over ${raw.table.name}), every other view as shipped; both read the same reference tables`,
      `- Raw table: ${raw.table.name} is a copy of "${database}"."${snapshotTable}" as our apply wrote it (Glue GetTable: same columns, SerDe, location and parameters) except projection.dt.range \`${raw.table.copyRange}\` instead of \`${raw.table.realRange}\` ` +
        `(${RAW_RANGE_MARGIN_DAYS} days before the later of the trend window's first day, ${raw.table.trendStart}, and the first snapshot, ${data.firstSnapshotDay}). ` +
        `Why: on the shipped range Trino enumerates every projected partition and lists every day of the window on moto (one request at a time) on each scan, minutes per raw query; ` +
        "input bytes and rows are unaffected (no file lies outside the copy's range), only the raw time, which is for information",
      `- Enum sizes of the real snapshot table's projection.account.values: ${enumList(measured)}; the first is what our apply wrote for the generated accounts, the others add synthetic ids with no data (UpdateTable behind our back). ` +
        `The compacted variant runs every query at each size; the raw variant at @${count(base)} only (its copy keeps that enum). The compacted tables have no account in their projection (dt only)`,
      `- Partitions: raw copy, ConfigSnapshot partitions one scan admits @${count(base)}: ${count(base * regions * Math.min(copyDays, trendDays + 1))} (enum × ${regions} regions × ${Math.min(copyDays, trendDays + 1)} days), ` +
        `of ${count(base * regions * copyDays * 2)} projected (× ${count(copyDays)} days × 2 item types; ${count(base * regions * rangeDays * 2)} on the shipped range); ` +
        `compacted tables: ${trendDays + 1} day partitions admitted of ${count(rangeDays)} projected, at any enum`,
      `- Each compacted measurement: fastest of up to ${REPEATS} runs, ${Math.max(REPEATS, FAST_REPEATS)} while the fastest is under ${seconds(FAST_UNDER_MS)} (a run that fails, times out or takes over ${seconds(REPEAT_UNDER_MS)} is not repeated); ` +
        `raw: ${RAW_REPEATS} run${RAW_REPEATS === 1 ? '' : 's'}; query_max_run_time ${TIMEOUT_MIN} min; time is the client's wall time from POST to the last page; ` +
        "input bytes are Trino's physical input bytes (what the connector read from S3: Athena's \"data scanned\"), at our enum; the raw variant is not warmed up (its first query lists the copy's partitions). " +
        'Data set refreshes are the SQL of their physical and logical tables (joins included, filters and calculated columns left to SPICE); ' +
        'report queries are runReport’s, run one at a time',
      '',
    );
    const compactedCols = measured.map((n) => `compacted @${count(n)}`).join(' | ');
    lines.push(
      `| query (views) | rows | same rows raw = compacted @${count(base)} | ${compactedCols} | compacted ratio @${count(top)} / @${count(base)} | ≤ ${TIME_RATIO_TARGET} | raw @${count(base)} (information) | input bytes compacted | input bytes raw | compacted / raw | ≤ ${BYTES_RATIO_TARGET * 100} % |`,
      `|---|---|---|${measured.map(() => '---|').join('')}---|---|---|---|---|---|---|`,
    );
    for (const name of names) {
      const b = get(base, name);
      const what = reads.get(name) ? `${name} (${reads.get(name)})` : name;
      const same = sameRows.get(name);
      lines.push(
        [
          '',
          cell(what),
          b?.ok ? count(b.rows) : '–',
          same ? (same.same ? 'yes' : same.text.startsWith('DIFFERENT') ? 'NO' : 'not compared') : '–',
          ...measured.map((n) => time(get(n, name))),
          ratio(get(top, name), b),
          timeVerdict(name),
          time(rawResults.get(name)),
          bytes(input(b)),
          bytes(input(rawResults.get(name))),
          percent(name),
          bytesVerdict(name),
          '',
        ]
          .join(' | ')
          .trim(),
      );
    }

    const timeFails = names.filter((n) => timeVerdict(n) !== 'PASS');
    const bytesChecked = names.filter((n) => scansSnapshots.get(n));
    const bytesFails = bytesChecked.filter((n) => bytesVerdict(n) !== 'PASS');
    const compared = subjects.map((s) => s.name);
    const notSame = WITH_RAW ? compared.filter((n) => !sameRows.get(n)?.same) : [];
    lines.push(
      '',
      top === base
        ? `- Time, compacted views, @${count(top)} / @${count(base)} ≤ ${TIME_RATIO_TARGET}: not measured (no wider enum)`
        : `- Time, compacted views, @${count(top)} / @${count(base)} ≤ ${TIME_RATIO_TARGET}: ${timeFails.length ? `FAIL for ${timeFails.length} of ${names.length} (${timeFails.join('; ')})` : `PASS for all ${names.length} queries`}`,
      `- Input bytes, compacted / raw ≤ ${BYTES_RATIO_TARGET * 100} % (the ${bytesChecked.length} queries that read snapshot data; the others read the same reference tables in both): ${bytesFails.length ? `FAIL for ${bytesFails.length} (${bytesFails.join('; ')})` : 'PASS for all'}`,
      `- Same rows, raw variant and compacted variant at @${count(base)}: ${!WITH_RAW ? 'not compared (BENCH_RAW=0)' : notSame.length ? `NOT for ${notSame.length} of ${compared.length} (${notSame.map((n) => `${n}: ${sameRows.get(n)?.text ?? 'not measured'}`).join('; ')})` : `yes for all ${compared.length} queries`}`,
    );
    lines.push(
      '',
      'Details (physical input bytes, processed bytes, planning time from the query info, CPU time, each run in seconds; rows compared by digest):',
      '',
      '| query | variant | enum | physical input | processed | planning | CPU | runs | digest |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    const detail = (name: string, variant: Variant, n: number, m: Measurement | undefined) => {
      if (!m) return;
      if (!m.ok) {
        lines.push(
          `| ${cell(name)} | ${variant} | ${count(n)} | | | | | ${time(m)}: ${cell(m.message.slice(0, 600))} | |`,
        );
        return;
      }
      const cpu = m.stats.cpuTimeMillis === undefined ? '–' : seconds(m.stats.cpuTimeMillis);
      const plan = m.planningMs === undefined ? '–' : seconds(m.planningMs);
      const runs = m.runs.map((r) => (r / 1000).toFixed(1)).join(', ');
      lines.push(
        `| ${cell(name)} | ${variant} | ${count(n)} | ${bytes(m.stats.physicalInputBytes)} | ${bytes(m.stats.processedBytes)} | ${plan} | ${cpu} | ${runs} | ${m.answer?.digest ?? ''} |`,
      );
    };
    for (const name of names) {
      for (const n of measured) detail(name, 'compacted', n, get(n, name));
      detail(name, 'raw', base, rawResults.get(name));
    }
    const differences = compared.filter((n) => sameRows.get(n)?.text.startsWith('DIFFERENT'));
    if (differences.length) {
      lines.push('', 'Differences between the variants:', '');
      for (const n of differences) lines.push(`- ${n}: ${sameRows.get(n)?.text}`);
    }
    lines.push(
      '',
      `Time per enum size: ${measured.map((n) => `@${count(n)} ${seconds(sizeTimes.get(n) ?? 0)}`).join(', ')} (@${count(base)}: both variants)`,
    );
    lines.push('', 'World phases:', '');
    for (const [phase, ms] of world.timings) lines.push(`- ${phase}: ${seconds(ms)}`);
    lines.push('', `Total bench time (world included): ${seconds(Date.now() - benchStarted)}`, '');

    const text = lines.join('\n');
    const dir = join(tmpdir(), 'org-compliance-integration');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `trino-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
    await writeFile(file, text);
    process.stdout.write(`\n${text}\n(written to ${file})\n`);
    // Equal work, or the comparison means nothing: asserted after the figures are written.
    if (notSame.length)
      throw new Error(
        `raw and compacted variants differ (or were not compared) at @${count(base)} for: ${notSame
          .map((n) => `${n}: ${sameRows.get(n)?.text ?? 'not measured'}`)
          .join('; ')} (figures in ${file})`,
      );
  },
  2 * 3_600_000,
);
