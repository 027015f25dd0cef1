/**
 * Which files a compaction run reads and which days it writes (src/compact/plan.ts): the newest
 * file of each account, region and day, its earlier ones kept newest first (read in its place
 * when it is unreadable), and a day left alone when the newest file recorded for each account and
 * region is the one picked, even when an earlier one was recorded beside it.
 */
import { describe, expect, it } from 'vitest';
import { daysToCompact, newestSnapshots } from '../../src/compact/plan.js';
import type { PartitionFile } from '../../src/engines/duckdb/partitions.js';

const BUCKET = 'acme-config-snapshots';
const ACCOUNT = '111122223333';

function file(region: string, stamp: string, uuid: string): PartitionFile {
  return {
    key: `o-a1b2c3d4e5/AWSLogs/${ACCOUNT}/Config/${region}/2026/11/29/ConfigSnapshot/${ACCOUNT}_Config_${region}_ConfigSnapshot_20261129T${stamp}Z_${uuid}.json.gz`,
    account: ACCOUNT,
    region,
    dt: '2026/11/29',
    itemtype: 'ConfigSnapshot',
  };
}

const uri = (f: PartitionFile) => `s3://${BUCKET}/${f.key}`;

describe('newestSnapshots', () => {
  it('picks the newest file of each account, region and day and keeps the earlier ones, newest first', () => {
    const morning = file('eu-west-1', '061500', 'a1');
    const noon = file('eu-west-1', '121500', 'b2');
    const night = file('eu-west-1', '231500', 'c3');
    const other = file('eu-central-1', '101500', 'd4');
    const picked = newestSnapshots([noon, other, morning, night], BUCKET, '2026-11-01').get('2026-11-29');
    expect(picked?.map((p) => [p.uri, p.earlier.map((e) => e.uri)])).toEqual([
      [uri(other), []],
      [uri(night), [uri(noon), uri(morning)]],
    ]);
  });
});

describe('daysToCompact', () => {
  const noon = file('eu-west-1', '121500', 'b2');
  const night = file('eu-west-1', '231500', 'c3');
  const picked = newestSnapshots([noon, night], BUCKET, '2026-11-01');
  const record = (f: PartitionFile) => ({
    day: '2026-11-29',
    account: ACCOUNT,
    region: f.region,
    file: uri(f),
  });

  it('leaves a day alone whose newest recorded file is the one picked, an earlier one read in its place beside it', () => {
    expect(daysToCompact(picked, [record(night), record(noon)])).toEqual([]);
  });

  it('writes a day again when a newer file than the recorded ones arrived', () => {
    expect(daysToCompact(picked, [record(noon)])).toEqual(['2026-11-29']);
  });
});
