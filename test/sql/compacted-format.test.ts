/**
 * The compacted evaluations table dropped two columns (docs/compaction.md): `snapshot_file`, and
 * the member names of organization rules (`member_rule_name` is null where `org_rule_name` is
 * set). A day compacted before, still holding both, must read exactly as a day written now; an
 * organization rule outside the catalog is named `OrgConfigRule-<name>`, one name in every
 * account, in either form.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { compactedDirectory } from '../../src/engines/duckdb/compact.js';
import { toIsoDate } from '../../src/model/dates.js';
import type { QuerySession } from '../../src/model/provider.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import { type GeneratedWorkspace, generatedWorkspace } from '../helpers/generated.js';

// The views use current_date, so the data ends today.
const TODAY = toIsoDate(new Date());
const DAYS = 3;

let made: GeneratedWorkspace;
let session: QuerySession | undefined;

async function duck(sql: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

const COLUMNS =
  'account_id, region, snapshot_date, rule, category, in_catalog, catalog_rule, resource_type, resource_id, compliance_type';

async function dailyRows(day: string): Promise<string[]> {
  session = await createLocalTarget(made.repo.org, made.localDir, { today: TODAY }).openQuerySession();
  try {
    const rows = await session.query(
      `SELECT ${COLUMNS} FROM "org_compliance".daily_evaluations WHERE snapshot_day = '${day}'`,
      'test',
    );
    return rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))).sort();
  } finally {
    await session.close();
    session = undefined;
  }
}

beforeAll(async () => {
  made = await generatedWorkspace({ accounts: 4, ous: 3, regions: 2, days: DAYS, seed: 31, today: TODAY });
  await writeFile(join(made.localDir, 'org.json'), JSON.stringify(made.snapshots.organization));
  const target = createLocalTarget(made.repo.org, made.localDir, { today: TODAY });
  const result = await apply((await runPlan(made.repo, target, { today: TODAY })).plan, target);
  if (!result.ok) throw new Error(result.results.map((r) => r.error).join('\n'));
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe('compacted days written before the two columns were dropped', () => {
  it('read exactly as days written now, and another tool’s organization rule has one name', async () => {
    const dir = compactedDirectory(made.s3Root, made.repo.org.data, 'evaluations');
    const days = (await readdir(dir)).filter((d) => d.startsWith('dt=')).sort();
    const day = days.at(-1)?.slice(3) as string;
    const file = join(dir, `dt=${day}`, 'part-0.parquet');
    // Outside the table, and outside any dt= folder (DuckDB would add its partition column).
    const now = join(made.localDir, 'day-as-written-now.parquet');

    // As written now: no snapshot_file, no member name where the organization rule's name is set.
    const written = await dailyRows(day);
    expect(written.length).toBeGreaterThan(50);
    await duck(
      `COPY (SELECT * EXCLUDE (dt) FROM read_parquet('${file}', hive_partitioning = true)) TO '${now}' (FORMAT parquet)`,
    );
    const schema = async (path: string) => {
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      const r = await c.runAndReadAll(
        `SELECT name FROM parquet_schema('${path}') WHERE name <> 'duckdb_schema'`,
      );
      const nulls = await c.runAndReadAll(
        `SELECT count(*) FILTER (WHERE member_rule_name IS NOT NULL AND org_rule_name IS NOT NULL) FROM '${path}'`,
      );
      c.closeSync();
      db.closeSync();
      return { columns: r.getRows().map((x) => x[0]), named: Number(nulls.getRows()[0]?.[0]) };
    };
    const current = await schema(file);
    expect(current.columns).not.toContain('snapshot_file');
    expect(current.named).toBe(0);

    // The same day as an earlier version wrote it: the file column and every member name, a
    // suffix per account and region; plus one rule of another tool's, in both forms.
    const foreign = (member: string) =>
      `SELECT account_id, region, ${member} AS member_rule_name, 'lza-s3-versioning' AS org_rule_name, 'AWS::S3::Bucket' AS resource_type, 'logs-' || account_id AS resource_id, 'NON_COMPLIANT' AS compliance_type, NULL::MAP(VARCHAR, VARCHAR) AS tags FROM (SELECT DISTINCT account_id, region FROM read_parquet('${now}'))`;
    await duck(
      `COPY (
        SELECT account_id, region, 's3://bucket/AWSLogs/' || account_id || '/x.json.gz' AS snapshot_file,
          CASE WHEN org_rule_name IS NULL THEN member_rule_name
            ELSE 'OrgConfigRule-' || org_rule_name || '-' || substr(md5(account_id || region || org_rule_name), 1, 8) END AS member_rule_name,
          org_rule_name, resource_type, resource_id, compliance_type, tags
        FROM read_parquet('${now}')
        UNION ALL SELECT account_id, region, 's3://bucket/x.json.gz', * EXCLUDE (account_id, region) FROM (${foreign(
          "'OrgConfigRule-lza-s3-versioning-' || substr(md5(account_id || region), 1, 8)",
        )})
      ) TO '${file}' (FORMAT parquet)`,
    );
    const old = await dailyRows(day);

    // Written now again, with the same foreign rule (member name null, as the compaction writes it).
    await duck(
      `COPY (SELECT * FROM read_parquet('${now}') UNION ALL ${foreign('NULL::VARCHAR')}) TO '${file}' (FORMAT parquet)`,
    );
    const again = await dailyRows(day);
    expect(old).toEqual(again);

    const names = (rows: string[]) => rows.map((r) => JSON.parse(r) as Record<string, unknown>);
    const lza = names(again).filter((r) => String(r.rule).includes('lza'));
    expect(new Set(lza.map((r) => r.rule))).toEqual(new Set(['OrgConfigRule-lza-s3-versioning']));
    expect(lza.every((r) => r.in_catalog === false && r.catalog_rule === null)).toBe(true);
    // Everything else is what the compaction wrote.
    expect(
      names(again)
        .filter((r) => !String(r.rule).includes('lza'))
        .map((r) => JSON.stringify(r)),
    ).toEqual(written);
  });
});
