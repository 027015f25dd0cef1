/**
 * The comparison the Trino suite relies on, proven without any engine: what it treats as the
 * same answer, and that it names the first differing row.
 */
import { describe, expect, it } from 'vitest';
import {
  assertSameRows,
  type Column,
  compareJson,
  compareRows,
  DivergenceError,
  normalize,
  ordersRows,
  parseType,
} from './compare.js';

const COLUMNS: Column[] = [
  { name: 'account_id', type: 'varchar' },
  { name: 'compliant', type: 'bigint' },
  { name: 'score', type: 'double' },
  { name: 'last_snapshot', type: 'date' },
];

const trino = (rows: unknown[][]) => ({ engine: 'Trino', rows });
const duck = (rows: Record<string, unknown>[]) => ({ engine: 'DuckDB', rows });

describe('compareRows', () => {
  it('ignores row order when the SQL has no ORDER BY', () => {
    const t = trino([
      ['a', 1, 0.5, '2026-01-02'],
      ['b', 2, null, null],
    ]);
    const d = duck([
      { account_id: 'b', compliant: 2n, score: null, last_snapshot: null },
      { account_id: 'a', compliant: 1, score: 0.5, last_snapshot: new Date('2026-01-02T00:00:00Z') },
    ]);
    expect(compareRows('v', COLUMNS, t, d)).toBeUndefined();
  });

  it('keeps row order when asked (ORDER BY), naming the position', () => {
    const t = trino([
      ['a', 1, 0.5, null],
      ['b', 2, 0.5, null],
    ]);
    const d = duck([
      { account_id: 'b', compliant: 2, score: 0.5, last_snapshot: null },
      { account_id: 'a', compliant: 1, score: 0.5, last_snapshot: null },
    ]);
    const divergence = compareRows('trend', COLUMNS, t, d, { ordered: true });
    expect(divergence?.message).toMatch(/^trend: .*position 1 \(ordered\)/);
    expect(divergence?.message).toContain('"account_id":"a"');
  });

  it('counts are exact: a count one off is a divergence', () => {
    const d = compareRows(
      'account_summary',
      COLUMNS,
      trino([['a', 10, null, null]]),
      duck([{ account_id: 'a', compliant: 11, score: null, last_snapshot: null }]),
    );
    expect(d?.message).toContain('account_summary');
    expect(d?.message).toContain('"compliant":10');
  });

  it('doubles agree to 12 significant digits, not beyond', () => {
    const row = (score: number) => ({ account_id: 'a', compliant: 1, score, last_snapshot: null });
    expect(
      compareRows('v', COLUMNS, trino([['a', 1, 2 / 3, null]]), duck([row(0.6666666666666666 + 1e-16)])),
    ).toBeUndefined();
    // Across a rounding boundary at the 12th digit: still the same within the tolerance.
    expect(
      compareRows('v', COLUMNS, trino([['a', 1, 1.5000000000049, null]]), duck([row(1.500000000005)])),
    ).toBeUndefined();
    expect(compareRows('v', COLUMNS, trino([['a', 1, 0.5, null]]), duck([row(0.5000001)]))).toBeDefined();
  });

  it('a row missing on one side is named with the engine that has it', () => {
    const t = trino([
      ['a', 1, null, '2026-01-01'],
      ['b', 1, null, '2026-01-01'],
    ]);
    const d = duck([{ account_id: 'a', compliant: 1, score: null, last_snapshot: '2026-01-01' }]);
    const divergence = compareRows('freshness', COLUMNS, t, d);
    expect(divergence?.message).toContain('Trino returned 2 row(s), DuckDB 1');
    expect(divergence?.message).toMatch(/only in Trino, not in DuckDB: \{"account_id":"b"/);
  });

  it('duplicates count: the same row twice is not the same as once', () => {
    const r = ['a', 1, null, null];
    const d = { account_id: 'a', compliant: 1, score: null, last_snapshot: null };
    expect(compareRows('v', COLUMNS, trino([r, r]), duck([d]))).toBeDefined();
    expect(compareRows('v', COLUMNS, trino([r, r]), duck([d, d]))).toBeUndefined();
  });

  it('different column names or order are a divergence', () => {
    const d = duck([{ compliant: 1, account_id: 'a', score: null, last_snapshot: null }]);
    expect(compareRows('v', COLUMNS, trino([['a', 1, null, null]]), d)?.message).toContain(
      'DuckDB has the columns [compliant, account_id',
    );
  });

  it('maps compare by content: Trino gives an object, DuckDB a list of {key, value}', () => {
    const columns: Column[] = [{ name: 'tags', type: 'map(varchar, varchar)' }];
    const t = trino([[{ environment: 'test', Environment: 'prod' }]]);
    const d = duck([
      {
        tags: [
          { key: 'Environment', value: 'prod' },
          { key: 'environment', value: 'test' },
        ],
      },
    ]);
    expect(compareRows('tags', columns, t, d)).toBeUndefined();
    const other = duck([{ tags: [{ key: 'Environment', value: 'prod' }] }]);
    expect(compareRows('tags', columns, t, other)).toBeDefined();
  });

  it('JSON compares by content, rows by field name in any case, strings through the side mapping', () => {
    const columns: Column[] = [
      { name: 'j', type: 'json' },
      { name: 'r', type: 'row(a integer, "b c" varchar)' },
      { name: 'path', type: 'varchar' },
    ];
    const t = { engine: 'Trino', rows: [['{"b":1,"a":[1,2]}', [1, 'x'], 's3://bucket/k']] };
    const d = {
      engine: 'DuckDB',
      rows: [{ j: '{"a":[1,2],"b":1}', r: { A: 1, 'b C': 'x' }, path: '/tmp/s3/bucket/k' }],
      mapString: (s: string) => s.replace(/^\/tmp\/s3\//, 's3://'),
    };
    expect(compareRows('v', columns, t, d)).toBeUndefined();
  });

  it('assertSameRows throws a DivergenceError with the message', () => {
    expect(() =>
      assertSameRows(
        'coverage',
        COLUMNS,
        trino([]),
        duck([{ account_id: 'a', compliant: 1, score: null, last_snapshot: null }]),
      ),
    ).toThrow(DivergenceError);
    expect(() => assertSameRows('coverage', COLUMNS, trino([]), duck([]))).not.toThrow();
  });
});

describe('normalize and parseType', () => {
  it('parses nested type signatures', () => {
    const t = parseType('array(row(resourceid varchar, tags map(varchar, varchar)))');
    expect(t.base).toBe('array');
    expect(t.args[0]?.fields).toEqual(['resourceid', 'tags']);
    expect(t.args[0]?.args[1]?.base).toBe('map');
    expect(parseType('varchar(14)').base).toBe('varchar');
  });

  it('dates as YYYY-MM-DD and timestamps without a zone letter', () => {
    expect(normalize(new Date('2026-03-04T00:00:00Z'), parseType('date'))).toBe('2026-03-04');
    expect(normalize('2026-03-04', parseType('date'))).toBe('2026-03-04');
    expect(normalize(new Date('2026-03-04T05:06:07.008Z'), parseType('timestamp(3)'))).toBe(
      '2026-03-04 05:06:07.008',
    );
    expect(normalize('2026-03-04 05:06:07.008', parseType('timestamp(3)'))).toBe('2026-03-04 05:06:07.008');
  });

  it('finds a top-level ORDER BY only', () => {
    expect(ordersRows('SELECT * FROM t ORDER BY a')).toBe(true);
    expect(ordersRows('SELECT * FROM (SELECT * FROM t ORDER BY a) AS x')).toBe(false);
    expect(ordersRows("SELECT row_number() OVER (ORDER BY a) FROM t WHERE b = 'ORDER BY'")).toBe(false);
  });
});

describe('compareJson', () => {
  it('names the path of the first difference with both values', () => {
    const a = { totals: { compliant: 3, score: 0.75 }, accounts: [{ id: 'a' }, { id: 'b' }] };
    expect(compareJson('report', a, structuredClone(a))).toBeUndefined();
    expect(compareJson('report', a, { ...a, totals: { compliant: 3, score: 0.75 + 1e-15 } })).toBeUndefined();
    expect(compareJson('report', a, { ...a, accounts: [{ id: 'a' }, { id: 'c' }] })).toBe(
      'report: first difference at $.accounts[1].id: "b" vs "c"',
    );
    expect(compareJson('report', a, { ...a, accounts: [{ id: 'a' }] })).toContain('length 2 vs 1');
  });
});
