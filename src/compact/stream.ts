/**
 * Reads one Config snapshot file as a stream, whatever its size: gunzip when the key ends in
 * `.gz`, then a streaming JSON parser that assembles the elements of `configurationItems` one at a
 * time (stream-json), so a file of 100 MB never becomes one object in memory, and never one row.
 * A file that is not a snapshot (damaged gzip, JSON that does not parse, no `configurationItems`
 * array, an item of the wrong shape) fails with an UnreadableSnapshotError naming it and why.
 */

import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parserStream } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { errorMessage } from '../model/errors.js';
import { type CompactRow, type SnapshotFileRef, SnapshotRows, SnapshotShapeError } from './rows.js';
import { gzipReason, UnreadableSnapshotError } from './unreadable.js';

export interface CompactedFile {
  rows: CompactRow[];
  /** Configuration items in the file. */
  items: number;
}

/** The compacted rows of one snapshot file read from `input` (its bytes as stored). */
export async function compactSnapshotStream(
  input: Readable,
  file: SnapshotFileRef,
  options: { gzip: boolean },
): Promise<CompactedFile> {
  const rows = new SnapshotRows(file);
  const sink = async (source: AsyncIterable<{ value: unknown }>) => {
    for await (const { value } of source) rows.add(value);
  };
  // Whether the top level had a configurationItems member at all (pick passes nothing otherwise).
  let picked = false;
  const seen = new Transform({
    objectMode: true,
    transform(token, _encoding, done) {
      picked = true;
      done(null, token);
    },
  });
  let bytes = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const parse = [
    parserStream(),
    pick.asStream({ filter: 'configurationItems' }),
    seen,
    streamArray.asStream(),
  ] as const;
  try {
    const stages = options.gzip
      ? [input, counted, createGunzip(), ...parse, sink]
      : [input, counted, ...parse, sink];
    // More stages than pipeline's typed overloads take; the same call.
    await (pipeline as (...stages: unknown[]) => Promise<void>)(...stages);
  } catch (error) {
    throw new UnreadableSnapshotError(file.uri, streamReason(error, bytes), { cause: error });
  }
  if (!picked) throw new UnreadableSnapshotError(file.uri, 'no configurationItems member at the top level');
  return { rows: rows.rows(), items: rows.items };
}

/** Why a streamed file failed: its gzip, its JSON (with the parser's words), or an item's shape. */
function streamReason(error: unknown, bytes: number): string {
  if (error instanceof SnapshotShapeError) return error.message;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Z_')) return gzipReason(error, bytes);
  const message = errorMessage(error);
  if (/should be an array/i.test(message)) return 'configurationItems: expected an array';
  return `not valid JSON: ${message}`;
}
