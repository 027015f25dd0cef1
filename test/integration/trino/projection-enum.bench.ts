/**
 * Benchmark for issue 13, not part of the integration suite (`npm run bench:trino`): what the
 * size of the snapshot table's `projection.account.values` enum costs on Trino with the shipped
 * `projection.startDate` and the compliance window defaults.
 *
 * One world (40 accounts × 4 regions × 30 days of snapshots on moto, our apply's Glue table, the
 * views created through our provider), then every dashboard data set refresh (the query a SPICE
 * refresh sends, built from quicksight/data-sets/) and every query of the report (as runReport
 * sends them, one at a time), first with the enum our apply wrote, then with the enum widened by
 * UpdateTable behind our back (the same accounts plus synthetic ids with no data) to each size of
 * BENCH_ENUMS. Before each size, `EXPLAIN` of the freshness refresh times the planning alone (the
 * projection's partitions are enumerated and pruned there). Results are printed as Markdown and
 * written beside Trino's logs.
 *
 * Each measurement is the fastest of BENCH_REPEATS runs; a run that fails, times out
 * (query_max_run_time) or takes longer than BENCH_REPEAT_UNDER_S is not repeated. With a wider
 * enum, once the freshness refresh (one scan of the table, the least any view makes) has timed
 * out, the other queries that scan the table are not run: they scan the same partitions at least
 * once and are reported as over the timeout, marked "inferred".
 *
 * Settings (environment): BENCH_ENUMS (wider enum sizes, default 5000), BENCH_PLAN_ENUMS (sizes
 * with EXPLAIN only, default 540,1040), BENCH_TIMEOUT_MIN (per query at a wider enum, default 10),
 * BENCH_BASE_TIMEOUT_MIN (per query at our own enum, default 30), BENCH_REPEATS
 * (default 2), BENCH_REPEAT_UNDER_S (default 120), BENCH_BUDGET_MIN (no measurement starts after
 * it, default 300), BENCH_ONLY (names to measure, comma-separated substrings), BENCH_WHOLE_REPORT
 * (1: also time runReport as shipped, its queries at once), BENCH_TRINO_HEAP (default 6G: the
 * suite's 2G runs out while planning a scan of the 5,000-account enum),
 * BENCH_SPLIT_LOADER_CONCURRENCY (default 4, see below), BENCH_ACCOUNTS,
 * BENCH_REGIONS, BENCH_DAYS.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, it } from 'vitest';
import { desiredResources } from '../../../src/desired/index.js';
import type { QuickSightProperties } from '../../../src/model/quicksight.js';
import { runReport } from '../../../src/pipeline/report.js';
import type { Row } from '../../../src/report/compliance.js';
import { MOTO_VERSION, motoS3Client } from '../harness/moto.js';
import {
  progress,
  TRINO_VERSION,
  type TrinoClient,
  TrinoQueryError,
  type TrinoQueryStats,
} from '../harness/trino.js';
import { buildWorld, desiredTable, updateTableBehindOurBack, type World } from './world.js';

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
const PLAN_ENUMS = envSizes('BENCH_PLAN_ENUMS', '540,1040');
const TIMEOUT_MIN = envNumber('BENCH_TIMEOUT_MIN', 10);
const BASE_TIMEOUT_MIN = envNumber('BENCH_BASE_TIMEOUT_MIN', 30);
const REPEATS = envNumber('BENCH_REPEATS', 2);
const REPEAT_UNDER_MS = envNumber('BENCH_REPEAT_UNDER_S', 120) * 1000;
const BUDGET_MS = envNumber('BENCH_BUDGET_MIN', 300) * 60_000;
const ONLY = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const WHOLE_REPORT = process.env.BENCH_WHOLE_REPORT === '1';
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
const REFERENCE_VIEWS = new Set(['accounts', 'catalog_rules', 'exceptions', 'projection']);
const WHOLE = 'report: runReport as shipped (its queries at once)';

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
    }
  | {
      ok: false;
      ms: number;
      reason: 'timeout' | 'inferred-timeout' | 'error' | 'skipped';
      message: string;
      /** query_max_run_time in minutes, for a timeout. */
      limitMin?: number;
    };
