/**
 * One compaction run (docs/compaction.md), whatever the target: which days to write, each day's
 * newest snapshot files extracted in parallel (src/compact/pool.ts) into JSON lines in file order,
 * written as Parquet by the writer, and put into place by the store: the evaluations first, the
 * files table last, so a day counts as compacted only once its rows are there. A file that cannot
 * be read is named (a warning), gives no rows, and is recorded without counts; the day's earlier
 * file of that account and region is read in its place when there is a readable one. Where the files
 * come from, how Parquet is written and where the objects go are the caller's (a local tree or
 * S3; DuckDB): no SDK here.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PartitionFile } from '../engines/duckdb/partitions.js';
import { addDays } from '../model/dates.js';
import type { ExtractedFile } from './extract.js';
import { type CompactedFileRecord, daysToCompact, newestSnapshots, type PickedFile } from './plan.js';
import { ExtractionPool } from './pool.js';
import { type UnreadableFile, unreadableWarning } from './unreadable.js';

export interface SnapshotSource {
  /** The snapshot bucket. */
  bucket: string;
  /** The snapshot files the raw table's projection admits on these days (`YYYY-MM-DD`). */
  list(days: readonly string[]): Promise<PartitionFile[]>;
  /** How a worker gets a file: its local path, or its bytes. */
  fetch(file: PickedFile): Promise<{ path: string } | { bytes: Uint8Array }>;
}

export interface CompactedStore {
  /** The days written before, with or without rows (a day without any snapshot file is written empty). */
  compactedDays(): Promise<string[]>;
  /** The files table's rows of these days (written before): what was compacted for them. */
  records(days: readonly string[]): Promise<CompactedFileRecord[]>;
  /** Puts one day's two Parquet files (local paths) into place: evaluations first, files last. */
  putDay(day: string, evaluations: string, files: string): Promise<void>;
}

export interface FileRecord {
  account_id: string;
  region: string;
  snapshot_file: string;
  /** Null (with evaluations) for a file that could not be read: no delivery that day (freshness). */
  items: number | null;
  evaluations: number | null;
}

export interface ParquetWriter {
  /**
   * The evaluations table's Parquet from JSON lines of rows (src/compact/extract.ts rowLines), in
   * their order; `files` are the day's files, which the rows name by position.
   */
  writeEvaluations(lines: string, files: readonly FileRecord[], out: string): Promise<void>;
  /** The files table's Parquet, in the records' order. */
  writeFiles(records: readonly FileRecord[], out: string): Promise<void>;
}

export interface CompactionOptions {
  /** `YYYY-MM-DD`. */
  today: string;
  /** Days back from today that are compacted (the trend window). */
  days: number;
  /**
   * Days (back from today) whose files are listed again although they were compacted, to pick up
   * late deliveries. Default: RECHECK_DAYS.
   */
  recheckDays?: number;
  /** Extraction threads; default one per core (at most 4). */
  workers?: number;
  /** Called after each day written. */
  onDay?: (day: CompactedDay, done: number, total: number) => void;
}

export interface CompactedDay {
  day: string;
  files: number;
  rows: number;
  /** Files too large to parse whole, streamed. */
  streamed: number;
  /** Files that could not be read, in the day's order. */
  unreadable: UnreadableFile[];
}

export interface CompactionResult {
  /** Days written by this run, oldest first. */
  written: CompactedDay[];
  /** The files of the days written that could not be read (each named in a warning). */
  unreadable: UnreadableFile[];
  /** Days listed and found up to date. */
  unchanged: number;
  /** Days of the window not listed again (compacted before, older than the recheck). */
  skipped: number;
}

/**
 * Days back from today listed again although compacted: Config delivers a day's snapshot that
 * day, so a file arriving later than two days is not waited for (listing every day of the
 * window again costs one listing per account, region and day: 25,000 at 200 accounts × 4
 * regions × 31 days, seconds on every run).
 */
export const RECHECK_DAYS = 2;

