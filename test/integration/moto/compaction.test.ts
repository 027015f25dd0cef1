/**
 * Compaction against S3 on moto, through the aws target as the nightly workflow runs it (`compact
 * --target aws`): the snapshot files uploaded with the keys Config uses, the snapshot table applied
 * to Glue, then the target lists, downloads, extracts and uploads one Parquet object per day and
 * table. What it stored is read back from moto and must be byte for byte what the local target
 * writes from the same files; a rerun writes nothing; a late delivery rewrites its day only.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../src/apply/apply.js';
import { desiredGlueTable, projectedAccounts } from '../../../src/desired/glue-table.js';
import { desiredResources } from '../../../src/desired/index.js';
import { compactedDirectory, compactLocal } from '../../../src/engines/duckdb/compact.js';
import type { Repository } from '../../../src/model/config.js';
import { resourcesOfKind } from '../../../src/model/resources.js';
import { plan } from '../../../src/plan/plan.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { evaluationsOf, newestPerDay, readSnapshots } from '../../helpers/expected.js';
import { generatedWorkspace } from '../../helpers/generated.js';
import { motoS3Client, uploadTree } from '../harness/moto.js';
import { type MotoSession, motoSession } from './support.js';

const TODAY = '2026-11-30';
const NOW = Date.parse(`${TODAY}T12:00:00Z`);
let session: MotoSession;
let repo: Repository;
let s3: S3Client;
let s3Root: string;

beforeAll(async () => {
  session = await motoSession();
  const made = await generatedWorkspace({ accounts: 5, ous: 3, regions: 2, days: 3, seed: 17, today: TODAY });
  repo = made.repo;
  s3Root = made.s3Root;
  s3 = motoS3Client(session.moto, repo.org.glue.region);
  await s3.send(new CreateBucketCommand({ Bucket: repo.org.snapshots.bucket }));
  if (repo.org.data.bucket !== repo.org.snapshots.bucket)
    await s3.send(new CreateBucketCommand({ Bucket: repo.org.data.bucket }));
  await uploadTree(s3, repo.org.snapshots.bucket, join(s3Root, repo.org.snapshots.bucket));
  // The snapshot table in Glue, as apply deploys it: compaction reads its projection.
  const target = createAwsTarget(repo.org, { mode: 'write', maxAttempts: 2, now: () => NOW });
  const desired = resourcesOfKind(
    desiredResources(repo, TODAY, { quickSightAccountId: '123456789012' }),
    'glue-table',
  );
  const result = await apply(plan(desired, await target.providers['glue-table'].read(desired)), target);
  expect(result.ok).toBe(true);
}, 300_000);

afterAll(async () => {
  s3?.destroy();
  await session?.close();
});

const PREFIX = 'org-compliance/compacted/';

function projected(): Set<string> {
  return new Set(projectedAccounts(repo.accounts, TODAY, repo.org.closedAccountRetentionDays));
}

async function storedObjects(): Promise<Record<string, { sha: string; metadata: Record<string, string> }>> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: repo.org.data.bucket, Prefix: PREFIX }));
  const out: Record<string, { sha: string; metadata: Record<string, string> }> = {};
  for (const o of listed.Contents ?? []) {
    const got = await s3.send(new GetObjectCommand({ Bucket: repo.org.data.bucket, Key: o.Key }));
    const bytes = await got.Body?.transformToByteArray();
    out[(o.Key as string).slice(PREFIX.length)] = {
      sha: createHash('sha256')
        .update(bytes ?? new Uint8Array())
        .digest('hex'),
      metadata: got.Metadata ?? {},
    };
  }
  return out;
}

async function localDigests(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of ['evaluations', 'files'] as const) {
    const dir = compactedDirectory(s3Root, repo.org.data, table);
    for (const day of ['2026-11-28', '2026-11-29', '2026-11-30']) {
      const file = join(dir, `dt=${day}`, 'part-0.parquet');
      out[`${table}/dt=${day}/part-0.parquet`] = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
    }
  }
  return out;
}

describe('compaction on S3 (moto)', () => {
  it('writes each day once, tagged as ours, byte for byte what the local target writes; a rerun writes nothing', async () => {
    const target = createAwsTarget(repo.org, { mode: 'write', maxAttempts: 2, now: () => NOW });
    const first = await target.compact({ workers: 2 });
    const window = repo.org.compliance.trendDays + 1;
    expect(first.written.filter((d) => d.files > 0).map((d) => d.day)).toEqual([
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
    ]);
    // The days of the window without any snapshot are written once, empty, so that no later run
    // lists them again.
    expect(first.written).toHaveLength(window);
    expect(target.writesByOperation()).toEqual({ PutObject: 2 * window });
    const expected = newestPerDay(await readSnapshots(s3Root, repo, projected()));
    expect(first.written.reduce((n, d) => n + d.rows, 0)).toBe(
      expected.flatMap((f) => evaluationsOf(f, repo)).length,
    );

    const stored = await storedObjects();
    expect(Object.keys(stored)).toHaveLength(2 * window);
    for (const day of ['2026-11-27', '2026-09-01']) {
      expect(Object.keys(stored)).toContain(`files/dt=${day}/part-0.parquet`);
      delete stored[`files/dt=${day}/part-0.parquet`];
      delete stored[`evaluations/dt=${day}/part-0.parquet`];
    }
    for (const key of Object.keys(stored)) if (!/2026-11-(28|29|30)/.test(key)) delete stored[key];
    expect(Object.keys(stored).sort()).toEqual([
      'evaluations/dt=2026-11-28/part-0.parquet',
      'evaluations/dt=2026-11-29/part-0.parquet',
      'evaluations/dt=2026-11-30/part-0.parquet',
      'files/dt=2026-11-28/part-0.parquet',
      'files/dt=2026-11-29/part-0.parquet',
      'files/dt=2026-11-30/part-0.parquet',
    ]);
    for (const object of Object.values(stored))
      expect(object.metadata).toEqual({ 'managed-by': 'org-compliance' });
    await compactLocal({
      s3Root,
      table: desiredGlueTable(repo.org, repo.accounts, TODAY),
      data: repo.org.data,
      today: TODAY,
      days: repo.org.compliance.trendDays,
    });
    expect(Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, v.sha]))).toEqual(
      await localDigests(),
    );

    const again = createAwsTarget(repo.org, { mode: 'write', maxAttempts: 2, now: () => NOW });
    const second = await again.compact();
    expect(second.written).toEqual([]);
    expect(again.writesByOperation()).toEqual({});
    // Days compacted before and older than the recheck (2 days) are not listed again.
    expect(second.skipped).toBe(window - 3);
    expect(second.unchanged).toBe(3);
  }, 300_000);

  it('a snapshot delivered late for a compacted day rewrites that day only', async () => {
    const before = await storedObjects();
    const expected = newestPerDay(await readSnapshots(s3Root, repo, projected()));
    const target0 = expected.find((f) => f.day === '2026-11-29' && evaluationsOf(f, repo).length > 0);
    if (!target0) throw new Error('no file to deliver late');
    const later = target0.key.replace(/_(\d{8})T(\d{6})Z_/, (_, d: string) => `_${d}T235959Z_`);
    expect(later).not.toBe(target0.key);
    const bucketDir = join(s3Root, repo.org.snapshots.bucket);
    const doc = JSON.parse(gunzipSync(await readFile(join(bucketDir, target0.key))).toString('utf8')) as {
      configurationItems: {
        resourceType: string;
        configuration: { configRuleList?: { complianceType: string }[] };
      }[];
    };
    // The later file says one result has changed: the day's rows must be those of the later file.
    const result0 = doc.configurationItems.find(
      (i) => i.resourceType === 'AWS::Config::ResourceCompliance' && i.configuration.configRuleList?.length,
    )?.configuration.configRuleList?.[0];
    if (!result0) throw new Error('no rule result in the file to deliver late');
    result0.complianceType = result0.complianceType === 'COMPLIANT' ? 'NON_COMPLIANT' : 'COMPLIANT';
    const body = gzipSync(JSON.stringify(doc));
    await s3.send(new PutObjectCommand({ Bucket: repo.org.snapshots.bucket, Key: later, Body: body }));
    await writeFile(join(bucketDir, later), body);

    const target = createAwsTarget(repo.org, { mode: 'write', maxAttempts: 2, now: () => NOW });
    const result = await target.compact();
    expect(result.written.map((d) => d.day)).toEqual(['2026-11-29']);
    expect(target.writesByOperation()).toEqual({ PutObject: 2 });
    const after = await storedObjects();
    const changed = Object.keys(after).filter((k) => after[k]?.sha !== before[k]?.sha);
    // The rows of the later file (one result differs) and the files table; no other day.
    expect(changed.sort()).toEqual([
      'evaluations/dt=2026-11-29/part-0.parquet',
      'files/dt=2026-11-29/part-0.parquet',
    ]);
  }, 300_000);
});
