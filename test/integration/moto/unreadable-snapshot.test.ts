/**
 * An unreadable snapshot file on S3 (moto), through the aws target as the nightly workflow
 * compacts (`compact --target aws`): a newer delivery of a day that is cut-off gzip is named in a
 * warning with its s3:// key, recorded in the files table object without counts, the earlier file
 * of that day is read in its place (the evaluations are those of the run without the bad file,
 * byte for byte), and a rerun writes nothing.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../src/apply/apply.js';
import { projectedAccounts } from '../../../src/desired/glue-table.js';
import { desiredResources } from '../../../src/desired/index.js';
import type { Repository } from '../../../src/model/config.js';
import { resourcesOfKind } from '../../../src/model/resources.js';
import { plan } from '../../../src/plan/plan.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { newestPerDay, readSnapshots } from '../../helpers/expected.js';
import { generatedWorkspace } from '../../helpers/generated.js';
import { motoS3Client, uploadTree } from '../harness/moto.js';
import { type MotoSession, motoSession } from './support.js';

const TODAY = '2026-11-30';
const NOW = Date.parse(`${TODAY}T12:00:00Z`);
let session: MotoSession;
let repo: Repository;
let s3: S3Client;
/** The newest file of one account and region today. */
let good: string;

beforeAll(async () => {
  session = await motoSession();
  const made = await generatedWorkspace({ accounts: 4, ous: 3, regions: 2, days: 2, seed: 23, today: TODAY });
  repo = made.repo;
  s3 = motoS3Client(session.moto, repo.org.glue.region);
  await s3.send(new CreateBucketCommand({ Bucket: repo.org.snapshots.bucket }));
  if (repo.org.data.bucket !== repo.org.snapshots.bucket)
    await s3.send(new CreateBucketCommand({ Bucket: repo.org.data.bucket }));
  await uploadTree(s3, repo.org.snapshots.bucket, join(made.s3Root, repo.org.snapshots.bucket));
  const target = createAwsTarget(repo.org, { mode: 'write', maxAttempts: 2, now: () => NOW });
  const desired = resourcesOfKind(
    desiredResources(repo, TODAY, { quickSightAccountId: '123456789012' }),
    'glue-table',
  );
  expect((await apply(plan(desired, await target.providers['glue-table'].read(desired)), target)).ok).toBe(
    true,
  );
  const projected = new Set(projectedAccounts(repo.accounts, TODAY, repo.org.closedAccountRetentionDays));
  const today = newestPerDay(await readSnapshots(made.s3Root, repo, projected)).filter(
    (f) => f.day === TODAY,
  );
  good = today[0]?.key as string;
  expect(good).toBeDefined();
}, 300_000);

afterAll(async () => {
  s3?.destroy();
  await session?.close();
});

async function object(key: string): Promise<Uint8Array> {
  const got = await s3.send(new GetObjectCommand({ Bucket: repo.org.data.bucket, Key: key }));
  return (await got.Body?.transformToByteArray()) ?? new Uint8Array();
}

async function filesTable(): Promise<Record<string, (number | null)[]>> {
  const path = join(await mkdtemp(join(tmpdir(), 'org-compliance-moto-files-')), 'part-0.parquet');
  await writeFile(path, await object(`org-compliance/compacted/files/dt=${TODAY}/part-0.parquet`));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const rows = (
      await connection.runAndReadAll(`SELECT snapshot_file, items, evaluations FROM read_parquet('${path}')`)
    ).getRowObjectsJS() as { snapshot_file: string; items: bigint | null; evaluations: bigint | null }[];
    return Object.fromEntries(
      rows.map((r) => [
        r.snapshot_file,
        [r.items, r.evaluations].map((v) => (v === null ? null : Number(v))),
      ]),
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('an unreadable snapshot file on S3 (moto)', () => {
  it('is named, recorded without counts, the earlier file read in its place; a rerun writes nothing', async () => {
    const first = createAwsTarget(repo.org, { mode: 'write', maxAttempts: 2, now: () => NOW });
    await first.compact();
    const evaluationsKey = `org-compliance/compacted/evaluations/dt=${TODAY}/part-0.parquet`;
    const evaluations = sha(await object(evaluationsKey));

    const late = good.replace(/_(\d{8})T(\d{6})Z_/, (_, d: string) => `_${d}T235959Z_`);
    const gz = await s3
      .send(new GetObjectCommand({ Bucket: repo.org.snapshots.bucket, Key: good }))
      .then((r) => r.Body?.transformToByteArray() as Promise<Uint8Array>);
    await s3.send(
      new PutObjectCommand({
        Bucket: repo.org.snapshots.bucket,
        Key: late,
        Body: gz.subarray(0, gz.length >> 1),
      }),
    );
    const bucket = repo.org.snapshots.bucket;
    const progress: string[] = [];
    const target = createAwsTarget(repo.org, { mode: 'write', maxAttempts: 2, now: () => NOW });
    const result = await target.compact({ progress: (m) => progress.push(m) });
    expect(result.written.map((d) => d.day)).toEqual([TODAY]);
    expect(result.unreadable.map((u) => [u.uri, u.reason, u.readInstead])).toEqual([
      [
        `s3://${bucket}/${late}`,
        'gzip cut short (unexpected end of file): the file is truncated',
        `s3://${bucket}/${good}`,
      ],
    ]);
    expect(progress.filter((m) => m.startsWith('warning: '))).toEqual([
      `warning: the snapshot file s3://${bucket}/${late} could not be read: gzip cut short (unexpected end of file): the file is truncated (a Config snapshot file is gzipped JSON, an object with a configurationItems array); the earlier file s3://${bucket}/${good} of that day was read in its place`,
    ]);
    expect(target.writesByOperation()).toEqual({ PutObject: 2 });
    // The evaluations are the earlier file's: byte for byte the object of the run before.
    expect(sha(await object(evaluationsKey))).toBe(evaluations);
    const table = await filesTable();
    expect(table[`s3://${bucket}/${late}`]).toEqual([null, null]);
    expect(table[`s3://${bucket}/${good}`]?.[0]).toBeGreaterThan(0);

    const again = createAwsTarget(repo.org, { mode: 'write', maxAttempts: 2, now: () => NOW });
    expect((await again.compact()).written).toEqual([]);
    expect(again.writesByOperation()).toEqual({});
  }, 300_000);
});