/** The days of the window, oldest first, and which of them to list. */
export function daysToList(
  options: Pick<CompactionOptions, 'today' | 'days' | 'recheckDays'>,
  compactedDays: readonly string[],
): { window: string[]; list: string[] } {
  const window: string[] = [];
  for (let i = options.days; i >= 0; i--) window.push(addDays(options.today, -i));
  const done = new Set(compactedDays);
  const recheckFrom = addDays(options.today, -(options.recheckDays ?? RECHECK_DAYS));
  return { window, list: window.filter((d) => !done.has(d) || d >= recheckFrom) };
}

/** Files a worker extracts per message: one round trip each way for several files. */
const BATCH_FILES = 8;
/** Batches in flight per worker thread: one being extracted, one waiting (its files being fetched). */
const BATCHES_PER_WORKER = 2;

interface ExtractedDay {
  /** The files table's rows: each file read, and each unreadable one (without counts). */
  records: FileRecord[];
  /** By position in the day's list, the file whose rows are there (the rows name it by position). */
  positions: FileRecord[];
  rows: number;
  streamed: number;
  unreadable: UnreadableFile[];
}

function task(file: PickedFile, fileIndex: number) {
  return {
    file: { account: file.account, region: file.region, uri: file.uri },
    fileIndex,
    gzip: file.key.endsWith('.gz'),
  };
}

function recordOf(file: PickedFile, result: ExtractedFile): FileRecord {
  const read = result.unreadable === undefined;
  return {
    account_id: file.account,
    region: file.region,
    snapshot_file: file.uri,
    items: read ? result.items : null,
    evaluations: read ? result.rows : null,
  };
}

/**
 * The picked file's result, or, when it could not be read, the first readable of the day's
 * earlier files of that account and region (tried newest first, one at a time: this is rare).
 */
async function readableResult(
  pool: ExtractionPool,
  source: SnapshotSource,
  file: PickedFile,
  result: ExtractedFile,
  fileIndex: number,
  day: ExtractedDay,
): Promise<{ file: PickedFile; result: ExtractedFile }> {
  let current = { file, result };
  for (const earlier of [file, ...file.earlier]) {
    if (earlier !== file) {
      const fetched = await source.fetch(earlier);
      current = { file: earlier, result: await pool.extract({ ...task(earlier, fileIndex), ...fetched }) };
    }
    day.records.push(recordOf(current.file, current.result));
    if (current.result.unreadable === undefined) return current;
    day.unreadable.push({
      day: file.day,
      account: file.account,
      region: file.region,
      uri: current.file.uri,
      reason: current.result.unreadable,
    });
  }
  return current;
}

async function extractDay(
  pool: ExtractionPool,
  source: SnapshotSource,
  files: readonly PickedFile[],
  out: string,
): Promise<ExtractedDay> {
  const stream = createWriteStream(out);
  const day: ExtractedDay = { records: [], positions: [], rows: 0, streamed: 0, unreadable: [] };
  const window = Math.max(2, pool.threads * BATCHES_PER_WORKER);
  const inFlight: { files: readonly PickedFile[]; first: number; results: Promise<ExtractedFile[]> }[] = [];
  const take = async (batch: (typeof inFlight)[number]): Promise<void> => {
    const results = await batch.results;
    for (const [i, picked] of batch.files.entries()) {
      const unread = day.unreadable.length;
      const { file, result } = await readableResult(
        pool,
        source,
        picked,
        results[i] as ExtractedFile,
        batch.first + i,
        day,
      );
      // Each unreadable file of this position says which file was read in its place, if any.
      if (result.unreadable === undefined)
        for (const u of day.unreadable.slice(unread)) u.readInstead = file.uri;
      day.positions.push(recordOf(file, result));
      day.rows += result.rows;
      if (result.streamed) day.streamed++;
      if (!stream.write(result.lines)) await once(stream, 'drain');
    }
  };
  const start = (batch: readonly PickedFile[], first: number): Promise<ExtractedFile[]> =>
    Promise.all(
      batch.map(async (file, i) => ({ ...task(file, first + i), ...(await source.fetch(file)) })),
    ).then((tasks) => pool.extractBatch(tasks));
  try {
    for (let i = 0; i < files.length; i += BATCH_FILES) {
      const batch = files.slice(i, i + BATCH_FILES);
      inFlight.push({ files: batch, first: i, results: start(batch, i) });
      if (inFlight.length >= window) await take(inFlight.shift() as (typeof inFlight)[number]);
    }
    while (inFlight.length > 0) await take(inFlight.shift() as (typeof inFlight)[number]);
  } catch (e) {
    // Let the others settle before the error goes up: nothing is left running.
    await Promise.allSettled(inFlight.map((b) => b.results));
    stream.destroy();
    throw e;
  }
  stream.end();
  await once(stream, 'finish');
  return day;
}

