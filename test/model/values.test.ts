import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../src/model/errors.js';
import { mapLimit } from '../../src/model/pool.js';
import { deepEqual, isRecord, present } from '../../src/model/values.js';
import { allPages, nextToken } from '../../src/providers/aws/paging.js';

describe('plain values', () => {
  it('isRecord: plain objects only, not null, arrays or Dates', () => {
    expect([{}, { a: 1 }, null, [], new Date(0), 'x', 1].map(isRecord)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('deepEqual: key order and undefined members do not count, array order and Date times do', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual(new Date(5), new Date(5))).toBe(true);
    expect(deepEqual(new Date(5), new Date(6))).toBe(false);
    expect(deepEqual({ a: 1 }, { a: '1' })).toBe(false);
    // The hook decides a pair first when it has an opinion.
    expect(
      deepEqual({ a: 'X' }, { a: 'x' }, (x, y) =>
        typeof x === 'string' && typeof y === 'string' ? x.toLowerCase() === y.toLowerCase() : undefined,
      ),
    ).toBe(true);
  });

  it('present leaves out undefined members only', () => {
    expect(present({ a: undefined, b: '', c: 0, d: false, e: null, f: 'x' })).toEqual({
      b: '',
      c: 0,
      d: false,
      e: null,
      f: 'x',
    });
    expect(Object.keys(present({ a: undefined }))).toEqual([]);
  });

  it('errorMessage: an Error, a string, an error-shaped object, anything else', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage({ name: 'ThrottlingException', message: '' })).toBe('ThrottlingException');
    expect(errorMessage(42)).toBe('42');
  });
});

describe('mapLimit', () => {
  it('runs at most `limit` at once and returns results in the order of the items', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimit([30, 10, 20, 5, 15], 2, async (ms, i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return `${i}:${ms}`;
    });
    expect(results).toEqual(['0:30', '1:10', '2:20', '3:5', '4:15']);
    expect(most).toBe(2);
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});

describe('allPages', () => {
  it('follows NextToken until a page has none, handing each page over as it arrives', async () => {
    const asked: (string | undefined)[] = [];
    const seen: number[] = [];
    const pages = await allPages(
      async (token) => {
        asked.push(token);
        const n = Number(token ?? 0);
        return { items: [n], ...nextToken(n < 2 ? String(n + 1) : undefined) };
      },
      (page) => seen.push(...page.items),
    );
    expect(asked).toEqual([undefined, '1', '2']);
    expect(seen).toEqual([0, 1, 2]);
    expect(pages.map((p) => p.NextToken)).toEqual(['1', '2', undefined]);
    expect(nextToken('')).toEqual({});
  });
});
