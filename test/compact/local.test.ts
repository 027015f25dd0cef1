/**
 * Compaction on the local target: every day of the window written once, from the newest file of
 * each account, region and day, with exactly the evaluations the independent reading finds; a
 * rerun writes nothing and leaves every object byte for byte; a file delivered late rewrites its
 * day only; a missing day is caught up, giving the same bytes as before.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { RECHECK_DAYS } from '../../src/compact/run.js';
import { desiredGlueTable, projectedAccounts } from '../../src/desired/glue-table.js';
import {
  compactedDirectory,
  compactLocal,
  type LocalCompactionOptions,
} from '../../src/engines/duckdb/compact.js';
import type { Repository } from '../../src/model/config.js';
import { evaluationsOf, newestPerDay, readSnapshots } from '../helpers/expected.js';
import { generatedWorkspace } from '../helpers/generated.js';

const TODAY = '2026-11-30';
const DAYS = 4;
let repo: Repository;
let s3Root: string;
let options: LocalCompactionOptions;

beforeAll(async () => {
  const made = await generatedWorkspace({
    accounts: 6,
    ous: 4,
    regions: 2,
    days: DAYS,
    seed: 9,
    today: TODAY,
  });
  repo = made.repo;
  s3Root = made.s3Root;
  options = {
    s3Root,
    table: desiredGlueTable(repo.org, repo.accounts, TODAY),
    data: repo.org.data,
    today: TODAY,
    days: DAYS,
  };
}, 120_000);

/** sha256 of every object the compaction wrote, by path under the data prefix. */
async function digests(): Promise<Record<string, string>> {
  const base = join(compactedDirectory(s3Root, repo.org.data, 'files'), '..');
  const out: Record<string, string> = {};
  for (const entry of await readdir(base, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out[relative(base, full).split(sep).join('/')] = createHash('sha256')
      .update(await readFile(full))
      .digest('hex');
  }
  return out;
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function evaluationsParquet(): string {
  return join(compactedDirectory(s3Root, repo.org.data, 'evaluations'), '*', '*.parquet');
}

describe('local compaction', () => {
  it('writes each day once with the evaluations of its newest files, and a rerun writes nothing', async () => {
    const first = await compactLocal(options);
    expect(first.written.filter((d) => d.files > 0).map((d) => d.day)).toEqual([
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
    ]);
    // The window's days without any file are written once, empty.
    expect(first.written).toHaveLength(DAYS + 1);

    const projected = new Set(projectedAccounts(repo.accounts, TODAY, repo.org.closedAccountRetentionDays));
    const newest = newestPerDay(await readSnapshots(s3Root, repo, projected));
    const expected = newest.flatMap((f) => evaluationsOf(f, repo));
    expect(first.written.reduce((n, d) => n + d.rows, 0)).toBe(expected.length);
    expect(first.written.reduce((n, d) => n + d.files, 0)).toBe(newest.length);
    const [{ n }] = (await query(`SELECT count(*) AS n FROM read_parquet('${evaluationsParquet()}')`)) as [
      { n: bigint },
    ];
    expect(Number(n)).toBe(expected.length);
    const nonCompliant = await query(
      `SELECT count(*) AS n FROM read_parquet('${evaluationsParquet()}') WHERE compliance_type = 'NON_COMPLIANT'`,
    );
    expect(Number(nonCompliant[0]?.n)).toBe(expected.filter((e) => e.compliance === 'NON_COMPLIANT').length);

    const before = await digests();
    const again = await compactLocal(options);
    expect(again.written).toEqual([]);
    // Only the recheck days are listed again (today and the 2 before); the rest are not listed.
    expect(again.unchanged).toBe(RECHECK_DAYS + 1);
    expect(again.skipped).toBe(DAYS + 1 - (RECHECK_DAYS + 1));
    expect(await digests()).toEqual(before);
  }, 120_000);

  it('reads back only the files tables of the days it lists again, not the whole window', async () => {
    // A day older than the recheck days: its files table is not read on a rerun, so even an
    // object DuckDB cannot read there goes unnoticed (and is left as it is).
    const old = join(compactedDirectory(s3Root, repo.org.data, 'files'), 'dt=2026-11-26', 'part-0.parquet');
    const kept = await readFile(old);
    await writeFile(old, 'not parquet');
    try {
      const again = await compactLocal(options);
      expect(again.written).toEqual([]);
      expect(again.unchanged).toBe(RECHECK_DAYS + 1);
      expect(await readFile(old, 'utf8')).toBe('not parquet');
      // Within the recheck days it is read, and DuckDB's refusal comes through.
      const recent = join(
        compactedDirectory(s3Root, repo.org.data, 'files'),
        'dt=2026-11-29',
        'part-0.parquet',
      );
      const recentKept = await readFile(recent);
      await writeFile(recent, 'not parquet');
      try {
        await expect(compactLocal(options)).rejects.toThrow(/dt=2026-11-29/);
      } finally {
        await writeFile(recent, recentKept);
      }
    } finally {
      await writeFile(old, kept);
    }
  }, 120_000);

  it('a file delivered late rewrites its day, and only that day', async () => {
    const projected = new Set(projectedAccounts(repo.accounts, TODAY, repo.org.closedAccountRetentionDays));
    const newest = newestPerDay(await readSnapshots(s3Root, repo, projected));
    const target = newest.find((f) => f.day === '2026-11-28' && evaluationsOf(f, repo).length > 0);
    if (!target) throw new Error('no file to deliver late');
    const before = await digests();
    // A later delivery of the same day: the timestamp in the name is later, one result flipped.
    const later = target.key.replace(/_(\d{8})T(\d{6})Z_/, (_, d: string) => `_${d}T235959Z_`);
    expect(later).not.toBe(target.key);
    const bucketDir = join(s3Root, repo.org.snapshots.bucket);
    const doc = JSON.parse(gunzipSync(await readFile(join(bucketDir, target.key))).toString('utf8'));
    const compliance = doc.configurationItems.find(
      (i: { resourceType: string }) => i.resourceType === 'AWS::Config::ResourceCompliance',
    );
    const rule = compliance.configuration.configRuleList[0];
    rule.complianceType = rule.complianceType === 'COMPLIANT' ? 'NON_COMPLIANT' : 'COMPLIANT';
    await mkdir(dirname(join(bucketDir, later)), { recursive: true });
    await writeFile(join(bucketDir, later), gzipSync(JSON.stringify(doc)));

    const result = await compactLocal(options);
    expect(result.written.map((d) => d.day)).toEqual(['2026-11-28']);
    const after = await digests();
    const changed = Object.keys(after).filter((p) => after[p] !== before[p]);
    expect(changed.sort()).toEqual([
      'evaluations/dt=2026-11-28/part-0.parquet',
      'files/dt=2026-11-28/part-0.parquet',
    ]);
    const files = await query(
      `SELECT snapshot_file FROM read_parquet('${join(compactedDirectory(s3Root, repo.org.data, 'files'), 'dt=2026-11-28', '*.parquet')}') WHERE account_id = '${target.account}' AND region = '${target.region}'`,
    );
    expect(files.map((f) => f.snapshot_file)).toEqual([`s3://${repo.org.snapshots.bucket}/${later}`]);
  }, 120_000);

  it('a day missing from the compacted data is caught up, with the same bytes as before', async () => {
    const before = await digests();
    for (const table of ['evaluations', 'files'] as const) {
      await rm(join(compactedDirectory(s3Root, repo.org.data, table), 'dt=2026-11-29'), {
        recursive: true,
        force: true,
      });
    }
    const result = await compactLocal(options);
    expect(result.written.map((d) => d.day)).toEqual(['2026-11-29']);
    expect(await digests()).toEqual(before);
  }, 120_000);

  it('keeps the tags of each target as a map, as the independent reading finds them', async () => {
    const projected = new Set(projectedAccounts(repo.accounts, TODAY, repo.org.closedAccountRetentionDays));
    const expected = newestPerDay(await readSnapshots(s3Root, repo, projected))
      .flatMap((f) => evaluationsOf(f, repo))
      .filter((e) => Object.keys(e.tags).length > 0);
    const rows = await query(
      `SELECT count(*) AS n, count(DISTINCT map_keys(tags)) AS shapes FROM read_parquet('${evaluationsParquet()}') WHERE cardinality(tags) > 0`,
    );
    expect(Number(rows[0]?.n)).toBe(expected.length);
    expect(Number(rows[0]?.shapes)).toBeGreaterThan(1);
  });
});
