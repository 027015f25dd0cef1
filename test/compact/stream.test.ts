/**
 * The compacted rows of a snapshot file, read as a stream, are the evaluations an independent
 * reading of the same generated files finds (test/helpers/expected.ts, which test/sql/views.test.ts
 * also checks every view against); a file over Athena's 32 MB row limit is read whole.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLIANCE_ITEM_TYPE, type CompactRow } from '../../src/compact/rows.js';
import { compactSnapshotStream } from '../../src/compact/stream.js';
import { writeSnapshots } from '../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository } from '../../src/model/config.js';
import { evaluationsOf, newestPerDay, readSnapshots } from '../helpers/expected.js';
import { REPO_ROOT } from '../helpers/repo.js';

const TODAY = '2026-11-30';
let repo: Repository;
let dir: string;

beforeAll(async () => {
  const loaded = await loadRepository(REPO_ROOT, { today: TODAY });
  if (!loaded.repository) throw new Error('the shipped repository does not load');
  repo = loaded.repository;
  dir = await mkdtemp(join(tmpdir(), 'org-compliance-compact-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A row as the independent reading says an evaluation: the catalog name where the member name maps to one. */
function asEvaluation(row: CompactRow): string {
  const m = /^OrgConfigRule-(.+)-[A-Za-z0-9]+$/.exec(row.member_rule_name);
  const catalog = new Set(repo.rules.map((r) => r.name));
  const rule = m && catalog.has(m[1] as string) ? (m[1] as string) : row.member_rule_name;
  return [
    row.account_id,
    row.region,
    rule,
    row.resource_type,
    row.resource_id,
    row.compliance_type,
    JSON.stringify(row.tags ?? {}),
  ].join('|');
}

describe('compacting generated snapshot files', () => {
  it('gives, file by file, exactly the evaluations the independent reading finds', async () => {
    const s3Dir = join(dir, 's3');
    const organization = syntheticOrganization({
      organizationId: repo.org.organizationId,
      accounts: 6,
      ous: 4,
      seed: 5,
      until: TODAY,
    });
    await writeSnapshots({
      org: repo.org,
      organization,
      rules: repo.rules,
      days: 2,
      until: TODAY,
      seed: 5,
      s3Dir,
    });
    const files = newestPerDay(
      await readSnapshots(s3Dir, repo, new Set(organization.accounts.map((a) => a.id))),
    );
    expect(files.length).toBeGreaterThan(10);
    let rows = 0;
    for (const file of files) {
      const uri = `s3://${repo.org.snapshots.bucket}/${file.key}`;
      const compacted = await compactSnapshotStream(
        createReadStream(join(s3Dir, repo.org.snapshots.bucket, file.key)),
        { account: file.account, region: file.region, uri },
        { gzip: true },
      );
      expect(compacted.items).toBe(file.doc.configurationItems.length);
      const expected = evaluationsOf(file, repo).map((e) =>
        [
          e.account,
          e.region,
          e.rule,
          e.resourceType,
          e.resourceId,
          e.compliance,
          JSON.stringify(e.tags),
        ].join('|'),
      );
      expect(compacted.rows.map(asEvaluation).sort()).toEqual(expected.sort());
      rows += compacted.rows.length;
    }
    expect(rows).toBeGreaterThan(500);
  });
});

describe('a file of any size', () => {
  /** A snapshot with `resources` EC2 volumes, each with a 1 KB configuration, and one result each. */
  function bigSnapshot(resources: number): string {
    const items: string[] = [];
    const blob = 'x'.repeat(1_000);
    for (let i = 0; i < resources; i++) {
      const id = `vol-${i.toString(16).padStart(17, '0')}`;
      items.push(
        JSON.stringify({
          resourceType: 'AWS::EC2::Volume',
          resourceId: id,
          configuration: { volumeId: id, note: blob },
          tags: { Environment: i % 2 ? 'prod' : 'dev', environment: 'x' },
        }),
        JSON.stringify({
          resourceType: COMPLIANCE_ITEM_TYPE,
          resourceId: `AWS::EC2::Volume/${id}`,
          configuration: {
            targetResourceType: 'AWS::EC2::Volume',
            targetResourceId: id,
            configRuleList: [
              {
                configRuleName: 'OrgConfigRule-security-encrypted-volumes-abc123',
                complianceType: i % 3 ? 'COMPLIANT' : 'NON_COMPLIANT',
              },
            ],
          },
        }),
      );
    }
    return `{"fileVersion":"1.0","configSnapshotId":"00000000-0000-4000-8000-000000000000","configurationItems":[${items.join(',')}]}`;
  }

  it('over 32 MB uncompressed: every result counted, tags kept apart by case', async () => {
    const text = bigSnapshot(30_000);
    expect(Buffer.byteLength(text)).toBeGreaterThan(32 * 1024 * 1024);
    const path = join(dir, 'big.json.gz');
    await writeFile(path, gzipSync(text));
    const file = { account: '111111111111', region: 'eu-west-1', uri: 's3://acme/big.json.gz' };
    const compacted = await compactSnapshotStream(createReadStream(path), file, { gzip: true });
    expect(compacted.items).toBe(60_000);
    expect(compacted.rows).toHaveLength(30_000);
    expect(compacted.rows.filter((r) => r.compliance_type === 'NON_COMPLIANT')).toHaveLength(10_000);
    expect(compacted.rows[0]?.tags).toEqual({ Environment: 'dev', environment: 'x' });
  }, 120_000);

  it('plain JSON too, and a compliance result without a target item has no tags', async () => {
    const text = JSON.stringify({
      configurationItems: [
        {
          resourceType: COMPLIANCE_ITEM_TYPE,
          configuration: JSON.stringify({
            targetResourceType: 'AWS::::Account',
            targetResourceId: '111111111111',
            configRuleList: [
              { configRuleName: 'securityhub-mfa-enabled-1a2b3c', complianceType: 'NON_COMPLIANT' },
            ],
          }),
        },
      ],
    });
    const compacted = await compactSnapshotStream(
      Readable.from([text]),
      { account: '111111111111', region: 'eu-west-1', uri: 's3://acme/k.json' },
      { gzip: false },
    );
    expect(compacted.rows).toEqual([
      {
        account_id: '111111111111',
        region: 'eu-west-1',
        member_rule_name: 'securityhub-mfa-enabled-1a2b3c',
        org_rule_name: null,
        resource_type: 'AWS::::Account',
        resource_id: '111111111111',
        compliance_type: 'NON_COMPLIANT',
        tags: null,
      },
    ]);
  });

  it('a truncated file fails naming it', async () => {
    const gz = gzipSync(bigSnapshot(10));
    await expect(
      compactSnapshotStream(
        Readable.from([gz.subarray(0, gz.length - 20)]),
        { account: '1', region: 'r', uri: 's3://acme/broken.json.gz' },
        { gzip: true },
      ),
    ).rejects.toThrow(/^Could not read the snapshot file s3:\/\/acme\/broken\.json\.gz: /);
  });
});
