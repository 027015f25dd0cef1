/**
 * Each difference between Athena's dialect (Trino) and DuckDB that the views meet, run on DuckDB
 * after translation, with the result Trino gives (from Trino's documentation). docs/sql-dialects.md
 * lists them with these tests' names.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRINO_MACROS } from '../../src/engines/duckdb/macros.js';
import { convertFormat, trinoToDuckDb } from '../../src/engines/duckdb/transpile.js';

let instance: DuckDBInstance;
let connection: Awaited<ReturnType<DuckDBInstance['connect']>>;

async function one(trinoSql: string): Promise<unknown> {
  const reader = await connection.runAndReadAll(trinoToDuckDb(trinoSql));
  const rows = reader.getRowObjectsJson();
  return Object.values(rows[0] ?? {})[0];
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  for (const m of TRINO_MACROS) await connection.run(m);
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

describe('Athena (Trino) SQL on DuckDB', () => {
  it('element_at(map, key) is the value, and NULL for a missing key (DuckDB returns a list)', async () => {
    expect(
      await one(
        `SELECT element_at(MAP(ARRAY['Environment', 'environment'], ARRAY['prod', 'test']), 'environment')`,
      ),
    ).toBe('test');
    expect(await one(`SELECT element_at(MAP(ARRAY['a'], ARRAY['1']), 'b') IS NULL`)).toBe(true);
  });

  it("date_parse with '%Y/%c/%e' reads the non-padded dt partition (DuckDB's strptime spells it %-m/%-d)", async () => {
    expect(convertFormat('%Y/%c/%e')).toBe('%Y/%-m/%-d');
    expect(await one(`SELECT CAST(CAST(date_parse('2021/9/1', '%Y/%c/%e') AS date) AS varchar)`)).toBe(
      '2021-09-01',
    );
    expect(await one(`SELECT CAST(CAST(date_parse('2021/12/31', '%Y/%c/%e') AS date) AS varchar)`)).toBe(
      '2021-12-31',
    );
  });

  it('json_extract_scalar on a JSON text column', async () => {
    expect(
      await one(`SELECT json_extract_scalar('{"complianceType":"NON_COMPLIANT"}', '$.complianceType')`),
    ).toBe('NON_COMPLIANT');
  });

  it('CAST(json_extract(...) AS array(json)) then UNNEST gives one row per element', async () => {
    const sql = trinoToDuckDb(
      `SELECT json_extract_scalar(r, '$.configRuleName') AS name FROM (SELECT CAST(json_extract('{"configRuleList":[{"configRuleName":"a"},{"configRuleName":"b"}]}', '$.configRuleList') AS array(json)) AS l) AS t CROSS JOIN UNNEST(t.l) AS u(r)`,
    );
    const reader = await connection.runAndReadAll(sql);
    expect(reader.getRowObjectsJson().map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('regexp_extract with a group returns the group, and NULL when nothing matches', async () => {
    expect(
      await one(
        `SELECT regexp_extract('OrgConfigRule-security-s3-bucket-public-read-prohibited-ab12cd34', '^OrgConfigRule-(.+)-[A-Za-z0-9]+$', 1)`,
      ),
    ).toBe('security-s3-bucket-public-read-prohibited');
    expect(
      await one(
        `SELECT regexp_extract('securityhub-x-1a2b3c', '^OrgConfigRule-(.+)-[A-Za-z0-9]+$', 1) IS NULL`,
      ),
    ).toBe(true);
  });

  it('regexp_like and regexp_replace', async () => {
    expect(await one(`SELECT regexp_like('a1b2c3', '[0-9]')`)).toBe(true);
    expect(
      await one(`SELECT regexp_replace('securityhub-s3-bucket-ssl-requests-only-a1b2c3', '-[a-z0-9]+$', '')`),
    ).toBe('securityhub-s3-bucket-ssl-requests-only');
  });

  it('count_if, GROUPING SETS and nullif keep their meaning', async () => {
    const sql = trinoToDuckDb(
      `SELECT coalesce(k, 'all') AS k, count_if(v = 'COMPLIANT') AS c, CAST(count_if(v = 'COMPLIANT') AS double) / nullif(count(*), 0) AS s FROM (VALUES ('a', 'COMPLIANT'), ('a', 'NON_COMPLIANT'), ('b', 'COMPLIANT')) AS t(k, v) GROUP BY GROUPING SETS ((k), ()) ORDER BY 1`,
    );
    const reader = await connection.runAndReadAll(sql);
    expect(reader.getRowObjectsJson()).toEqual([
      { k: 'a', c: '1', s: 0.5 },
      { k: 'all', c: '2', s: 2 / 3 },
      { k: 'b', c: '1', s: 1 },
    ]);
  });

  it("current_date - INTERVAL 'N' DAY and date_diff('day', a, b)", async () => {
    expect(await one(`SELECT date_diff('day', DATE '2026-11-20', DATE '2026-11-28')`)).toBe('8');
    expect(await one(`SELECT current_date - INTERVAL '7' DAY < current_date`)).toBe(true);
  });

  it("current_date minus whole days is a date, as in Trino: as text it is the ISO day, so a window's first day is kept", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const back = (n: number) =>
      new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
    // DuckDB alone: a timestamp, whose text '… 00:00:00' sorts after the day it names.
    const reader = await connection.runAndReadAll(
      `SELECT CAST(CURRENT_DATE - INTERVAL '7' DAY AS VARCHAR) AS t`,
    );
    expect(reader.getRowObjectsJson()[0]?.t).toBe(`${back(7)} 00:00:00`);
    expect(await one(`SELECT CAST(current_date - INTERVAL '7' DAY AS varchar)`)).toBe(back(7));
    expect(await one(`SELECT '${back(7)}' >= CAST(current_date - INTERVAL '7' DAY AS varchar)`)).toBe(true);
    expect(
      await one(
        `SELECT CAST(current_date - INTERVAL '7' DAY - INTERVAL '7' DAY - INTERVAL '2' DAY AS varchar)`,
      ),
    ).toBe(back(16));
    expect(await one(`SELECT typeof(current_date - INTERVAL '1' DAY)`)).toBe('DATE');
    // Quoted text and comments are left alone.
    expect(
      trinoToDuckDb(`SELECT 'current_date - INTERVAL ''7'' DAY' AS s -- current_date - INTERVAL '1' DAY`),
    ).toContain("'current_date - INTERVAL ''7'' DAY'");
  });

  it("LIKE with ESCAPE '\\' matches literal % and _", async () => {
    expect(await one(`SELECT 'a_b' LIKE 'a\\_b' ESCAPE '\\'`)).toBe(true);
    expect(await one(`SELECT 'axb' LIKE 'a\\_b' ESCAPE '\\'`)).toBe(false);
  });

  it('typed VALUES: a CAST on the first row fixes the column type', async () => {
    expect(
      await one(
        `SELECT typeof(d) FROM (VALUES (CAST(DATE '2027-03-31' AS date)), (DATE '2027-04-01')) AS t(d)`,
      ),
    ).toBe('DATE');
  });

  it('the "$path" pseudo-column name passes through as a quoted identifier', () => {
    expect(trinoToDuckDb(`SELECT "$path" FROM t`)).toBe('SELECT "$path" FROM t');
  });
});
