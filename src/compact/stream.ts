/**
 * Reads one Config snapshot file as a stream, whatever its size: gunzip when the key ends in
 * `.gz`, then a streaming JSON parser that assembles the elements of `configurationItems` one at a
 * time (stream-json), so a file of 100 MB never becomes one object in memory, and never one row.
 */

import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parserStream } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { errorMessage } from '../model/errors.js';
import { type CompactRow, type SnapshotFileRef, SnapshotRows } from './rows.js';

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
  const parse = [
    parserStream(),
    pick.asStream({ filter: 'configurationItems' }),
    streamArray.asStream(),
  ] as const;
  try {
    if (options.gzip) await pipeline(input, createGunzip(), ...parse, sink);
    else await pipeline(input, ...parse, sink);
  } catch (error) {
    throw new Error(`Could not read the snapshot file ${file.uri}: ${errorMessage(error)}`, { cause: error });
  }
  return { rows: rows.rows(), items: rows.items };
}
