/**
 * A compaction worker thread: extracts a batch of snapshot files (each from a path, read here, or
 * from bytes handed over by the main thread) and answers once with their rows as JSON lines, in
 * the batch's order. Started by src/compact/pool.ts.
 *
 * Batches, and synchronous reads, because a file takes a fraction of a millisecond to decode: one
 * message round trip and four trips through libuv's thread pool (`fs/promises` open, stat, read,
 * close) per file left the workers idle half of the time.
 */

import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../model/errors.js';
import { type ExtractedFile, extractSnapshot } from './extract.js';
import type { SnapshotFileRef } from './rows.js';

export interface WorkerTask {
  file: SnapshotFileRef;
  /** The file's position in its day's list, which its rows carry (see rowLines). */
  fileIndex: number;
  gzip: boolean;
  path?: string;
  bytes?: Uint8Array;
}

export interface WorkerBatch {
  id: number;
  tasks: WorkerTask[];
}

export type WorkerAnswer = { id: number; results: ExtractedFile[] } | { id: number; error: string };

/** Extracts the files one after another; the first failure fails the batch (its message names the file). */
export async function runBatch(tasks: readonly WorkerTask[]): Promise<ExtractedFile[]> {
  const results: ExtractedFile[] = [];
  for (const task of tasks) {
    let bytes = task.bytes;
    if (bytes === undefined) {
      try {
        bytes = readFileSync(task.path as string);
      } catch (e) {
        throw new Error(`Could not read the snapshot file ${task.file.uri}: ${errorMessage(e)}`, {
          cause: e,
        });
      }
    }
    results.push(await extractSnapshot(bytes, task.file, { gzip: task.gzip, fileIndex: task.fileIndex }));
  }
  return results;
}

/** What the pool passes as workerData, so that only its threads listen (not a test runner's). */
export const WORKER_MARK = 'org-compliance-extraction';

if (workerData === WORKER_MARK)
  parentPort?.on('message', (batch: WorkerBatch) => {
    runBatch(batch.tasks).then(
      (results) =>
        parentPort?.postMessage(
          { id: batch.id, results } satisfies WorkerAnswer,
          results.map((r) => r.lines.buffer as ArrayBuffer),
        ),
      (e: unknown) =>
        parentPort?.postMessage({ id: batch.id, error: errorMessage(e) } satisfies WorkerAnswer),
    );
  });
