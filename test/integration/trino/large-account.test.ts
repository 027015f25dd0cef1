/**
 * An account whose newest snapshot file is over Athena's 32 MB row limit (the generator's `large`
 * option), on Trino over moto and on DuckDB: as one row of the raw table the file fails on both
 * engines (the suite's Trino is as strict as Athena: hive.text.max-line-length 32MB), while the
 * compaction streams it, and every view over the compacted tables answers alike on both engines,
 * counting that account's evaluations exactly as the independent reading of the file does.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectedAccounts } from '../../../src/desired/glue-table.js';
import { evaluationsOf, newestPerDay, readSnapshots, type SnapshotFile } from '../../helpers/expected.js';
import { assertSameRows } from './compare.js';
import { buildWorld, queryView, type World } from './world.js';

const MIB_32 = 32 * 1024 * 1024;
let world: World;
let large: SnapshotFile;

beforeAll(async () => {
  world = await buildWorld({ accounts: 4, regions: 1, days: 6, large: { resources: 16_000 } });
  const bucketDir = join(world.localDir, 's3', world.repo.org.snapshots.bucket);
  let biggest = { key: '', size: 0 };
  for (const entry of await readdir(bucketDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.includes('ConfigSnapshot')) continue;
    const path = join(entry.parentPath, entry.name);
    const { size } = await stat(path);
    if (size > biggest.size) biggest = { key: path.slice(bucketDir.length + 1), size };
  }
  const projected = new Set(
    projectedAccounts(world.repo.accounts, world.today, world.repo.org.closedAccountRetentionDays),
  );
  const found = (await readSnapshots(join(world.localDir, 's3'), world.repo, projected)).find(
    (f) => f.key === biggest.key,
  );
  if (!found) throw new Error(`the biggest file ${biggest.key} is not among the snapshot files read`);
  large = found;
}, 900_000);

afterAll(async () => {
  await world?.stop();
});

describe('a snapshot file over 32 MB', () => {
  it('is over 32 MiB of JSON, the newest of its day, and fails as a row of the raw table on both engines', async () => {
    const json = gunzipSync(
      await readFile(join(world.localDir, 's3', world.repo.org.snapshots.bucket, large.key)),
    );
    expect(json.length).toBeGreaterThan(MIB_32);
    expect(newestPerDay([large])).toEqual([large]);
    const { database, table } = world.repo.org.glue;
    const [y, m, d] = large.day.split('-').map(Number);
    const sql = `SELECT cardinality(configurationitems) AS items FROM "${database}"."${table}" WHERE account = '${large.account}' AND region = '${large.region}' AND dt = '${y}/${m}/${d}' AND itemtype = 'ConfigSnapshot'`;
    await expect(world.client.query(sql)).rejects.toThrow(/line|length|exceed/i);
    await expect(world.duckdb.query(sql, 'the large file as a row')).rejects.toThrow(
      /maximum_object_size|object/i,
    );
  });

  it("is counted exactly: its account's evaluations of that day on Trino are the independent reading's", async () => {
    const expected = evaluationsOf(large, world.repo);
    expect(expected.length).toBeGreaterThan(10_000);
    const sql = `SELECT count(*) AS evaluations, count_if(compliance_type = 'NON_COMPLIANT') AS non_compliant FROM "${world.repo.org.glue.database}"."daily_evaluations" WHERE account_id = '${large.account}' AND region = '${large.region}' AND snapshot_date = DATE '${large.day}'`;
    const trino = await world.client.query(sql);
    expect(trino.rows.map((r) => r.map(Number))).toEqual([
      [expected.length, expected.filter((e) => e.compliance === 'NON_COMPLIANT').length],
    ]);
    const duckdb = await world.duckdb.query(sql, 'the large account');
    expect(duckdb.map((r) => [Number(r.evaluations), Number(r.non_compliant)])).toEqual(
      trino.rows.map((r) => r.map(Number)),
    );
  });

  it('every view answers alike on Trino and DuckDB', async () => {
    for (const view of world.views) {
      const result = await queryView(world, view.properties);
      assertSameRows(
        `view ${view.properties.name}`,
        result.columns,
        { engine: 'Trino', rows: result.trino },
        { engine: 'DuckDB', rows: result.duckdb },
        { ordered: false },
      );
    }
  });
});
