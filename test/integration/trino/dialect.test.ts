/**
 * Dialect differences the Trino suite found, on the DuckDB side (no server needed): each is listed
 * in docs/sql-dialects.md with this test's name, and proven on Trino itself by fidelity.test.ts.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRINO_MACROS } from '../../../src/engines/duckdb/macros.js';
import { expandRowUnnest, trinoToDuckDb } from '../../../src/engines/duckdb/transpile.js';

let instance: DuckDBInstance;
let connection: Awaited<ReturnType<DuckDBInstance['connect']>>;

async function rows(trinoSql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(trinoToDuckDb(trinoSql));
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  for (const m of TRINO_MACROS) await connection.run(m);
  await connection.run(
    `CREATE TABLE files AS
     SELECT 'f1' AS path, [{'resourcetype': 'AWS::S3::Bucket', 'resourceid': 'b1'}, {'resourcetype': 'AWS::EC2::Volume', 'resourceid': 'v1'}] AS items
     UNION ALL SELECT 'f2', []
     UNION ALL SELECT 'f3', NULL`,
  );
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

describe('Trino dialect on DuckDB, found by running the views on Trino', () => {
  it('UNNEST of an array of rows names one column per field, as Trino does', async () => {
    const got = await rows(
      `SELECT f.path, ci.resourcetype, ci.resourceid FROM files AS f CROSS JOIN UNNEST(f.items) AS ci(resourcetype, resourceid) ORDER BY 1, 2`,
    );
    // Empty and NULL arrays give no row, as CROSS JOIN UNNEST does in Trino.
    expect(got).toEqual([
      { path: 'f1', resourcetype: 'AWS::EC2::Volume', resourceid: 'v1' },
      { path: 'f1', resourcetype: 'AWS::S3::Bucket', resourceid: 'b1' },
    ]);
  });

  it('expandRowUnnest leaves a single alias, several arguments and quoted text alone', () => {
    const single = 'SELECT * FROM t CROSS JOIN UNNEST(t.l) AS u(x)';
    expect(expandRowUnnest(single)).toBe(single);
    const zipped = 'SELECT * FROM t CROSS JOIN UNNEST(t.a, t.b) AS u(x, y)';
    expect(expandRowUnnest(zipped)).toBe(zipped);
    const quoted = "SELECT 'UNNEST(x) AS u(a, b)' AS s, 'it''s' AS t";
    expect(expandRowUnnest(quoted)).toBe(quoted);
    // An apostrophe in a comment starts no string: the UNNEST after it is still rewritten.
    expect(
      expandRowUnnest("/* the table's fields */ SELECT * FROM t CROSS JOIN UNNEST(t.l) AS u(a, b)"),
    ).toBe(
      "/* the table's fields */ SELECT * FROM t CROSS JOIN LATERAL (SELECT UNNEST(__row) FROM (SELECT UNNEST(t.l) AS __row)) AS u(a, b)",
    );
    const commented = '-- UNNEST(x) AS u(a, b)\nSELECT 1';
    expect(expandRowUnnest(commented)).toBe(commented);
    expect(expandRowUnnest('SELECT * FROM t, UNNEST(CAST(x AS JSON[])) AS "u"(a, b)')).toBe(
      'SELECT * FROM t, LATERAL (SELECT UNNEST(__row) FROM (SELECT UNNEST(CAST(x AS JSON[])) AS __row)) AS "u"(a, b)',
    );
  });

  it('cardinality(map) does not translate: the transpiler gives array_length, which DuckDB refuses for a MAP', async () => {
    // Trino: 2. No view counts a map's entries; this pins the limitation until one does.
    await expect(rows(`SELECT cardinality(MAP(ARRAY['a', 'b'], ARRAY['1', '2'])) AS n`)).rejects.toThrow(
      /array_length\(MAP/i,
    );
  });

  it("a '::' cast is DuckDB's, not Trino's: it passes here, and only Trino refuses it", async () => {
    // fidelity.test.ts plants exactly this in a view and sees Trino refuse it with the view's name.
    expect(await rows('SELECT count(*)::bigint AS n FROM files')).toEqual([{ n: '3' }]);
  });

  it("what the loader refuses as not Trino runs here: the transpiler mends '==', a trailing comma, ';' and '1x', DuckDB takes IS TRUE and '&'", async () => {
    // So the local target cannot catch them; src/load/view-syntax.ts does (docs/sql-dialects.md 26, 27).
    expect(trinoToDuckDb('SELECT 1 == 1 AS a')).toBe('SELECT 1 = 1 AS a');
    expect(trinoToDuckDb('SELECT a, FROM (SELECT 1 AS a) AS t')).toBe('SELECT a FROM (SELECT 1 AS a) AS t');
    expect(trinoToDuckDb('SELECT 1 AS a;')).toBe('SELECT 1 AS a');
    expect(trinoToDuckDb('SELECT 1x')).toBe('SELECT 1 AS x');
    expect(trinoToDuckDb('SELECT count(*)::bigint AS n FROM files')).toBe(
      'SELECT CAST(COUNT(*) AS BIGINT) AS n FROM files',
    );
    expect(await rows('SELECT (1 = 1) IS TRUE AS a')).toEqual([{ a: true }]);
    expect(await rows('SELECT 5 & 3 AS a')).toEqual([{ a: 1 }]);
  });
});
