/**
 * The extraction pool as the CLI runs it, with real worker threads: the compiled modules in lib/
 * (npm ci builds them; the TypeScript sources cannot start a worker), over generated snapshot
 * files. Each file's rows are the same as extracted on the calling thread, and the answers come
 * back for the file they were asked for, whatever order the workers finish in, one by one or in
 * batches.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractSnapshot } from '../../src/compact/extract.js';
import { generatedWorkspace } from '../helpers/generated.js';
import { REPO_ROOT } from '../helpers/repo.js';

const LIB_POOL = resolve(REPO_ROOT, 'lib/compact/pool.js');
let files: string[];

beforeAll(async () => {
  if (!existsSync(LIB_POOL)) throw new Error(`${LIB_POOL} is missing: run npm run build (npm ci does) first`);
  const made = await generatedWorkspace({
    accounts: 4,
    ous: 2,
    regions: 2,
    days: 3,
    seed: 5,
    today: '2026-11-30',
  });
  const entries = await readdir(made.s3Root, { recursive: true, withFileTypes: true });
  files = entries
    .filter((e) => e.isFile() && e.name.includes('ConfigSnapshot'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}, 120_000);

describe('extraction in worker threads', () => {
  it('starts the threads asked for and answers each file with the rows the calling thread finds', async () => {
    const { ExtractionPool } = (await import(LIB_POOL)) as typeof import('../../src/compact/pool.js');
    const pool = new ExtractionPool(2);
    try {
      expect(pool.threads).toBe(2);
      const tasks = files.map((path, i) => ({
        file: { account: `a${i}`, region: 'r', uri: `s3://bucket/${i}` },
        fileIndex: i,
        gzip: true,
        // Half read by the worker from the path, half handed over as bytes.
        ...(i % 2 === 0 ? { path } : {}),
      }));
      const withBytes = await Promise.all(
        tasks.map(async (t, i) =>
          i % 2 === 0 ? t : { ...t, bytes: new Uint8Array(await readFile(files[i] as string)) },
        ),
      );
      // One at a time and in batches of three (answered in the batch's order).
      const single = withBytes.slice(0, 6);
      const batches: (typeof withBytes)[] = [];
      for (let i = 6; i < withBytes.length; i += 3) batches.push(withBytes.slice(i, i + 3));
      const inWorkers = [
        ...(await Promise.all(single.map((t) => pool.extract(t)))),
        ...(await Promise.all(batches.map((b) => pool.extractBatch(b)))).flat(),
      ];
      const here = await Promise.all(
        files.map(async (f, i) =>
          extractSnapshot(
            await readFile(f),
            { account: `a${i}`, region: 'r', uri: `s3://bucket/${i}` },
            { gzip: true, fileIndex: i },
          ),
        ),
      );
      expect(inWorkers).toEqual(here);
      expect(inWorkers.reduce((n, r) => n + r.rows, 0)).toBeGreaterThan(100);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
