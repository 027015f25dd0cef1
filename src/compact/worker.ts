/**
 * A compaction worker thread: reads a snapshot file (from a path, or bytes handed over by the
 * main thread) and answers with its rows as JSON lines. Started by src/compact/pool.ts.
 */

import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../model/errors.js';
import { type ExtractedFile, extractSnapshot } from './extract.js';
import type { SnapshotFileRef } from './rows.js';

export interface WorkerTask {
  id: number;
  file: SnapshotFileRef;
  gzip: boolean;
  path?: string;
  bytes?: Uint8Array;
}

export type WorkerAnswer = { id: number; result: ExtractedFile } | { id: number; error: string };

export async function runTask(task: WorkerTask): Promise<ExtractedFile> {
  const bytes = task.bytes ?? (await readFile(task.path as string));
  return extractSnapshot(bytes, task.file, { gzip: task.gzip });
}

/** What the pool passes as workerData, so that only its threads listen (not a test runner's). */
export const WORKER_MARK = 'org-compliance-extraction';

if (workerData === WORKER_MARK)
  parentPort?.on('message', (task: WorkerTask) => {
    runTask(task).then(
      (result) => parentPort?.postMessage({ id: task.id, result } satisfies WorkerAnswer),
      (e: unknown) => parentPort?.postMessage({ id: task.id, error: errorMessage(e) } satisfies WorkerAnswer),
    );
  });
