/**
 * One snapshot file's compacted rows, as the NDJSON lines the Parquet writer reads. A file whose
 * JSON is at most FAST_PATH_MAX_BYTES is gunzipped and parsed whole (the fastest way in Node.js,
 * with memory bounded by that size); a larger one is streamed item by item (src/compact/stream.ts),
 * whatever its size. Either way the same rows, in the same order.
 */

import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { errorMessage } from '../model/errors.js';
import { type CompactRow, type SnapshotFileRef, SnapshotRows } from './rows.js';
import { compactSnapshotStream } from './stream.js';

/** Above this many bytes of JSON a file is streamed instead of parsed whole (Athena's row limit). */
export const FAST_PATH_MAX_BYTES = 32 * 1024 * 1024;

export interface ExtractedFile {
  /** One JSON line per row, each ending in a newline, in the rows' order. */
  lines: string;
  rows: number;
  items: number;
  /** True when the file was streamed (larger than the fast path takes). */
  streamed: boolean;
}

/** The rows as JSON lines; a target's tags are serialized once, however many results it has. */
export function rowLines(rows: readonly CompactRow[]): string {
  const tagText = new Map<object, string>();
  const parts: string[] = [];
  for (const r of rows) {
    let tags = 'null';
    if (r.tags !== null) {
      tags = tagText.get(r.tags) ?? JSON.stringify(r.tags);
      tagText.set(r.tags, tags);
    }
    parts.push(
      `{"account_id":${JSON.stringify(r.account_id)},"region":${JSON.stringify(r.region)},"snapshot_file":${JSON.stringify(r.snapshot_file)},"member_rule_name":${JSON.stringify(r.member_rule_name)},"org_rule_name":${JSON.stringify(r.org_rule_name)},"resource_type":${JSON.stringify(r.resource_type)},"resource_id":${JSON.stringify(r.resource_id)},"compliance_type":${JSON.stringify(r.compliance_type)},"tags":${tags}}\n`,
    );
  }
  return parts.join('');
}

function wholeFile(bytes: Uint8Array, gzip: boolean): Buffer | undefined {
  if (!gzip) return bytes.byteLength <= FAST_PATH_MAX_BYTES ? Buffer.from(bytes) : undefined;
  try {
    return gunzipSync(bytes, { maxOutputLength: FAST_PATH_MAX_BYTES });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw e;
  }
}

/** The compacted rows of one snapshot file given as its stored bytes. */
export async function extractSnapshot(
  bytes: Uint8Array,
  file: SnapshotFileRef,
  options: { gzip: boolean },
): Promise<ExtractedFile> {
  let json: Buffer | undefined;
  try {
    json = wholeFile(bytes, options.gzip);
  } catch (e) {
    throw new Error(`Could not read the snapshot file ${file.uri}: ${errorMessage(e)}`, { cause: e });
  }
  if (json === undefined) {
    const streamed = await compactSnapshotStream(Readable.from([bytes]), file, options);
    return {
      lines: rowLines(streamed.rows),
      rows: streamed.rows.length,
      items: streamed.items,
      streamed: true,
    };
  }
  let document: unknown;
  try {
    document = JSON.parse(json.toString('utf8'));
  } catch (e) {
    throw new Error(`Could not read the snapshot file ${file.uri}: ${errorMessage(e)}`, { cause: e });
  }
  const collected = new SnapshotRows(file);
  const items = (document as { configurationItems?: unknown }).configurationItems;
  if (Array.isArray(items)) for (const item of items) collected.add(item);
  const rows = collected.rows();
  return { lines: rowLines(rows), rows: rows.length, items: collected.items, streamed: false };
}
