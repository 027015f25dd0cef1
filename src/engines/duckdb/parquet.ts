/**
 * The compacted tables' Parquet, written and read by DuckDB (one thread: the extraction workers
 * have the cores). Columns and types follow the Glue tables (src/desired/compacted-tables.ts);
 * rows keep the order they are given in, so the same input gives the same bytes.
 */

import { rename, stat, writeFile } from 'node:fs/promises';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { CompactedFileRecord } from '../../compact/plan.js';
import type { FileRecord, ParquetWriter } from '../../compact/run.js';
import { EVALUATION_COLUMNS, FILE_COLUMNS } from '../../desired/compacted-tables.js';
import type { GlueColumn } from '../../model/resources.js';
import { duckDbType, parseHiveType } from './hive-types.js';

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function columnsSpec(columns: readonly GlueColumn[]): string {
  return `{${columns.map((c) => `${literal(c.name)}: ${literal(duckDbType(parseHiveType(c.type), {}))}`).join(', ')}}`;
}

function emptySelect(columns: readonly GlueColumn[]): string {
  return `SELECT ${columns
    .map((c) => `CAST(NULL AS ${duckDbType(parseHiveType(c.type), {})}) AS "${c.name}"`)
    .join(', ')} WHERE false`;
}

/** The evaluation columns a row line carries, by their short names (src/compact/extract.ts rowLines). */
const SHORT_NAMES: Record<string, string> = {
  member_rule_name: 'm',
  org_rule_name: 'o',
  resource_type: 't',
  resource_id: 'i',
  compliance_type: 'c',
  tags: 'g',
};

/**
 * zstd's level for every column. Measured compacting 30 days of the 200-account demo (1.05 M
 * evaluations): level 3 (DuckDB's default) 16.1 MB, 6 14.9 MB (8 % fewer bytes for every query to
 * read) in 8 % more time, 9 14.3 MB in 24 % more, 15 twice the time (DuckDB writes on one thread).
 */
const ZSTD_LEVEL = 6;

/** Prefix of the session variables holding a day's file columns (see writeEvaluations). */
const FILE_VARIABLE = 'org_compliance_file_';

export class DuckDbParquet implements ParquetWriter {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckDbParquet> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    return new DuckDbParquet(instance, await instance.connect());
  }

  private async copy(select: string, out: string): Promise<void> {
    const partial = `${out}.partial`;
    await this.connection.run(
      `COPY (${select}) TO ${literal(partial)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${ZSTD_LEVEL}, ROW_GROUP_SIZE 122880)`,
    );
    await rename(partial, out);
  }

  private async fromLines(lines: string, columns: readonly GlueColumn[], out: string): Promise<void> {
    const names = columns.map((c) => `"${c.name}"`).join(', ');
    const { size } = await stat(lines);
    const select =
      size === 0
        ? emptySelect(columns)
        : `SELECT ${names} FROM read_json(${literal(lines)}, columns = ${columnsSpec(columns)}, format = 'newline_delimited', maximum_object_size = 134217728)`;
    await this.copy(select, out);
  }

  async writeEvaluations(lines: string, files: readonly FileRecord[], out: string): Promise<void> {
    const { size } = await stat(lines);
    if (size === 0) {
      await this.copy(emptySelect(EVALUATION_COLUMNS), out);
      return;
    }
    const types = new Map(EVALUATION_COLUMNS.map((c) => [c.name, duckDbType(parseHiveType(c.type), {})]));
    const spec = `{'f': 'INTEGER', ${Object.entries(SHORT_NAMES)
      .map(([column, short]) => `${literal(short)}: ${literal(types.get(column) as string)}`)
      .join(', ')}}`;
    // The file's columns from the day's list, by the row's position in it: the lists are set as
    // variables (constants of the statement) and read by index, a projection that keeps the rows'
    // order. (A join would not have to keep it, and sorting again costs more than the rest.)
    const lists: Record<string, (r: FileRecord) => string> = {
      account_id: (r) => r.account_id,
      region: (r) => r.region,
    };
    for (const [column, pick] of Object.entries(lists)) {
      await this.connection.run(
        `SET VARIABLE ${FILE_VARIABLE}${column} = [${files.map((r) => literal(pick(r))).join(', ')}]::VARCHAR[]`,
      );
    }
    const expression = (column: string): string => {
      const short = SHORT_NAMES[column];
      if (short !== undefined) return `"${short}"`;
      if (column in lists) return `getvariable('${FILE_VARIABLE}${column}')[f + 1]`;
      throw new Error(`The compacted rows carry no column ${column}`);
    };
    const select = EVALUATION_COLUMNS.map(
      (c) => `CAST(${expression(c.name)} AS ${types.get(c.name)}) AS "${c.name}"`,
    ).join(', ');
    await this.copy(
      `SELECT ${select} FROM read_json(${literal(lines)}, columns = ${spec}, format = 'newline_delimited', maximum_object_size = 134217728)`,
      out,
    );
  }

  async writeFiles(records: readonly FileRecord[], out: string): Promise<void> {
    const lines = `${out}.json`;
    await writeFile(lines, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    await this.fromLines(lines, FILE_COLUMNS, out);
  }

  /** The files table's rows in these objects (`…/dt=<day>/<name>.parquet`). */
  async readFileRecords(paths: readonly string[]): Promise<CompactedFileRecord[]> {
    if (paths.length === 0) return [];
    const reader = await this.connection.runAndReadAll(
      `SELECT dt, account_id, region, snapshot_file FROM read_parquet([${paths.map(literal).join(', ')}], hive_partitioning = true, hive_types = {'dt': 'VARCHAR'})`,
    );
    return (reader.getRowObjectsJS() as Record<string, unknown>[]).map((r) => ({
      day: String(r.dt),
      account: String(r.account_id),
      region: String(r.region),
      file: String(r.snapshot_file),
    }));
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
