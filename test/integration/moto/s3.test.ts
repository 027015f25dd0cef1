/**
 * The snapshot bucket on moto's S3: generated Config snapshot files (src/demo/snapshots.ts) are
 * uploaded with their keys by `uploadTree` (the harness helper the Trino suite uses too) and listed
 * and read back byte for byte.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSnapshots } from '../../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../../src/demo/synthetic-org.js';
import type { Repository } from '../../../src/model/config.js';
import { motoS3Client, uploadTree } from '../harness/moto.js';
import { type MotoSession, motoSession, repository, TODAY } from './support.js';

let session: MotoSession;
let repo: Repository;
let s3: S3Client;
let work: string;

beforeAll(async () => {
  session = await motoSession();
  repo = await repository();
  s3 = motoS3Client(session.moto, repo.org.homeRegion);
  work = await mkdtemp(join(tmpdir(), 'org-compliance-moto-s3-'));
});

afterAll(async () => {
  s3?.destroy();
  if (work) await rm(work, { recursive: true, force: true });
  await session?.close();
});

async function listKeys(bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        MaxKeys: 25, // several pages
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

describe('snapshot bucket on moto S3', () => {
  it('holds generated snapshot files under the keys Config writes, listed and read back unchanged', async () => {
    const { bucket } = repo.org.snapshots;
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: repo.org.homeRegion as never },
      }),
    );
    const organization = syntheticOrganization({
      organizationId: repo.org.organizationId,
      accounts: 6,
      ous: 4,
      seed: 7,
      until: TODAY,
    });
    const s3Dir = join(work, 's3');
    const written = await writeSnapshots({
      org: repo.org,
      organization,
      rules: repo.rules,
      days: 3,
      until: TODAY,
      seed: 7,
      s3Dir,
    });
    // One of the six accounts never delivers (the generator's never-delivered account).
    expect(written.files).toBeGreaterThan(40);

    const uploaded = await uploadTree(s3, bucket, join(s3Dir, bucket));
    expect(uploaded).toHaveLength(written.files);
    // Keys as AWS Config writes them into an organization bucket: <org-id>/AWSLogs/<account>/Config/<region>/<y>/<m>/<d>/ConfigSnapshot/…
    const layout =
      /^o-[a-z0-9]+\/AWSLogs\/\d{12}\/Config\/[a-z0-9-]+\/\d{4}\/[1-9]\d?\/[1-9]\d?\/ConfigSnapshot\/\d{12}_Config_[a-z0-9-]+_ConfigSnapshot_\d{8}T\d{6}Z_[0-9a-f-]+\.json\.gz$/;
    for (const key of uploaded) expect(key).toMatch(layout);

    expect(await listKeys(bucket)).toEqual(uploaded);
    const account = uploaded[0]?.split('/')[2] ?? '';
    const prefix = `${repo.org.organizationId}/AWSLogs/${account}/`;
    expect(await listKeys(bucket, prefix)).toEqual(uploaded.filter((k) => k.startsWith(prefix)));

    const key = uploaded[uploaded.length - 1] as string;
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
    expect(body.equals(await readFile(join(s3Dir, bucket, key)))).toBe(true);
    const snapshot = JSON.parse(gunzipSync(body).toString('utf8')) as {
      configurationItems: { awsAccountId: string }[];
    };
    expect(snapshot.configurationItems.length).toBeGreaterThan(0);
    expect(snapshot.configurationItems[0]?.awsAccountId).toBe(key.split('/')[2]);
  });
});
