/**
 * Translations kept between runs (src/engines/duckdb/transpile-cache.ts): the same text gives the
 * same translation from the file without the transpiler, a file made by another translation or
 * damaged is not trusted, and a text seen for the first time is translated and added.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trinoToDuckDb } from '../../src/engines/duckdb/transpile.js';
import { TranspileCache } from '../../src/engines/duckdb/transpile-cache.js';

const VIEW = `SELECT element_at(tags, 'Owner') AS owner, date_parse(dt, '%Y/%m/%d') AS day FROM "db"."t"`;

async function cacheFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'transpile-cache-')), 'cache', 'duckdb-sql.json');
}

describe('translations kept between runs', () => {
  it('translates a new text as trinoToDuckDb does and keeps it in the file', async () => {
    const file = await cacheFile();
    const cache = await TranspileCache.open(file);
    expect(await cache.toDuckDb(VIEW)).toBe(trinoToDuckDb(VIEW));
    const stored = JSON.parse(await readFile(file, 'utf8')) as {
      translation: string;
      entries: Record<string, string>;
    };
    expect(Object.values(stored.entries)).toEqual([trinoToDuckDb(VIEW)]);
  });

  it('answers a known text from the file (an entry planted there is what comes back)', async () => {
    const file = await cacheFile();
    await (await TranspileCache.open(file)).toDuckDb(VIEW);
    const stored = JSON.parse(await readFile(file, 'utf8')) as {
      translation: string;
      entries: Record<string, string>;
    };
    const [key] = Object.keys(stored.entries);
    await writeFile(file, JSON.stringify({ ...stored, entries: { [key as string]: 'SELECT 42' } }));
    expect(await (await TranspileCache.open(file)).toDuckDb(VIEW)).toBe('SELECT 42');
  });

  it('does not trust a file made by another translation, nor a damaged one', async () => {
    const file = await cacheFile();
    await (await TranspileCache.open(file)).toDuckDb(VIEW);
    const stored = JSON.parse(await readFile(file, 'utf8')) as {
      translation: string;
      entries: Record<string, string>;
    };
    const planted = Object.fromEntries(Object.keys(stored.entries).map((k) => [k, 'SELECT 42']));
    await writeFile(file, JSON.stringify({ translation: 'an older release', entries: planted }));
    expect(await (await TranspileCache.open(file)).toDuckDb(VIEW)).toBe(trinoToDuckDb(VIEW));
    await writeFile(file, '{"translation": ');
    expect(await (await TranspileCache.open(file)).toDuckDb(VIEW)).toBe(trinoToDuckDb(VIEW));
  });

  it('fails on SQL the transpiler refuses, as without the cache, and keeps nothing for it', async () => {
    const file = await cacheFile();
    const cache = await TranspileCache.open(file);
    await expect(cache.toDuckDb('SELECT FROM WHERE (')).rejects.toThrow(/could not translate/);
    await expect(readFile(file, 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
