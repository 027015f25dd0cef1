/**
 * The local target's Athena: DuckDB over the S3-shaped tree of snapshot files, seeing exactly
 * what Athena would see through the deployed Glue table (its columns, SerDe mappings, location
 * template and partition projection), with the views of sql/ translated from Athena's dialect.
 */

import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { isCompactedTable } from '../../desired/compacted-tables.js';
import { errorMessage } from '../../model/errors.js';
import type { AthenaViewProperties, GlueTableProperties } from '../../model/resources.js';
import { duckDbType, parseHiveType, serdeMapping } from './hive-types.js';
import { TRINO_MACROS } from './macros.js';
import { type PartitionFile, projectionOf, selectFiles } from './partitions.js';
import { TranspileCache } from './transpile-cache.js';

/** Athena fails a row (here: one file) over 32 MB; the local engine refuses the same. */
export const ATHENA_MAX_ROW_BYTES = 32 * 1024 * 1024;

export class ViewError extends Error {
  override name = 'ViewError';
  constructor(
    readonly view: string,
    readonly detail: string,
  ) {
    super(`View ${view} failed in DuckDB: ${detail}`);
  }
}

export interface EngineOptions {
  /** The local target's `s3/` directory: `<s3Root>/<bucket>/<key>`. */
  s3Root: string;
  table: GlueTableProperties;
  /**
   * Unpartitioned JSON-lines tables beside it (the reference tables: accounts, rules, exceptions),
   * read from the objects directly under each one's location, as Athena reads them.
   */
  tables?: GlueTableProperties[];
  /** The day `NOW` means in the dt projection, `YYYY-MM-DD`. */
  today: string;
  /** DuckDB threads; default DuckDB's own choice. */
  threads?: number;
  /**
   * DuckDB's memory limit (`memory_limit`, e.g. `512MB`): beyond it, intermediate results spill
   * to the temporary directory. Default DuckDB's own (80 % of the machine's memory).
   */
  memoryLimit?: string;
  /**
   * A file where translations of Athena SQL for DuckDB are kept from one run to the next
   * (src/engines/duckdb/transpile-cache.ts); default none (kept for the engine's life only).
   */
  transpileCache?: string;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

async function listKeys(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) =>
        relative(dir, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
          .split(sep)
          .join('/'),
      );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** JSON-friendly value: dates as YYYY-MM-DD, big integers as numbers when safe. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return v;
}

