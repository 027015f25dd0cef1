/**
 * Compaction on the local target (docs/compaction.md): the snapshot files of the local S3 tree,
 * the compacted objects under `s3/<data.bucket>/<data.prefix>/compacted/`, Parquet by DuckDB.
 * Each object is written beside its place and renamed into it, so a reader sees the old day or the
 * new one. Days already compacted are listed again within the recheck days, as on AWS.
 */

import { readdirSync } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { PickedFile } from '../../compact/plan.js';
import {
  type CompactedStore,
  type CompactionOptions,
  type CompactionResult,
  compact,
  type SnapshotSource,
} from '../../compact/run.js';
import { type CompactedTable, compactedLocation } from '../../desired/compacted-tables.js';
import type { OrgConfig } from '../../model/config.js';
import type { GlueTableProperties } from '../../model/resources.js';
import { DuckDbParquet } from './parquet.js';
import { projectionOf, selectFiles, snapshotPrefixes } from './partitions.js';

export type { CompactedDay, CompactionResult } from '../../compact/run.js';

export interface LocalCompactionOptions extends CompactionOptions {
  /** The local target's `s3/` directory. */
  s3Root: string;
  /** The snapshot table: its projection decides which files count, as Athena's would. */
  table: GlueTableProperties;
  /** Where the tool's own data lives (org.yaml `data`). */
  data: OrgConfig['data'];
}

/** `<s3Root>/<bucket>/<prefix>/compacted/<folder>`: a compacted table's directory. */
export function compactedDirectory(s3Root: string, data: OrgConfig['data'], table: CompactedTable): string {
  const location = compactedLocation({ data }, table).slice('s3://'.length);
  return join(s3Root, ...location.split('/').filter((p) => p !== ''));
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

/** The names in a directory; null when it does not exist. */
function readNames(dir: string): string[] | null {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR')
      return null;
    throw e;
  }
}

function localSource(s3Root: string, table: GlueTableProperties, today: string): SnapshotSource {
  const projection = projectionOf(table, today);
  const bucketDir = join(s3Root, projection.bucket);
  return {
    bucket: projection.bucket,
    async list(days) {
      // One directory per account, region and day, as the aws target lists one prefix each:
      // walking the whole tree costs seconds at a few hundred accounts. Most days of a window
      // may have no directory at all (a new organization, the trend window's empty start): a
      // day's directory is looked up in its parent's listing, read once for all the days under
      // it, so an absent day costs nothing and an ENOENT is never thrown per prefix.
      const keys: string[] = [];
      const parents = new Map<string, Set<string> | null>();
      const childrenOf = (dir: string): Set<string> | null => {
        let names = parents.get(dir);
        if (names === undefined) {
          const read = readNames(join(bucketDir, dir));
          names = read === null ? null : new Set(read);
          parents.set(dir, names);
        }
        return names;
      };
      for (const prefix of snapshotPrefixes(projection, days)) {
        const parts = prefix.split('/').filter((p) => p !== '');
        if (parts.length >= 2) {
          const day = parts.slice(0, -1);
          const grandparent = day.slice(0, -1).join('/');
          if (!childrenOf(grandparent)?.has(day.at(-1) as string)) continue;
        }
        for (const name of readNames(join(bucketDir, prefix)) ?? []) keys.push(`${prefix}${name}`);
      }
      return selectFiles(keys, projection);
    },
    async fetch(file: PickedFile) {
      return { path: join(bucketDir, file.key) };
    },
  };
}

const DAY_OBJECT = /^dt=(\d{4}-\d{2}-\d{2})\/part-0\.parquet$/;

function localStore(s3Root: string, data: OrgConfig['data'], parquet: DuckDbParquet): CompactedStore {
  const evaluationsDir = compactedDirectory(s3Root, data, 'evaluations');
  const filesDir = compactedDirectory(s3Root, data, 'files');
  const place = async (from: string, dir: string, day: string): Promise<void> => {
    const target = join(dir, `dt=${day}`, 'part-0.parquet');
    await mkdir(join(target, '..'), { recursive: true });
    await rename(from, target);
  };
  return {
    async compactedDays() {
      const keys = (await listKeys(filesDir)).filter((k) => DAY_OBJECT.test(k));
      return keys.map((k) => DAY_OBJECT.exec(k)?.[1] as string);
    },
    async records(days) {
      return parquet.readFileRecords(days.map((d) => join(filesDir, `dt=${d}`, 'part-0.parquet')));
    },
    async putDay(day, evaluations, files) {
      await place(evaluations, evaluationsDir, day);
      await place(files, filesDir, day);
    },
  };
}

/** Compacts every day of the window whose files changed; a rerun over the same files writes nothing. */
export async function compactLocal(options: LocalCompactionOptions): Promise<CompactionResult> {
  const parquet = await DuckDbParquet.open();
  try {
    return await compact(
      localSource(options.s3Root, options.table, options.today),
      localStore(options.s3Root, options.data, parquet),
      parquet,
      options,
    );
  } finally {
    parquet.close();
  }
}
