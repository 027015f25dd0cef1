/**
 * Compaction on the local target (docs/compaction.md): the newest snapshot file of each account,
 * region and day, streamed (src/compact/stream.ts), written as one Parquet object per day under
 * `s3/<data.bucket>/<data.prefix>/evaluations/dt=<day>/`, with the files it came from under
 * `…/evaluation-files/dt=<day>/`. DuckDB writes the Parquet. A day is rewritten only when its
 * files changed; each object is written beside and renamed into place, so a reader sees the old
 * day or the new one.
 */

import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  type CompactedFileRecord,
  daysToCompact,
  newestSnapshots,
  type PickedFile,
} from '../../compact/plan.js';
import type { CompactRow } from '../../compact/rows.js';
import { compactSnapshotStream } from '../../compact/stream.js';
import { addDays } from '../../model/dates.js';
import type { GlueTableProperties } from '../../model/resources.js';
import { projectionOf, selectFiles } from './partitions.js';

export interface LocalCompactionOptions {
  /** The local target's `s3/` directory. */
  s3Root: string;
  /** The snapshot table: its projection decides which files count, as Athena's would. */
  table: GlueTableProperties;
  /** Where the tool's own data lives (org.yaml `data`). */
  data: { bucket: string; prefix: string };
  /** `YYYY-MM-DD`. */
  today: string;
  /** Days back from today that are compacted (the trend window). */
  days: number;
}

export interface CompactedDay {
  day: string;
  files: number;
  rows: number;
}

export interface CompactionResult {
  /** Days written by this run, oldest first. */
  written: CompactedDay[];
  /** Days in the window already up to date. */
  unchanged: number;
}

const EVALUATION_COLUMNS = {
  account_id: 'VARCHAR',
  region: 'VARCHAR',
  snapshot_file: 'VARCHAR',
  member_rule_name: 'VARCHAR',
  resource_type: 'VARCHAR',
  resource_id: 'VARCHAR',
  compliance_type: 'VARCHAR',
  tags: 'MAP(VARCHAR, VARCHAR)',
} as const;

const FILE_COLUMNS = {
  day: 'VARCHAR',
  account_id: 'VARCHAR',
  region: 'VARCHAR',
  snapshot_file: 'VARCHAR',
  items: 'BIGINT',
  evaluations: 'BIGINT',
} as const;

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function columnsSpec(columns: Record<string, string>): string {
  return `{${Object.entries(columns)
    .map(([name, type]) => `${literal(name)}: ${literal(type)}`)
    .join(', ')}}`;
}

/** `<s3Root>/<bucket>/<prefix>/<name>`: a directory of the tool's own data. */
export function dataDirectory(
  s3Root: string,
  data: { bucket: string; prefix: string },
  name: string,
): string {
  return join(s3Root, data.bucket, ...data.prefix.split('/').filter((p) => p !== ''), name);
}

async function listKeys(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) =>
      join(e.parentPath, e.name)
        .slice(dir.length + 1)
        .split('\\')
        .join('/'),
    );
}

async function compactedFiles(connection: DuckDBConnection, dir: string): Promise<CompactedFileRecord[]> {
  const present = (await listKeys(dir)).some((k) => k.endsWith('.parquet'));
  if (!present) return [];
  const reader = await connection.runAndReadAll(
    `SELECT day, account_id, region, snapshot_file FROM read_parquet(${literal(join(dir, '*', '*.parquet'))})`,
  );
  return (reader.getRowObjectsJS() as Record<string, string>[]).map((r) => ({
    day: String(r.day),
    account: String(r.account_id),
    region: String(r.region),
    file: String(r.snapshot_file),
  }));
}

/** Writes `records` (JSON-able objects) as one Parquet file at `target`, sorted by `order`. */
async function writeParquet(
  connection: DuckDBConnection,
  work: string,
  target: string,
  columns: Record<string, string>,
  records: readonly object[],
  order: string,
): Promise<void> {
  const names = Object.keys(columns)
    .map((c) => `"${c}"`)
    .join(', ');
  let select: string;
  if (records.length === 0) {
    select = `SELECT ${Object.entries(columns)
      .map(([c, t]) => `CAST(NULL AS ${t}) AS "${c}"`)
      .join(', ')} WHERE false`;
  } else {
    const lines = join(work, 'rows.json');
    await writeFile(lines, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    select = `SELECT ${names} FROM read_json(${literal(lines)}, columns = ${columnsSpec(columns)}, format = 'newline_delimited') ORDER BY ${order}`;
  }
  await mkdir(join(target, '..'), { recursive: true });
  const partial = `${target}.partial`;
  await connection.run(`COPY (${select}) TO ${literal(partial)} (FORMAT parquet, COMPRESSION snappy)`);
  await rename(partial, target);
}

async function compactDay(
  connection: DuckDBConnection,
  work: string,
  options: LocalCompactionOptions,
  bucketDir: string,
  day: string,
  files: readonly PickedFile[],
): Promise<CompactedDay> {
  const rows: CompactRow[] = [];
  const records: object[] = [];
  for (const file of files) {
    const compacted = await compactSnapshotStream(
      createReadStream(join(bucketDir, file.key)),
      { account: file.account, region: file.region, uri: file.uri },
      { gzip: file.key.endsWith('.gz') },
    );
    rows.push(...compacted.rows);
    records.push({
      day,
      account_id: file.account,
      region: file.region,
      snapshot_file: file.uri,
      items: compacted.items,
      evaluations: compacted.rows.length,
    });
  }
  const partition = `dt=${day}`;
  await writeParquet(
    connection,
    work,
    join(dataDirectory(options.s3Root, options.data, 'evaluations'), partition, 'part-0.parquet'),
    EVALUATION_COLUMNS,
    rows,
    'account_id, region, member_rule_name, resource_type, resource_id, compliance_type',
  );
  // The files last: a day counts as compacted only once its rows are in place.
  await writeParquet(
    connection,
    work,
    join(dataDirectory(options.s3Root, options.data, 'evaluation-files'), partition, 'part-0.parquet'),
    FILE_COLUMNS,
    records,
    'account_id, region',
  );
  return { day, files: files.length, rows: rows.length };
}

/** Compacts every day of the window whose files changed; a rerun over the same files writes nothing. */
export async function compactLocal(options: LocalCompactionOptions): Promise<CompactionResult> {
  const projection = projectionOf(options.table, options.today);
  const bucketDir = join(options.s3Root, projection.bucket);
  const from = addDays(options.today, -options.days);
  const picked = newestSnapshots(selectFiles(await listKeys(bucketDir), projection), projection.bucket, from);
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const work = await mkdtemp(join(tmpdir(), 'org-compliance-compact-'));
  try {
    const done = await compactedFiles(
      connection,
      dataDirectory(options.s3Root, options.data, 'evaluation-files'),
    );
    const days = daysToCompact(picked, done);
    const written: CompactedDay[] = [];
    for (const day of days) {
      written.push(await compactDay(connection, work, options, bucketDir, day, picked.get(day) ?? []));
    }
    return { written, unchanged: picked.size - days.length };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(work, { recursive: true, force: true });
  }
}