export class DuckDbEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly raw: { table: GlueTableProperties; s3Root: string },
    private readonly today: string,
    private readonly transpiler: TranspileCache,
  ) {}

  /** The raw snapshot table's files, once it was created (it is made on first use). */
  files: PartitionFile[] | undefined;
  #rawReady: Promise<void> | undefined;

  static async open(options: EngineOptions): Promise<DuckDbEngine> {
    const { table } = options;
    const instance = await DuckDBInstance.create(':memory:', {
      // What does not fit in memory spills to the OS's temporary directory, never into the
      // working directory (DuckDB's default is ./.tmp, which a checkout would then carry).
      temp_directory: join(tmpdir(), 'org-compliance-duckdb'),
      ...(options.threads ? { threads: String(options.threads) } : {}),
      ...(options.memoryLimit ? { memory_limit: options.memoryLimit } : {}),
    });
    const connection = await instance.connect();
    const engine = new DuckDbEngine(
      instance,
      connection,
      { table, s3Root: options.s3Root },
      options.today,
      await TranspileCache.open(options.transpileCache),
    );
    for (const macro of TRINO_MACROS) await engine.run(macro);
    await engine.run(`CREATE SCHEMA IF NOT EXISTS ${quote(table.database)}`);
    for (const reference of options.tables ?? [])
      await engine.createReferenceTable(reference, options.s3Root);
    return engine;
  }

  private async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /**
   * The raw snapshot table is created when a statement first names it: listing the snapshot tree
   * and binding a view over every file costs seconds at a few hundred accounts, and the shipped
   * views read the compacted tables instead. Ad-hoc queries and views of one's own that read it
   * get it as before.
   */
  private async ensureRaw(sql: string): Promise<void> {
    const { database, name } = this.raw.table;
    const mention = new RegExp(`"?${database}"?\\s*\\.\\s*"?${name}"?(?![A-Za-z0-9_])`, 'i');
    if (this.#rawReady === undefined && !mention.test(sql)) return;
    this.#rawReady ??= (async () => {
      const projection = projectionOf(this.raw.table, this.today);
      const bucketDir = join(this.raw.s3Root, projection.bucket);
      this.files = selectFiles(await listKeys(bucketDir), projection);
      await this.createTable(this.raw.table, this.files, bucketDir, projection.bucket);
    })();
    await this.#rawReady;
  }

  /**
   * The table as a view over the files the projection selects. `"$path"` is the object's S3 URI
   * (`s3://bucket/key`), as Athena and Trino give it, not the local file's path.
   */
  private async createTable(
    table: GlueTableProperties,
    files: readonly PartitionFile[],
    bucketDir: string,
    bucket: string,
  ): Promise<void> {
    const schema = quote(table.database);
    await this.run(
      `CREATE TABLE ${schema}."__partitions" (path VARCHAR, uri VARCHAR, account VARCHAR, region VARCHAR, dt VARCHAR, itemtype VARCHAR)`,
    );
    const appender = await this.connection.createAppender('__partitions', table.database);
    for (const f of files) {
      appender.appendVarchar(join(bucketDir, f.key));
      appender.appendVarchar(`s3://${bucket}/${f.key}`);
      appender.appendVarchar(f.account);
      appender.appendVarchar(f.region);
      appender.appendVarchar(f.dt);
      appender.appendVarchar(f.itemtype);
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();

    const mapping = serdeMapping(table.serdeParameters);
    const columns = table.columns.map((c) => ({
      hive: c.name.toLowerCase(),
      json: mapping[c.name.toLowerCase()] ?? c.name,
      type: duckDbType(parseHiveType(c.type), mapping),
    }));
    const partitionCols = table.partitionKeys.map((p) => `p.${quote(p.name)}`).join(', ');
    const tableName = `${schema}.${quote(table.name)}`;
    if (files.length === 0) {
      const empty = columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quote(c.hive)}`).join(', ');
      await this.run(
        `CREATE VIEW ${tableName} AS SELECT ${empty}, ${table.partitionKeys.map((p) => `CAST(NULL AS VARCHAR) AS ${quote(p.name)}`).join(', ')}, CAST(NULL AS VARCHAR) AS "$path" WHERE false`,
      );
      return;
    }
    const list = `[${files.map((f) => literal(join(bucketDir, f.key))).join(', ')}]`;
    const spec = `{${columns.map((c) => `${literal(c.json)}: ${literal(c.type)}`).join(', ')}}`;
    const select = columns.map((c) => `r.${quote(c.json)} AS ${quote(c.hive)}`).join(', ');
    const body = `SELECT ${select}, ${partitionCols}, p.uri AS "$path" FROM read_json(${list}, columns = ${spec}, filename = true, format = 'auto', maximum_object_size = ${ATHENA_MAX_ROW_BYTES}) AS r JOIN ${schema}."__partitions" AS p ON p.path = r.filename`;
    // A view: the views read the compacted tables, so nothing reads every snapshot file unless a
    // query asks for the raw table.
    await this.run(`CREATE VIEW ${tableName} AS ${body}`);
  }

  /**
   * An unpartitioned JSON-lines table over the objects directly under its location (Hive skips
   * names starting with `_` or `.`, and so does this), typed by its Glue columns.
   */
  private async createReferenceTable(table: GlueTableProperties, s3Root: string): Promise<void> {
    if (isCompactedTable(table)) return this.createCompactedTable(table, s3Root);
    const location = /^s3:\/\/([^/]+)\/(.*)$/.exec(table.location);
    if (!location || table.partitionKeys.length > 0) {
      throw new Error(
        `The local engine reads unpartitioned tables at s3://<bucket>/<prefix>/ only; ${table.database}.${table.name} is at '${table.location}'`,
      );
    }
    const dir = join(s3Root, location[1] as string, location[2] as string);
    const files: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (!entry.isFile() || /^[_.]/.test(entry.name) || entry.name.endsWith('.tmp')) continue;
      if ((await stat(join(dir, entry.name))).size > 0) files.push(join(dir, entry.name));
    }
    const columns = table.columns.map((c) => ({ name: c.name, type: duckDbType(parseHiveType(c.type), {}) }));
    const name = `${quote(table.database)}.${quote(table.name)}`;
    await this.run(`CREATE SCHEMA IF NOT EXISTS ${quote(table.database)}`);
    if (files.length === 0) {
      const empty = columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quote(c.name)}`).join(', ');
      await this.run(`CREATE OR REPLACE VIEW ${name} AS SELECT ${empty} WHERE false`);
      return;
    }
    const spec = `{${columns.map((c) => `${literal(c.name)}: ${literal(c.type)}`).join(', ')}}`;
    const list = `[${files.map(literal).join(', ')}]`;
    await this.run(
      `CREATE OR REPLACE VIEW ${name} AS SELECT ${columns.map((c) => quote(c.name)).join(', ')} FROM read_json(${list}, columns = ${spec}, format = 'newline_delimited')`,
    );
  }

  /**
   * A compacted table (Parquet, partitioned by an ISO day `dt`, projected as a date): the objects
   * under `<location>dt=<day>/` for every day of the projection's range, as Athena reads them
   * (names starting with `_` or `.`, and objects still being written, are skipped).
   */
  private async createCompactedTable(table: GlueTableProperties, s3Root: string): Promise<void> {
    const location = /^s3:\/\/([^/]+)\/(.*)$/.exec(table.location);
    const range = (table.parameters['projection.dt.range'] ?? '').split(',');
    if (!location || table.parameters['projection.dt.format'] !== 'yyyy-MM-dd' || range.length !== 2) {
      throw new Error(
        `The local engine reads compacted tables at s3://<bucket>/<prefix>/dt=<yyyy-MM-dd>/ with a dt date projection only; ${table.database}.${table.name} is not one`,
      );
    }
    const [from, to] = range.map((d) => (d === 'NOW' ? this.today : d)) as [string, string];
    const dir = join(s3Root, location[1] as string, location[2] as string);
    const files: string[] = [];
    for (const day of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const dt = /^dt=(\d{4}-\d{2}-\d{2})$/.exec(day.name)?.[1];
      if (!day.isDirectory() || dt === undefined || dt < from || dt > to) continue;
      for (const entry of await readdir(join(dir, day.name), { withFileTypes: true })) {
        if (entry.isFile() && !/^[_.]/.test(entry.name) && entry.name.endsWith('.parquet'))
          files.push(join(dir, day.name, entry.name));
      }
    }
    const columns = [...table.columns, ...table.partitionKeys].map((c) => ({
      name: c.name,
      type: duckDbType(parseHiveType(c.type), {}),
    }));
    const name = `${quote(table.database)}.${quote(table.name)}`;
    await this.run(`CREATE SCHEMA IF NOT EXISTS ${quote(table.database)}`);
    if (files.length === 0) {
      const empty = columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quote(c.name)}`).join(', ');
      await this.run(`CREATE OR REPLACE VIEW ${name} AS SELECT ${empty} WHERE false`);
      return;
    }
    const list = `[${files.sort().map(literal).join(', ')}]`;
    const select = columns.map((c) => `CAST(${quote(c.name)} AS ${c.type}) AS ${quote(c.name)}`).join(', ');
    await this.run(
      `CREATE OR REPLACE VIEW ${name} AS SELECT ${select} FROM read_parquet(${list}, hive_partitioning = true, hive_types = {'dt': 'VARCHAR'})`,
    );
  }

  /** Creates (or replaces) a view from its Athena SQL. */
  async createView(view: AthenaViewProperties): Promise<void> {
    let sql: string;
    try {
      sql = await this.transpiler.toDuckDb(view.sql);
    } catch (e) {
      throw new ViewError(view.name, errorMessage(e));
    }
    try {
      await this.ensureRaw(sql);
      // Views stay views, computed by each query that reads them: over the compacted Parquet,
      // DuckDB reads only the columns and days a query needs, and computing a report's views once
      // into tables held every evaluation of the window in memory (twice the peak) for no time
      // gained (measured at 200 accounts: 1.5 s either way, 576 MB against 290 MB).
      await this.run(`CREATE OR REPLACE VIEW ${quote(view.database)}.${quote(view.name)} AS ${sql}`);
    } catch (e) {
      throw new ViewError(view.name, errorMessage(e).split('\n')[0] ?? String(e));
    }
  }

  async dropView(database: string, name: string): Promise<void> {
    await this.run(`DROP VIEW IF EXISTS ${quote(database)}.${quote(name)}`);
  }

  /** Runs Athena SQL (translated) and returns rows as plain objects. */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    return this.queryDuckDb(await this.transpiler.toDuckDb(sql));
  }

  async queryDuckDb(sql: string): Promise<Record<string, unknown>[]> {
    await this.ensureRaw(sql);
    const reader = await this.connection.runAndReadAll(sql);
    const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Creates views so that each comes after the views it names as `"<database>"."<view>"`. */
export async function createViewsInOrder(
  engine: DuckDbEngine,
  views: AthenaViewProperties[],
  onError: (view: AthenaViewProperties, error: Error) => void = (_, e) => {
    throw e;
  },
): Promise<void> {
  const byName = new Map(views.map((v) => [v.name, v]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = async (v: AthenaViewProperties): Promise<void> => {
    if (done.has(v.name) || visiting.has(v.name)) return;
    visiting.add(v.name);
    const refs = [...v.sql.matchAll(new RegExp(`"${v.database}"\\."([a-z_][a-z0-9_]*)"`, 'g'))].map(
      (m) => m[1] as string,
    );
    for (const r of refs) {
      const dep = byName.get(r);
      if (dep && dep !== v) await visit(dep);
    }
    try {
      await engine.createView(v);
    } catch (e) {
      onError(v, e as Error);
    }
    visiting.delete(v.name);
    done.add(v.name);
  };
  for (const v of views) await visit(v);
}
