/**
 * The reference data on moto's S3, through the aws target as apply and plan run it (the SDK pointed
 * at moto by AWS_ENDPOINT_URL, the S3 client path-style): the objects apply writes are read back by
 * plan as the same rows, carry the ownership tag as user metadata, and an object someone else put
 * at the same key is not ours.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../src/apply/apply.js';
import { desiredResources } from '../../../src/desired/index.js';
import type { Repository } from '../../../src/model/config.js';
import { resourcesOfKind } from '../../../src/model/resources.js';
import { parseS3Uri } from '../../../src/model/table-data.js';
import { plan } from '../../../src/plan/plan.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { motoS3Client } from '../harness/moto.js';
import { type MotoSession, motoSession, repository, TODAY } from './support.js';

let session: MotoSession;
let repo: Repository;
let s3: S3Client;

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

function desiredData() {
  return resourcesOfKind(
    desiredResources(repo, TODAY, { quickSightAccountId: '123456789012' }),
    'table-data',
  );
}

describe('reference data on moto S3', () => {
  it('apply writes one JSON-lines object per table with the ownership tag; plan reads the same rows back', async () => {
    const desired = desiredData();
    expect(desired.map((d) => d.properties.table)).toEqual([
      'org_compliance.ref_accounts',
      'org_compliance.ref_catalog_rules',
      'org_compliance.ref_exceptions',
      'org_compliance.ref_rule_controls',
    ]);
    const target = createAwsTarget(repo.org, { mode: 'write', maxAttempts: 2 });
    const first = plan(desired, await target.providers['table-data'].read(desired));
    expect(first.changes.map((c) => c.action)).toEqual(['create', 'create', 'create', 'create']);
    const result = await apply(first, target);
    expect(result.ok).toBe(true);
    expect(target.writesByOperation()).toEqual({ PutObject: 4 });

    const accounts = desired[0]?.properties;
    const { bucket, key } = parseS3Uri(accounts?.location ?? '');
    expect(key).toBe('org-compliance/reference/ref_accounts/ref_accounts.json');
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(object.Metadata).toEqual({ 'managed-by': 'org-compliance' });
    const lines = (await object.Body?.transformToString())?.trimEnd().split('\n') ?? [];
    expect(lines).toHaveLength(repo.accounts.length);
    expect(Object.keys(JSON.parse(lines[0] ?? '{}'))).toEqual(accounts?.columns);

    const again = createAwsTarget(repo.org, { mode: 'read', maxAttempts: 2 });
    const second = plan(desired, await again.providers['table-data'].read(desired));
    expect(second.hasChanges).toBe(false);
  });

  it('an account closed in accounts.yaml is one update, put in words', async () => {
    const [first] = repo.accounts;
    if (!first) throw new Error('no accounts');
    const closed = {
      ...repo,
      accounts: repo.accounts.map((a) => (a.id === first.id ? { ...a, state: 'SUSPENDED' as const } : a)),
    };
    const desired = resourcesOfKind(
      desiredResources(closed, TODAY, { quickSightAccountId: '123456789012' }),
      'table-data',
    );
    const target = createAwsTarget(repo.org, { mode: 'read', maxAttempts: 2 });
    const planned = plan(desired, await target.providers['table-data'].read(desired));
    const changed = planned.changes.filter((c) => c.action !== 'no-op');
    expect(changed.map((c) => `${c.action} ${c.name}`)).toEqual(['update org_compliance.ref_accounts']);
    expect(changed[0]?.description).toEqual([
      'accounts: 1 closed',
      `~ ${first.id}: state ACTIVE → SUSPENDED`,
    ]);
  });

  it('an object at the key without the ownership tag is not ours: a conflict, never overwritten', async () => {
    const [exceptions] = desiredData().filter((d) => d.properties.table.endsWith('.ref_exceptions'));
    if (!exceptions) throw new Error('no exceptions table');
    const { bucket, key } = parseS3Uri(exceptions.properties.location);
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{"exception_id":"someone-elses"}\n' }),
    );
    const target = createAwsTarget(repo.org, { mode: 'read', maxAttempts: 2 });
    const [current] = await target.providers['table-data'].read([exceptions]);
    expect(current?.owned).toBe(false);
    expect(plan([exceptions], current ? [current] : []).conflicts.map((c) => c.subject)).toEqual([
      exceptions.key,
    ]);
  });
});
