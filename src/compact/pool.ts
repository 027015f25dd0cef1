/**
 * Worker threads that extract snapshot files in parallel (src/compact/worker.ts): the decoding is
 * CPU-bound, and one thread per core is what makes compaction faster than one plain parsing loop.
 * Results come back in the order the files were given, so the rows written are the same whatever
 * the number of workers. Run from TypeScript sources (the tests), where the worker module cannot
 * start, or with `workers: 0`, the files are extracted on the calling thread.
 */

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExtractedFile } from './extract.js';
import { runBatch, WORKER_MARK, type WorkerAnswer, type WorkerBatch, type WorkerTask } from './worker.js';

export type ExtractionTask = WorkerTask;

/** Workers by default: one per core, at most 4 (beyond that the writer is the bottleneck). */
export function defaultWorkers(): number {
  return Math.min(4, availableParallelism());
}

interface Pending {
  resolve: (r: ExtractedFile[]) => void;
  reject: (e: Error) => void;
}

export class ExtractionPool {
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: WorkerBatch[] = [];
  readonly #pending = new Map<number, Pending>();
  #next = 0;

  /** `workers`: threads to start; 0 (or sources run untranspiled) extracts on this thread. */
  constructor(workers: number = defaultWorkers()) {
    const script = new URL('./worker.js', import.meta.url);
    if (workers < 1 || !existsSync(fileURLToPath(script))) return;
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(script, { workerData: WORKER_MARK });
      worker.on('message', (answer: WorkerAnswer) => this.#answer(worker, answer));
      worker.on('error', (e) => this.#failAll(e));
      worker.unref();
      this.#workers.push(worker);
      this.#idle.push(worker);
    }
  }

  /** Threads extracting (0: the calling thread). */
  get threads(): number {
    return this.#workers.length;
  }

  /** Extracts one file; answers as soon as a worker is done with it. */
  async extract(task: ExtractionTask): Promise<ExtractedFile> {
    const [result] = await this.extractBatch([task]);
    return result as ExtractedFile;
  }

  /**
   * Extracts several files on one worker, one after another; answers with their results in the
   * given order once all are done. A batch of a few files costs one message each way instead of
   * one per file.
   */
  extractBatch(tasks: readonly ExtractionTask[]): Promise<ExtractedFile[]> {
    const id = this.#next++;
    if (this.#workers.length === 0) return runBatch(tasks);
    return new Promise<ExtractedFile[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#queue.push({ id, tasks: [...tasks] });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.pop() as Worker;
      const batch = this.#queue.shift() as WorkerBatch;
      // Bytes are handed over without a copy when they own their whole buffer (a downloaded
      // object); a view into a shared buffer is copied.
      const transfer = new Set<ArrayBuffer>();
      for (const { bytes: b } of batch.tasks) {
        if (b !== undefined && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength)
          transfer.add(b.buffer as ArrayBuffer);
      }
      worker.ref();
      worker.postMessage(batch, [...transfer]);
    }
  }

  #answer(worker: Worker, answer: WorkerAnswer): void {
    worker.unref();
    this.#idle.push(worker);
    const pending = this.#pending.get(answer.id);
    this.#pending.delete(answer.id);
    if (pending) {
      if ('error' in answer) pending.reject(new Error(answer.error));
      else pending.resolve(answer.results);
    }
    this.#dispatch();
  }

  #failAll(error: Error): void {
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
    this.#workers.length = 0;
    this.#idle.length = 0;
  }
}
