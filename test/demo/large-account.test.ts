/**
 * The `large` option of the generator: one account/region whose newest snapshot file is over
 * Athena's 32 MiB row limit, made of realistic items; the local compaction streams it and writes
 * for its account, region and day exactly the evaluations the independent reading finds.
 */
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_PATH_MAX_BYTES } from '../../src/compact/extract.js';
import {
  COMPLIANCE_RESOURCE_TYPE,
  type SnapshotOptions,
  type SnapshotScenario,
  type SnapshotSummary,
  snapshotScenario,
} from '../../src/demo/snapshots.js';
import { desiredGlueTable, projectedAccounts } from '../../src/desired/glue-table.js';
import { compactedDirectory, compactLocal } from '../../src/engines/duckdb/compact.js';
import type { Repository } from '../../src/model/config.js';
import { evaluationsOf, newestPerDay, readSnapshots } from '../helpers/expected.js';
import { generatedWorkspace } from '../helpers/generated.js';

const TODAY = '2026-11-30';
const DAYS = 2;
/** About 2.5 kB of JSON each with the shipped catalog: some 40 MB, well over 32 MiB. */
const RESOURCES = 16_000;
const MIB_32 = 33_554_432;

let base: string;
let repo: Repository;
let s3Root: string;
let options: SnapshotOptions;
let summary: SnapshotSummary;
let large: NonNullable<SnapshotScenario['large']>;

beforeAll(async () => {
  const made = await generatedWorkspace({
    accounts: 6,
    ous: 4,
    regions: 2,
    days: DAYS,
    seed: 9,
    today: TODAY,
    large: { resources: RESOURCES },
  });
  base = dirname(made.root);
  repo = made.repo;
  s3Root = made.s3Root;
  options = made.snapshots;
  summary = made.summary;
  const chosen = snapshotScenario(options).large;
  if (!chosen) throw new Error('no large account in the scenario');
  large = chosen;
}, 120_000);

afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

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

describe('a large account', () => {
  it('is one steady account of the home region, on the newest day only', () => {
    const scenario = snapshotScenario(options);
    expect(large).toMatchObject({
      region: repo.org.homeRegion,
      days: 1,
      dates: [TODAY],
      resources: RESOURCES,
    });
    const special = [scenario.stale, scenario.gap, scenario.doubled, scenario.neverDelivered].map(
      (c) => c?.account,
    );
    expect(special).not.toContain(large.account);
    const { large: _, ...without } = options;
    expect(snapshotScenario(without).large).toBeUndefined();
  });

  it('has a newest file over 32 MiB of JSON, gzip, made of resource and compliance items', async () => {
    const newest = summary.large?.at(-1);
    if (!newest) throw new Error('no large file written');
    expect(newest.key).toContain(
      `/AWSLogs/${large.account}/Config/${large.region}/2026/11/30/ConfigSnapshot/`,
    );
    const bytes = await readFile(join(s3Root, repo.org.snapshots.bucket, newest.key));
    expect(bytes.length).toBe(newest.gzipBytes);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const json = gunzipSync(bytes);
    expect(json.length).toBe(newest.jsonBytes);
    expect(json.length).toBeGreaterThan(MIB_32);
    expect(FAST_PATH_MAX_BYTES).toBe(MIB_32);

    const doc = JSON.parse(json.toString('utf8')) as { configurationItems: Record<string, unknown>[] };
    const compliance = doc.configurationItems.filter((i) => i.resourceType === COMPLIANCE_RESOURCE_TYPE);
    const resources = doc.configurationItems.filter((i) => i.resourceType !== COMPLIANCE_RESOURCE_TYPE);
    expect(resources.length).toBeGreaterThan(RESOURCES);
    expect(new Set(resources.map((i) => `${i.resourceType}|${i.resourceId}`)).size).toBe(resources.length);
    expect(new Set(resources.map((i) => i.resourceType)).size).toBeGreaterThan(10);
    expect(compliance.length).toBeGreaterThan(RESOURCES);
    const results = compliance.flatMap(
      (i) => (i.configuration as { configRuleList: { complianceType: string }[] }).configRuleList,
    );
    const count = (t: string) => results.filter((r) => r.complianceType === t).length;
    expect(count('COMPLIANT')).toBeGreaterThan(RESOURCES / 4);
    expect(count('NON_COMPLIANT')).toBeGreaterThan(RESOURCES / 20);
  });

  it('is streamed by the local compaction, which writes the evaluations the independent reading finds', async () => {
    const result = await compactLocal({
      s3Root,
      table: desiredGlueTable(repo.org, repo.accounts, TODAY),
      data: repo.org.data,
      today: TODAY,
      days: DAYS,
    });
    const day = result.written.find((d) => d.day === TODAY);
    expect(day?.streamed).toBeGreaterThanOrEqual(1);
    expect(result.written.find((d) => d.day !== TODAY)?.streamed).toBe(0);

    const projected = new Set(projectedAccounts(repo.accounts, TODAY, repo.org.closedAccountRetentionDays));
    const newest = newestPerDay(await readSnapshots(s3Root, repo, projected)).filter(
      (f) => f.account === large.account && f.region === large.region && f.day === TODAY,
    );
    expect(newest.map((f) => f.key)).toEqual([summary.large?.at(-1)?.key]);
    const expected = newest.flatMap((f) => evaluationsOf(f, repo));

    const where = `account_id = '${large.account}' AND region = '${large.region}'`;
    const evaluations = join(
      compactedDirectory(s3Root, repo.org.data, 'evaluations'),
      `dt=${TODAY}`,
      '*.parquet',
    );
    const [row] = await query(
      `SELECT count(*) AS n, count(*) FILTER (WHERE compliance_type = 'NON_COMPLIANT') AS nc FROM read_parquet('${evaluations}') WHERE ${where}`,
    );
    expect(Number(row?.n)).toBe(expected.length);
    expect(Number(row?.nc)).toBe(expected.filter((e) => e.compliance === 'NON_COMPLIANT').length);
    expect(expected.length).toBeGreaterThan(2 * RESOURCES);

    const files = join(compactedDirectory(s3Root, repo.org.data, 'files'), `dt=${TODAY}`, '*.parquet');
    const compacted = await query(`SELECT snapshot_file FROM read_parquet('${files}') WHERE ${where}`);
    expect(compacted.map((f) => f.snapshot_file)).toEqual([
      `s3://${repo.org.snapshots.bucket}/${summary.large?.at(-1)?.key}`,
    ]);
  }, 120_000);
});