type Success = Extract<Measurement, { ok: true }>;

interface Subject {
  name: string;
  /** The views it reads. */
  reads: string[];
  sql: string;
}

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
      // The suite keeps listings for 1 h; the bench runs longer, and every query should find the
      // same listings cached (the non-empty directories; empty ones are listed again each time).
      'hive.file-status-cache-expire-time': '24h',
    },
  });
}, 1_800_000);

afterAll(async () => {
  await world?.stop();
});

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

function dataSetSubjects(): Subject[] {
  return desiredResources(world.repo, world.today, { quickSightAccountId: QUICKSIGHT_ACCOUNT })
    .filter((d) => d.kind === 'quicksight-data-set')
    .map((d) => {
      const props = d.properties as QuickSightProperties;
      return { name: `data set ${props.id}`, ...refreshSql(props.body) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The report's queries, exactly as runReport sends them (recorded with empty answers). */
async function reportSubjects(): Promise<Subject[]> {
  const recorded: Subject[] = [];
  try {
    await runReport(
      world.repo,
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

/**
 * Runs `once` up to REPEATS times and keeps the fastest; a run that fails or takes longer than
 * REPEAT_UNDER_MS ends the repeats.
 */
async function repeat(
  label: string,
  limitMin: number,
  once: () => Promise<Omit<Success, 'ok' | 'ms' | 'runs'>>,
): Promise<Measurement> {
  const runs: number[] = [];
  let best: Success | undefined;
  for (let run = 1; run <= REPEATS; run++) {
    if (overBudget()) {
      if (best) break;
      return { ok: false, ms: 0, reason: 'skipped', message: 'not run: over BENCH_BUDGET_MIN' };
    }
    const started = Date.now();
    let result: Omit<Success, 'ok' | 'ms' | 'runs'>;
    try {
      result = await once();
    } catch (e) {
      const failed = failure(e, Date.now() - started, limitMin);
      progress(`${label} run ${run}: ${failed.reason} after ${seconds(failed.ms)}: ${failed.message}`);
      if (best) break;
      return failed;
    }
    const ms = Date.now() - started;
    runs.push(ms);
    progress(
      `${label} run ${run}: ${seconds(ms)}, ${count(result.rows)} rows, processed ${bytes(result.stats.processedBytes)}`,
    );
    if (!best || ms < best.ms) best = { ok: true, ms, runs, ...result };
    if (ms > REPEAT_UNDER_MS) break;
  }
  if (!best) return { ok: false, ms: 0, reason: 'skipped', message: 'no run' };
  return { ...best, runs };
}

function measure(client: TrinoClient, subject: Subject, label: string): Promise<Measurement> {
  return repeat(`${label} ${subject.name}`, limitOf(client), async () => {
    const r = await client.queryWithStats(subject.sql);
    return { rows: r.rows.length, stats: r.stats, planningMs: await planningMs(client, r.queryId) };
  });
}

/** runReport as shipped (its queries at once), timed as a whole; bytes and CPU summed over its queries. */
function measureWholeReport(client: TrinoClient, label: string): Promise<Measurement> {
  return repeat(`${label} whole report`, limitOf(client), async () => {
    const stats: TrinoQueryStats[] = [];
    let rows = 0;
    await runReport(
      world.repo,
      async (sql): Promise<Row[]> => {
        const r = await client.queryWithStats(sql);
        stats.push(r.stats);
        rows += r.rows.length;
        return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i] ?? null])));
      },
      world.today,
    );
    const sum = (k: 'processedBytes' | 'physicalInputBytes' | 'cpuTimeMillis') =>
      stats.reduce((a, s) => a + (s[k] ?? 0), 0);
    return {
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

/** `EXPLAIN` of `subject`: planning only (enumeration and pruning of the projection), nothing listed. */
async function explain(client: TrinoClient, subject: Subject, label: string): Promise<Measurement> {
  const started = Date.now();
  try {
    const r = await client.queryWithStats(`EXPLAIN ${subject.sql}`);
    const ms = Date.now() - started;
    progress(`${label} EXPLAIN ${subject.name}: ${seconds(ms)}`);
    return { ok: true, ms, runs: [ms], rows: r.rows.length, stats: r.stats, planningMs: ms };
  } catch (e) {
    const failed = failure(e, Date.now() - started, limitOf(client));
    progress(
      `${label} EXPLAIN ${subject.name}: ${failed.reason} after ${seconds(failed.ms)}: ${failed.message}`,
    );
    return failed;
  }
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
  if (m.reason === 'inferred-timeout') return `> ${m.limitMin} min (inferred)`;
  if (m.reason === 'skipped') return 'not run';
  return `error after ${seconds(m.ms)}`;
}

function ratio(big: Measurement | undefined, base: Measurement | undefined): string {
  if (!base?.ok || !big) return '–';
  if (big.ok) return (big.ms / base.ms).toFixed(2);
  if ((big.reason === 'timeout' || big.reason === 'inferred-timeout') && big.limitMin !== undefined)
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

/** Objects in the snapshot bucket on moto: under the snapshot table's location, and the rest. */
async function bucketContents(prefix: string): Promise<{ snapshots: Contents; other: Contents }> {
  const s3 = motoS3Client(world.moto, 'us-east-1');
  const totals = { snapshots: { files: 0, bytes: 0 }, other: { files: 0, bytes: 0 } };
  try {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: world.repo.org.snapshots.bucket,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const o of page.Contents ?? []) {
        const into = o.Key?.startsWith(prefix) ? totals.snapshots : totals.other;
        into.files++;
        into.bytes += o.Size ?? 0;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    s3.destroy();
  }
  return totals;
}

// ---------------------------------------------------------------------------------------------

it(
  'measures the dashboard data sets and the report against the size of the account enum',
  async () => {
    const withLimit = (min: number) =>
      world.client.withSession({ properties: { query_max_run_time: `${min}m` } });
    const table = desiredTable(world.repo, world.today).properties;
    const ours = (table.parameters['projection.account.values'] ?? '').split(',').filter(Boolean);
    const data = await bucketContents(table.location.replace(/^s3:\/\/[^/]+\//, ''));
    const dataSets = dataSetSubjects();
    // The freshness refresh first: it scans the table once, the least any view does.
    const probe = dataSets.find((s) => s.reads.includes('freshness'));
    if (!probe) throw new Error('no data set reads the freshness view');
    const all = [
      ...dataSets.filter((s) => !readsSnapshots(s)),
      probe,
      ...dataSets.filter((s) => readsSnapshots(s) && s !== probe),
      ...(await reportSubjects()),
    ];
    const subjects = ONLY.length ? all.filter((s) => ONLY.some((o) => s.name.includes(o))) : all;
    // Every query is planned once first, so a refresh query this file gets wrong fails in seconds.
    for (const subject of all) {
      await world.client.query(`EXPLAIN ${subject.sql}`).catch((e: Error) => {
        throw new Error(`${subject.name} does not plan on Trino: ${e.message}\n${subject.sql}`, { cause: e });
      });
    }
    progress(`${all.length} queries plan on Trino`);

    const { startDate } = world.repo.org.projection;
    const { trendDays, windowDays } = world.repo.org.compliance;
    const regions = world.repo.org.regions.length;
    const rangeDays =
      Math.round(
        (Date.parse(`${world.today}T00:00:00Z`) - Date.parse(`${startDate}T00:00:00Z`)) / 86_400_000,
      ) + 1;
    const measured = [ours.length, ...MEASURE_ENUMS.filter((n) => n > ours.length)];
    const sizes = [...new Set([...measured, ...PLAN_ENUMS.filter((n) => n > ours.length)])].sort(
      (a, b) => a - b,
    );
    const allIds = [...ours, ...syntheticAccounts(Math.max(...sizes) - ours.length, new Set(ours))];

    const results = new Map<number, Map<string, Measurement>>();
    const planning = new Map<number, Measurement>();
    const sizeTimes = new Map<number, number>();
    for (const size of sizes) {
      const label = `[enum ${count(size)}]`;
      const started = Date.now();
      const limitMin = size === ours.length ? BASE_TIMEOUT_MIN : TIMEOUT_MIN;
      const client = withLimit(limitMin);
      if (size !== ours.length) {
        const ids = allIds.slice(0, size).sort();
        await updateTableBehindOurBack(world, (p) => {
          p.parameters['projection.account.values'] = ids.join(',');
        });
        progress(`${label} projection.account.values now holds ${count(ids.length)} accounts`);
      } else {
        // Warms Trino's listing cache (non-empty directories) the same way for every enum size.
        progress(`${label} warm-up: one untimed scan (the freshness refresh)`);
        await client.query(probe.sql).catch((e: Error) => progress(`${label} warm-up failed: ${e.message}`));
      }
      planning.set(size, await explain(client, probe, label));
      if (measured.includes(size)) {
        const bySubject = new Map<string, Measurement>();
        results.set(size, bySubject);
        let probeTimedOut = false;
        for (const subject of subjects) {
          if (probeTimedOut && readsSnapshots(subject)) {
            bySubject.set(subject.name, {
              ok: false,
              ms: 0,
              reason: 'inferred-timeout',
              message: `not run: ${probe.name} (one scan of the same partitions) timed out`,
              limitMin,
            });
            continue;
          }
          const m = await measure(client, subject, label);
          bySubject.set(subject.name, m);
          if (subject === probe && size !== ours.length && !m.ok && m.reason === 'timeout')
            probeTimedOut = true;
        }
        if (WHOLE_REPORT) {
          bySubject.set(
            WHOLE,
            probeTimedOut
              ? {
                  ok: false,
                  ms: 0,
                  reason: 'inferred-timeout',
                  message: `not run: ${probe.name} timed out`,
                  limitMin,
                }
              : await measureWholeReport(client, label),
          );
        }
      }
      sizeTimes.set(size, Date.now() - started);
    }

    const base = ours.length;
    const top = measured[measured.length - 1] as number;
    const names = [...subjects.map((s) => s.name), ...(WHOLE_REPORT ? [WHOLE] : [])];
    const reads = new Map(subjects.map((s) => [s.name, s.reads.join(' + ')]));
    const lines: string[] = [];
    lines.push(
      `# Trino ${TRINO_VERSION}: dashboard data sets and report against the size of projection.account.values`,
      '',
      `- Date: ${new Date().toISOString()} (today = ${world.today})`,
      `- Engines: Trino ${TRINO_VERSION} single node (JVM heap ${TRINO_HEAP}, query.max-memory 1GB, hive.split-loader-concurrency ${SPLIT_LOADER_CONCURRENCY}, hive.file-status-cache-expire-time 24h; otherwise the suite's catalog) over moto ${MOTO_VERSION} (Glue and S3)`,
      `- World: ${ACCOUNTS} generated accounts × ${regions} regions (${world.repo.org.regions.join(', ')}) × ${world.days} days of snapshots; ` +
        `projection.startDate ${startDate} as shipped (${count(rangeDays)} days to today), compliance.windowDays ${windowDays}, trendDays ${trendDays}`,
      `- S3 (moto): ${count(data.snapshots.files)} snapshot files, ${bytes(data.snapshots.bytes)} (${count(data.snapshots.bytes)} bytes, gzip); ` +
        `reference data: ${count(data.other.files)} objects, ${bytes(data.other.bytes)}`,
      `- Enum sizes: ${sizes.map(count).join(', ')}; the first is what our apply wrote for the generated accounts, the others add synthetic ids with no data ` +
        `(all queries at ${measured.map(count).join(' and ')}, EXPLAIN only at ${
          sizes
            .filter((n) => !measured.includes(n))
            .map(count)
            .join(', ') || 'none'
        })`,
      `- ConfigSnapshot partitions one scan of the trend window admits (enum × ${regions} regions × ${trendDays + 1} days): ${sizes
        .map((n) => `@${count(n)} ${count(n * regions * (trendDays + 1))}`)
        .join(
          ', ',
        )}; projected before pruning (enum × ${regions} × ${count(rangeDays)} days × 2 item types): ${sizes
        .map((n) => `@${count(n)} ${count(n * regions * rangeDays * 2)}`)
        .join(', ')}`,
      `- Each measurement: fastest of up to ${REPEATS} runs (a run that fails, times out or takes over ${seconds(REPEAT_UNDER_MS)} is not repeated); ` +
        `query_max_run_time ${BASE_TIMEOUT_MIN} min at @${count(ours.length)}, ${TIMEOUT_MIN} min at wider enums; time is the client's wall time from POST to the last page; bytes are Trino's statement stats. ` +
        'Data set refreshes are the SQL of their physical and logical tables (joins included, filters and calculated columns left to SPICE); ' +
        'report queries are runReport’s, run one at a time.',
      '',
    );
    lines.push(
      `| view | rows | ${measured.map((n) => `time @${count(n)}`).join(' | ')} | ratio @${count(top)} / @${count(base)} | processed bytes @${count(base)} | processed bytes @${count(top)} |`,
      `|---|---|${measured.map(() => '---|').join('')}---|---|---|`,
    );
    for (const name of names) {
      const b = results.get(base)?.get(name);
      const t = results.get(top)?.get(name);
      const what = reads.get(name) ? `${name} (${reads.get(name)})` : name;
      lines.push(
        `| ${cell(what)} | ${b?.ok ? count(b.rows) : '–'} | ${measured.map((n) => time(results.get(n)?.get(name))).join(' | ')} | ${ratio(t, b)} | ${bytes(
          b?.ok ? b.stats.processedBytes : undefined,
        )} | ${bytes(t?.ok ? t.stats.processedBytes : undefined)} |`,
      );
    }
    lines.push('', `Planning alone (EXPLAIN of ${probe.name}):`, '', '| enum | EXPLAIN |', '|---|---|');
    for (const n of sizes) {
      const m = planning.get(n);
      lines.push(
        `| ${count(n)} | ${m?.ok ? seconds(m.ms) : `${time(m)}${m && !m.ok ? `: ${cell(m.message)}` : ''}`} |`,
      );
    }
    lines.push(
      '',
      'Details (physical input bytes, processed bytes, planning time from the query info, CPU time, each run in seconds):',
      '',
      '| view | enum | physical input | processed | planning | CPU | runs |',
      '|---|---|---|---|---|---|---|',
    );
    for (const name of names) {
      for (const n of measured) {
        const m = results.get(n)?.get(name);
        if (!m) continue;
        if (!m.ok) {
          lines.push(
            `| ${cell(name)} | ${count(n)} | | | | | ${time(m)}: ${cell(m.message.slice(0, 600))} |`,
          );
          continue;
        }
        const cpu = m.stats.cpuTimeMillis === undefined ? '–' : seconds(m.stats.cpuTimeMillis);
        const plan = m.planningMs === undefined ? '–' : seconds(m.planningMs);
        const runs = m.runs.map((r) => (r / 1000).toFixed(1)).join(', ');
        lines.push(
          `| ${cell(name)} | ${count(n)} | ${bytes(m.stats.physicalInputBytes)} | ${bytes(m.stats.processedBytes)} | ${plan} | ${cpu} | ${runs} |`,
        );
      }
    }
    lines.push(
      '',
      `Time per enum size: ${sizes.map((n) => `@${count(n)} ${seconds(sizeTimes.get(n) ?? 0)}`).join(', ')}`,
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
  },
  12 * 3_600_000,
);
