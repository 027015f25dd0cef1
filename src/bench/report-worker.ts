/**
 * One measured run for the report benchmark, in its own process so that its peak memory is its
 * own: `report` (the real report on the local target), `gunzip` (only decompress the files the
 * report reads: the floor) or `parse` (decompress and JSON.parse them in plain Node: a naive
 * baseline). Prints one JSON line.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { projectionOf, selectFiles } from '../engines/duckdb/partitions.js';
import { loadRepository } from '../load/index.js';
import { runReport } from '../pipeline/report.js';
import { LocalStore } from '../providers/local/store.js';
import { createLocalTarget } from '../providers/local/target.js';

const [mode, localDir, root, today] = process.argv.slice(2) as [string, string, string, string];

async function admittedFiles(): Promise<string[]> {
  const loaded = await loadRepository(root, { today });
  if (!loaded.repository) throw new Error('the benchmark repository does not load');
  const { org } = loaded.repository;
  const state = await new LocalStore(localDir).load();
  const table = state.glueTables[org.glue.region]?.[`${org.glue.database}.${org.glue.table}`];
  if (!table) throw new Error('no table deployed');
  const projection = projectionOf(table, today);
  const bucketDir = join(localDir, 's3', projection.bucket);
  const entries = await readdir(bucketDir, { recursive: true, withFileTypes: true });
  const keys = entries
    .filter((e) => e.isFile())
    .map((e) => relative(bucketDir, join(e.parentPath, e.name)).split(sep).join('/'));
  return selectFiles(keys, projection).map((f) => join(bucketDir, f.key));
}

async function main(): Promise<void> {
  const started = performance.now();
  let detail: Record<string, unknown> = {};
  if (mode === 'report') {
    const loaded = await loadRepository(root, { today });
    if (!loaded.repository) throw new Error('the benchmark repository does not load');
    const repo = loaded.repository;
    const session = await createLocalTarget(repo.org, localDir, { today }).openQuerySession();
    const { report } = await runReport(repo, (sql, what) => session.query(sql, what), today);
    await session.close();
    detail = {
      accounts: report.accounts.length,
      evaluations: report.totals.compliant + report.totals.nonCompliant + report.totals.excluded,
    };
  } else {
    const files = await admittedFiles();
    let bytes = 0;
    let items = 0;
    for (const f of files) {
      const text = gunzipSync(await readFile(f));
      bytes += text.length;
      if (mode === 'parse')
        items += (JSON.parse(text.toString('utf8')) as { configurationItems: unknown[] }).configurationItems
          .length;
    }
    detail = { files: files.length, bytes, ...(mode === 'parse' ? { items } : {}) };
  }
  const ms = performance.now() - started;
  console.log(JSON.stringify({ mode, ms, maxRssMb: process.resourceUsage().maxRSS / 1024, ...detail }));
}

await main();
