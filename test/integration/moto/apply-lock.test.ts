/**
 * The aws target's apply lock on moto's S3, through the real SDK: a conditional put takes it
 * (S3 refuses `If-None-Match: *` on an existing key), an expired lock is taken over by a put
 * conditional on its ETag, and of two applies started at once only one runs.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEASE_MS, LockHeldError, withApplyLock } from '../../../src/apply/lock.js';
import type { Repository } from '../../../src/model/config.js';
import type { LockRecord } from '../../../src/model/provider.js';
import { lockKey } from '../../../src/providers/aws/lock.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { motoS3Client } from '../harness/moto.js';
import { type MotoSession, motoSession, repository } from './support.js';

let session: MotoSession;
let repo: Repository;
let s3: S3Client;

const T0 = new Date('2026-12-02T10:00:00.000Z');
const record = (id: string, at = T0): LockRecord => ({
  id,
  holder: `runner ${id}`,
  acquired: at.toISOString(),
  expires: new Date(at.getTime() + LEASE_MS).toISOString(),
});

beforeAll(async () => {
  session = await motoSession();
  repo = await repository();
  s3 = motoS3Client(session.moto, 'us-east-1');
  await s3.send(new CreateBucketCommand({ Bucket: repo.org.data.bucket }));
});

afterAll(async () => {
  s3?.destroy();
  await session?.close();
});

const lockOf = () => {
  const lock = createAwsTarget(repo.org, { mode: 'write', maxAttempts: 2 }).applyLock;
  if (!lock) throw new Error('a write target has an apply lock');
  return lock;
};

async function stored(): Promise<LockRecord> {
  const answer = await s3.send(
    new GetObjectCommand({ Bucket: repo.org.data.bucket, Key: lockKey(repo.org) }),
  );
  return JSON.parse((await answer.Body?.transformToString()) ?? '');
}

describe('the apply lock on S3 (moto)', () => {
  it('is an object under the prefix the tool owns; a read target has none', () => {
    expect(lockOf().location).toBe(`s3://${repo.org.data.bucket}/org-compliance/locks/apply.json`);
    expect(createAwsTarget(repo.org, { mode: 'read' }).applyLock).toBeUndefined();
  });

  it('one holder at a time; an expired one is taken over; release and force-unlock', async () => {
    const [a, b] = [lockOf(), lockOf()];
    expect(await a.acquire(record('a'), T0)).toEqual({ acquired: true });
    expect(await b.acquire(record('b'), T0)).toEqual({ acquired: false, held: record('a') });
    expect(await stored()).toEqual(record('a'));
    const late = new Date(T0.getTime() + LEASE_MS);
    expect(await b.acquire(record('b', late), late)).toEqual({ acquired: true, replaced: record('a') });
    await a.release('a'); // Not a's any more: stays.
    expect((await stored()).id).toBe('b');
    await b.release('b');
    await expect(stored()).rejects.toThrow(/NoSuchKey|does not exist/);
    await s3.send(
      new PutObjectCommand({ Bucket: repo.org.data.bucket, Key: lockKey(repo.org), Body: 'not json' }),
    );
    const refused = await a.acquire(record('c'), late);
    expect(refused.acquired).toBe(false);
    expect((await a.forceUnlock())?.holder).toBe('an unreadable lock object');
    expect(await a.forceUnlock()).toBeUndefined();
  });

  it('of two applies started at once, exactly one runs; the other is refused naming it', async () => {
    const targets = [
      createAwsTarget(repo.org, { mode: 'write', maxAttempts: 2 }),
      createAwsTarget(repo.org, { mode: 'write', maxAttempts: 2 }),
    ];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const ran: string[] = [];
    const runs = targets.map((t, i) =>
      withApplyLock(t, { holder: `apply ${i}` }, async () => {
        ran.push(`apply ${i}`);
        await gate;
      }),
    );
    // The holder waits at the gate: the other settles (refused) while the lock is held.
    await Promise.race(runs.map((p) => p.catch(() => undefined)));
    release();
    const settled = await Promise.allSettled(runs);
    expect(ran).toHaveLength(1);
    const rejected = settled.filter((s) => s.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(LockHeldError);
    expect(String((rejected[0] as PromiseRejectedResult).reason.message)).toContain(`${ran[0]}, since`);
    await expect(stored()).rejects.toThrow(/NoSuchKey|does not exist/);
  });
});