/** Compacts every day of the window whose newest files changed; a rerun over the same files writes nothing. */
export async function compact(
  source: SnapshotSource,
  store: CompactedStore,
  writer: ParquetWriter,
  options: CompactionOptions,
): Promise<CompactionResult> {
  const compactedDays = await store.compactedDays();
  const { window, list } = daysToList(options, compactedDays);
  const from = window[0] as string;
  const picked = newestSnapshots(await source.list(list), source.bucket, from);
  const listed = new Set(list);
  const present = new Set(compactedDays);
  // What was compacted before, for the days listed again only (not the whole window).
  const records = await store.records(list.filter((d) => present.has(d)));
  // A day without any file is written once, empty, so that it is not listed again on every run
  // (the files of a day written before are never taken away: the compacted data outlives them).
  const empty = list.filter((d) => !picked.has(d) && !present.has(d));
  const days = [...daysToCompact(picked, records).filter((d) => listed.has(d)), ...empty].sort();
  if (days.length === 0)
    return { written: [], unreadable: [], unchanged: list.length, skipped: window.length - list.length };
  const pool = new ExtractionPool(options.workers);
  const work = await mkdtemp(join(tmpdir(), 'org-compliance-compact-'));
  const written: CompactedDay[] = [];
  // The writer turns one day into Parquet while the workers extract the next.
  let writing: Promise<void> = Promise.resolve();
  // A day without files gives the same two empty objects whatever the day: written once, copied
  // for the others (a new organization's window can be mostly empty days).
  let emptyDay: { evaluations: string; files: string } | undefined;
  try {
    for (const day of days) {
      const files = picked.get(day) ?? [];
      const lines = join(work, `${day}.json`);
      const extracted = await extractDay(pool, source, files, lines);
      await writing;
      writing = (async () => {
        const evaluations = join(work, `${day}-evaluations.parquet`);
        const filesTable = join(work, `${day}-files.parquet`);
        if (files.length === 0 && emptyDay) {
          await copyFile(emptyDay.evaluations, evaluations);
          await copyFile(emptyDay.files, filesTable);
        } else {
          await writer.writeEvaluations(lines, extracted.positions, evaluations);
          await writer.writeFiles(extracted.records, filesTable);
          if (files.length === 0) {
            emptyDay = {
              evaluations: join(work, 'empty-evaluations.parquet'),
              files: join(work, 'empty-files.parquet'),
            };
            await copyFile(evaluations, emptyDay.evaluations);
            await copyFile(filesTable, emptyDay.files);
          }
        }
        await store.putDay(day, evaluations, filesTable);
        await rm(lines, { force: true });
        const result = {
          day,
          files: files.length,
          rows: extracted.rows,
          streamed: extracted.streamed,
          unreadable: extracted.unreadable,
        };
        written.push(result);
        options.onDay?.(result, written.length, days.length);
      })();
      // Surfaced by the next await of `writing`; not an unhandled rejection meanwhile.
      writing.catch(() => {});
    }
    await writing;
  } finally {
    await writing.catch(() => {});
    await pool.close();
    await rm(work, { recursive: true, force: true });
  }
  const unchanged = list.filter((d) => !days.includes(d)).length;
  return {
    written,
    unreadable: written.flatMap((d) => d.unreadable),
    unchanged,
    skipped: window.length - list.length,
  };
}

/**
 * A progress line per day written that had files (empty days are written silently), and a warning
 * for each file of it that could not be read.
 */
export function dayProgress(
  progress: ((message: string) => void) | undefined,
): CompactionOptions['onDay'] | undefined {
  if (!progress) return undefined;
  return (day, done, total) => {
    if (day.files > 0)
      progress(`compacted ${day.day}: ${day.files} files, ${day.rows} evaluations (${done}/${total} days)`);
    for (const file of day.unreadable) progress(`warning: ${unreadableWarning(file)}`);
  };
}
