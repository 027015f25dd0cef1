/**
 * The fault matrix against moto: the aws target's own clients (createAwsClients, the SDK's
 * NodeHttpHandler talking HTTP to moto) with faults injected at their transport
 * (test/faults/fault-handler.ts) before a request leaves. Under storms of throttling and 5xx on
 * Glue and S3, apply (under the apply lock, whose conditional puts moto checks) deploys the Glue
 * tables and the reference data, and compaction lists, reads and writes a window of days; each
 * ends where a clean run ends: a plan after it is empty, a compaction after it writes nothing,
 * and every fault was retried exactly once.
 */
import { join } from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../src/apply/apply.js';
import { withApplyLock } from '../../../src/apply/lock.js';
import { desiredResources } from '../../../src/desired/index.js';
import type { Repository } from '../../../src/model/config.js';
import type { ResourceKind } from '../../../src/model/resources.js';
import { readCurrent } from '../../../src/pipeline/plan.js';
import { plan } from '../../../src/plan/plan.js';
import { createAwsClients } from '../../../src/providers/aws/clients.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { FaultPlan, type FaultRule } from '../../faults/fault-handler.js';
import { generatedWorkspace } from '../../helpers/generated.js';
import { motoS3Client, uploadTree } from '../harness/moto.js';
import { type MotoSession, motoSession } from './support.js';

const TODAY = '2026-11-30';
const NOW = Date.parse(`${TODAY}T12:00:00Z`);
const DATA_KINDS = new Set<ResourceKind>(['glue-table', 'table-data']);
let session: MotoSession;
let repo: Repository;
let s3: S3Client;

beforeAll(async () => {
  session = await motoSession();
  const made = await generatedWorkspace({ accounts: 5, ous: 3, regions: 2, days: 3, seed: 23, today: TODAY });
  repo = made.repo;
  s3 = motoS3Client(session.moto, repo.org.glue.region);
  await s3.send(new CreateBucketCommand({ Bucket: repo.org.snapshots.bucket }));
  if (repo.org.data.bucket !== repo.org.snapshots.bucket)
    await s3.send(new CreateBucketCommand({ Bucket: repo.org.data.bucket }));
  await uploadTree(s3, repo.org.snapshots.bucket, join(made.s3Root, repo.org.snapshots.bucket));
}, 300_000);

afterAll(async () => {
  s3?.destroy();
  await session?.close();
});

/** A target on moto whose every request passes `faults` first; waits are recorded, not slept. */
function target(faults: FaultPlan, mode: 'read' | 'write', sleeps: number[] = []) {
  return createAwsTarget(repo.org, {
    mode,
    clients: createAwsClients({ wrapHandler: faults.wrapHandler }),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    now: () => NOW,
  });
}

/** The plan of the Glue tables and reference data (moto has no Organization to read). */
async function planData(t: ReturnType<typeof target>) {
  const desired = desiredResources(repo, TODAY, { quickSightAccountId: '123456789012' }).filter((d) =>
    DATA_KINDS.has(d.kind),
  );
  return { plan: plan(desired, await readCurrent(t, desired, (kind) => DATA_KINDS.has(kind))) };
}

const firstThree = [1, 2, 3];

describe('fault matrix on moto', () => {
  it('apply of the Glue tables and reference data through throttling and 5xx storms: done, a plan after it empty, each fault retried once', async () => {
    const storm: FaultRule[] = [
      { service: 'glue', requests: firstThree, kind: 'throttle' },
      { service: 'glue', requests: [4], kind: 'server-error' },
      { service: 's3', requests: [1], kind: 'throttle' },
      { service: 's3', requests: [2, 3], kind: 'unavailable' },
      { service: 's3', requests: [4], kind: 'server-error' },
    ];
    const faults = new FaultPlan(storm);
    const sleeps: number[] = [];
    const planned = await planData(target(faults, 'read', sleeps));
    expect(planned.plan.summary).toEqual({ create: 11, update: 0, delete: 0, noop: 0 });
    const writer = target(faults, 'write', sleeps);
    const result = await withApplyLock(writer, { holder: 'fault matrix on moto' }, () =>
      apply(planned.plan, writer),
    );
    expect(result.results.filter((r) => r.outcome !== 'done')).toEqual([]);
    // Four faults on every Glue and S3 operation used, each followed by one retry.
    const operations = Object.keys(faults.sentBy());
    expect(faults.injectedBy()).toEqual(Object.fromEntries(operations.map((op) => [op, 4])));
    expect(operations.sort()).toEqual([
      'glue CreateDatabase',
      'glue CreateTable',
      'glue GetDatabase',
      'glue GetTable',
      's3 DeleteObject',
      's3 GetObject',
      's3 PutObject',
    ]);
    expect(sleeps).toHaveLength(faults.injected.length);

    const clean = new FaultPlan([]);
    const after = await planData(target(clean, 'read'));
    expect(after.plan.hasChanges).toBe(false);
    expect(clean.injected).toEqual([]);
  }, 300_000);

  it('compaction through a storm on S3 and Glue writes every day; a clean compaction after it writes nothing', async () => {
    const faults = new FaultPlan([
      { service: 's3', operation: 'ListObjectsV2', requests: 'first-time', kind: 'throttle' },
      { service: 's3', operation: 'GetObject', requests: 'first-time', kind: 'unavailable' },
      { service: 's3', operation: 'PutObject', requests: 'first-time', kind: 'server-error' },
      { service: 'glue', requests: 'first-time', kind: 'throttle' },
    ]);
    const sleeps: number[] = [];
    const faulted = await target(faults, 'write', sleeps).compact({ workers: 2 });
    const window = repo.org.compliance.trendDays + 1;
    expect(faulted.written).toHaveLength(window);
    expect(faulted.written.filter((d) => d.files > 0).map((d) => d.day)).toEqual([
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
    ]);
    expect(faulted.unreadable).toEqual([]);
    // Every distinct request failed once and passed on its retry.
    expect(faults.injected).toHaveLength(faults.distinct.size);
    expect(sleeps).toHaveLength(faults.injected.length);
    expect(faults.injectedBy()['s3 PutObject']).toBe(2 * window);

    const again = await target(new FaultPlan([]), 'write').compact({ workers: 2 });
    expect(again.written).toEqual([]);
  }, 300_000);
});
