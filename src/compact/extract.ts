/**
 * One snapshot file's compacted rows, as the NDJSON lines the Parquet writer reads. A file whose
 * JSON is at most FAST_PATH_MAX_BYTES is gunzipped and parsed whole (the fastest way in Node.js,
 * with memory bounded by that size); a larger one is streamed item by item (src/compact/stream.ts),
 * whatever its size. Either way the same rows, in the same order. A file that cannot be read (its
 * gzip, its JSON, its shape) gives no row and says why (`unreadable`): one damaged file must not
 * stop the run, nor count as a day without findings (docs/compaction.md).
 */

import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { errorMessage } from '../model/errors.js';
import { type CompactRow, type SnapshotFileRef, SnapshotRows, SnapshotShapeError } from './rows.js';
import { compactSnapshotStream } from './stream.js';
import { gzipReason, UnreadableSnapshotError } from './unreadable.js';

/** Above this many bytes of JSON a file is streamed instead of parsed whole (Athena's row limit). */
export const FAST_PATH_MAX_BYTES = 32 * 1024 * 1024;

/**
 * The lines go to the writer as UTF-8 bytes in a buffer of their own: a worker hands them over
 * without a copy, and the file they are written to takes them as they are.
 */
const UTF8 = new TextEncoder();

export interface ExtractedFile {
  /** One JSON line per row (rowLines' short form), each ending in a newline, in the rows' order. */
  lines: Uint8Array;
  rows: number;
  items: number;
  /** True when the file was streamed (larger than the fast path takes). */
  streamed: boolean;
  /** Why the file could not be read (then no rows): the gzip, the JSON or a JSON path. */
  unreadable?: string;
}

/**
 * The rows as JSON lines for the Parquet writer, in a short form: the file's fields (account,
 * region) are not repeated on every row but given as `f`, the file's position in its day, which
 * the writer resolves from the day's file list; the other columns by one letter each (`m`
 * member_rule_name, `o` org_rule_name, `t` resource_type, `i` resource_id, `c` compliance_type,
 * `g` tags). A row is about a third of its long form, which is what the threads hand over, write
 * and DuckDB reads. A target's tags are serialized once, however many results it has.
 * `m` is null for an organization rule's result: its member name `OrgConfigRule-<o>-<suffix>` has
 * a suffix per account and region, which made it 38 % of the table's bytes and is read by no view
 * (docs/compaction.md); the raw table keeps it.
 */
export function rowLines(rows: readonly CompactRow[], fileIndex: number): string {
  const tagText = new Map<object, string>();
  const head = `{"f":${fileIndex},"m":`;
  const parts: string[] = [];
  for (const r of rows) {
    let tags = 'null';
    if (r.tags !== null) {
      tags = tagText.get(r.tags) ?? JSON.stringify(r.tags);
      tagText.set(r.tags, tags);
    }
    const member = r.org_rule_name === null ? jsonText(r.member_rule_name) : 'null';
    const org = r.org_rule_name === null ? 'null' : jsonText(r.org_rule_name);
    parts.push(
      `${head}${member},"o":${org},"t":${jsonText(r.resource_type)},"i":${jsonText(r.resource_id)},"c":${jsonText(r.compliance_type)},"g":${tags}}\n`,
    );
  }
  return parts.join('');
}

/** Characters a JSON string must escape (control characters among them, hence the ignore). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes U+0000 to U+001F; they are what this looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

/** `s` as a JSON string: quoted as it is when nothing in it needs escaping (rule names, ids). */
function jsonText(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function wholeFile(bytes: Uint8Array, gzip: boolean, uri: string): Buffer | undefined {
  if (!gzip) return bytes.byteLength <= FAST_PATH_MAX_BYTES ? Buffer.from(bytes) : undefined;
  try {
    return gunzipSync(bytes, { maxOutputLength: FAST_PATH_MAX_BYTES });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw new UnreadableSnapshotError(uri, gzipReason(e, bytes.byteLength), { cause: e });
  }
}

/** The document's configurationItems, or why the document is not a snapshot. */
function itemsOf(document: unknown): unknown[] {
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    throw new SnapshotShapeError('(top level)', 'an object with a configurationItems array', document);
  const items = (document as { configurationItems?: unknown }).configurationItems;
  if (!Array.isArray(items)) throw new SnapshotShapeError('configurationItems', 'an array of items', items);
  return items;
}

/** The rows of a file whose JSON is in memory. */
function parsedRows(json: Buffer, file: SnapshotFileRef): { rows: CompactRow[]; items: number } {
  let document: unknown;
  try {
    document = JSON.parse(json.toString('utf8'));
  } catch (e) {
    throw new UnreadableSnapshotError(file.uri, `not valid JSON: ${errorMessage(e)}`, { cause: e });
  }
  const collected = new SnapshotRows(file);
  try {
    for (const item of itemsOf(document)) collected.add(item);
  } catch (e) {
    if (e instanceof SnapshotShapeError) throw new UnreadableSnapshotError(file.uri, e.message, { cause: e });
    throw e;
  }
  return { rows: collected.rows(), items: collected.items };
}

/**
 * The compacted rows of one snapshot file given as its stored bytes; a file that is not a
 * snapshot gives no rows and `unreadable` (any other failure, a bug, is thrown).
 */
export async function extractSnapshot(
  bytes: Uint8Array,
  file: SnapshotFileRef,
  options: { gzip: boolean; fileIndex: number },
): Promise<ExtractedFile> {
  try {
    const json = wholeFile(bytes, options.gzip, file.uri);
    const streamed = json === undefined;
    const { rows, items } = streamed
      ? await compactSnapshotStream(Readable.from([bytes]), file, options)
      : parsedRows(json, file);
    return { lines: UTF8.encode(rowLines(rows, options.fileIndex)), rows: rows.length, items, streamed };
  } catch (e) {
    if (!(e instanceof UnreadableSnapshotError)) throw e;
    return { lines: new Uint8Array(0), rows: 0, items: 0, streamed: false, unreadable: e.reason };
  }
}
