/**
 * Compaction against AWS (docs/compaction.md, option A: on the runner). The snapshot files are
 * listed under each projected account, region and day (one ListObjectsV2 per prefix; a day
 * already compacted is listed again only within the recheck days), downloaded with GetObject and
 * extracted by the worker pool; each day's Parquet objects are uploaded with PutObject under the
 * tool's own prefix, carrying the ownership tag as user metadata. The Parquet itself is written by
 * the caller's writer (DuckDB, from node_modules: the CLI, not the action bundles).
 */

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { CompactedFileRecord, PickedFile } from '../../compact/plan.js';
import {
  type CompactedStore,
  type CompactionOptions,
  type CompactionResult,
  compact,
  type ParquetWriter,
  type SnapshotSource,
} from '../../compact/run.js';
import { compactedLocation } from '../../desired/compacted-tables.js';
import { projectionOf, selectFiles, snapshotPrefixes } from '../../engines/duckdb/partitions.js';
import type { OrgConfig } from '../../model/config.js';
import { mapLimit } from '../../model/pool.js';
import type { GlueTableProperties } from '../../model/resources.js';
import { parseS3Uri } from '../../model/table-data.js';
import type { AwsClients } from './clients.js';
import type { AwsSend } from './retry.js';
import { metadataKey } from './table-data.js';

export interface CompactedFilesReader {
  /** The files table's rows in these local Parquet files (`…/dt=<day>/<name>.parquet`). */
  readFileRecords(paths: readonly string[]): Promise<CompactedFileRecord[]>;
}

export interface AwsCompactionOptions extends CompactionOptions {
  clients: AwsClients;
  send: AwsSend;
  org: Pick<OrgConfig, 'data' | 'ownership' | 'glue'>;
  /** The deployed snapshot table: its projection says which prefixes hold snapshot files. */
  table: GlueTableProperties;
  writer: ParquetWriter & CompactedFilesReader;
  /** S3 requests at once (listing and downloads); default 32. */
  concurrency?: number;
}

async function listAll(
  o: AwsCompactionOptions,
  bucket: string,
  prefix: string,
  what: string,
): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page: ListObjectsV2CommandOutput = await o.send(
      o.clients.s3(o.org.glue.region),
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
      { what, region: o.org.glue.region },
    );
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

function s3Source(o: AwsCompactionOptions): SnapshotSource {
  const projection = projectionOf(o.table, o.today);
  const concurrency = o.concurrency ?? 32;
  return {
    bucket: projection.bucket,
    async list(days) {
      const prefixes = snapshotPrefixes(projection, days);
      const keys = await mapLimit(prefixes, concurrency, (prefix) =>
        listAll(
          o,
          projection.bucket,
          prefix,
          `list the snapshot files under s3://${projection.bucket}/${prefix}`,
        ),
      );
      return selectFiles(keys.flat(), projection);
    },
    async fetch(file: PickedFile) {
      const answer = await o.send(
        o.clients.s3(o.org.glue.region),
        new GetObjectCommand({ Bucket: projection.bucket, Key: file.key }),
        { what: `read the snapshot file ${file.uri}`, region: o.org.glue.region },
      );
      if (!answer.Body) throw new Error(`S3 returned no body for ${file.uri}`);
      return { bytes: await answer.Body.transformToByteArray() };
    },
  };
}

const DAY_OBJECT = /dt=(\d{4}-\d{2}-\d{2})\/part-0\.parquet$/;

function s3Store(o: AwsCompactionOptions, work: string): CompactedStore {
  const evaluations = parseS3Uri(compactedLocation(o.org, 'evaluations'));
  const files = parseS3Uri(compactedLocation(o.org, 'files'));
  const put = async (bucket: string, key: string, path: string, what: string): Promise<void> => {
    await o.send(
      o.clients.s3(o.org.glue.region),
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: await readFile(path),
        ContentType: 'application/vnd.apache.parquet',
        Metadata: { [metadataKey(o.org.ownership.tagKey)]: o.org.ownership.tagValue },
      }),
      { what, region: o.org.glue.region, write: true },
    );
  };
  return {
    async compactedDays() {
      const keys = (
        await listAll(
          o,
          files.bucket,
          files.key,
          `list the compacted files table under s3://${files.bucket}/${files.key}`,
        )
      ).filter((k) => DAY_OBJECT.test(k));
      return keys.map((k) => DAY_OBJECT.exec(k)?.[1] as string);
    },
    async records(days) {
      // Only the days listed again are read (2 or 3 objects a night, not the whole window).
      const paths = await mapLimit(days, o.concurrency ?? 32, async (day) => {
        const key = `${files.key}dt=${day}/part-0.parquet`;
        const answer = await o.send(
          o.clients.s3(o.org.glue.region),
          new GetObjectCommand({ Bucket: files.bucket, Key: key }),
          { what: `read the compacted files table s3://${files.bucket}/${key}`, region: o.org.glue.region },
        );
        if (!answer.Body) throw new Error(`S3 returned no body for s3://${files.bucket}/${key}`);
        const path = join(work, `dt=${day}`, 'part-0.parquet');
        await mkdir(join(work, `dt=${day}`), { recursive: true });
        await writeFile(path, await answer.Body.transformToByteArray());
        return path;
      });
      return o.writer.readFileRecords(paths);
    },
    async putDay(day, evaluationsPath, filesPath) {
      const evaluationsKey = `${evaluations.key}dt=${day}/part-0.parquet`;
      const filesKey = `${files.key}dt=${day}/part-0.parquet`;
      await put(
        evaluations.bucket,
        evaluationsKey,
        evaluationsPath,
        `write the compacted evaluations of ${day}`,
      );
      await put(files.bucket, filesKey, filesPath, `write the compacted files table of ${day}`);
    },
  };
}

/** Compacts the window's days whose newest files changed, from S3 to S3. */
export async function compactAws(o: AwsCompactionOptions): Promise<CompactionResult> {
  const work = await mkdtemp(join(tmpdir(), 'org-compliance-compacted-files-'));
  try {
    return await compact(s3Source(o), s3Store(o, work), o.writer, o);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
