/**
 * The canonical form of a view's query: what Trino 476 stored for each shipped view (recorded from
 * the integration world, test/load/fixtures/trino-stored-views.json) is the same query as the text
 * that was sent, and a change of meaning is not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadViewCanonicalizer, type ViewCanonicalizer } from '../../src/load/view-canonical.js';

const FIXTURE = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures/trino-stored-views.json'), 'utf8'),
) as {
  views: Record<string, { sent: string; stored: string }>;
};

let canonical: ViewCanonicalizer;

beforeAll(async () => {
  const loaded = await loadViewCanonicalizer();
  if (!loaded) throw new Error('@polyglot-sql/sdk is not installed');
  canonical = loaded;
});

describe('a view as Trino stores it', () => {
  it.each(Object.keys(FIXTURE.views))('%s: the stored text differs, the canonical form does not', (name) => {
    const { sent, stored } = FIXTURE.views[name] as { sent: string; stored: string };
    expect(stored.trim()).not.toBe(sent.trim());
    expect(canonical(stored)).toBeDefined();
    expect(canonical(stored)).toBe(canonical(sent));
  });

  it('the 13 shipped views and the probes of literals, boolean grouping, VALUES rows and casts are all there', () => {
    expect(Object.keys(FIXTURE.views).length).toBe(16);
  });
});

describe('what is a change', () => {
  it('a comment, a line break or an AS is not; a literal, a column, a join kind or an operator is', () => {
    const base = 'SELECT a.x AS total\nFROM t AS a\nJOIN u AS b ON a.id = b.id\nWHERE a.n = 1 AND b.m > 0.5';
    expect(canonical(`-- why\n${base.replace(/\n/g, '\n  ')}`)).toBe(canonical(base));
    expect(canonical(base.replace(' AS total', ' total').replace('t AS a', 't a'))).toBe(canonical(base));
    for (const changed of [
      base.replace('a.n = 1', 'a.n = 2'),
      base.replace('a.x AS total', 'a.y AS total'),
      base.replace('JOIN u', 'LEFT JOIN u'),
      base.replace('b.m > 0.5', 'b.m >= 0.5'),
      base.replace('a.n = 1 AND b.m > 0.5', 'a.n = 1 OR b.m > 0.5'),
      `${base} ORDER BY 1 DESC`,
    ]) {
      expect(canonical(changed)).not.toBe(canonical(base));
    }
  });

  it('grouping is meaning: (a OR b) AND c is not a OR (b AND c)', () => {
    expect(canonical('SELECT 1 WHERE (a OR b) AND c')).not.toBe(canonical('SELECT 1 WHERE a OR (b AND c)'));
    expect(canonical('SELECT 1 WHERE a OR b AND c')).toBe(canonical('SELECT 1 WHERE (a OR (b AND c))'));
  });

  it('text that does not parse has no canonical form', () => {
    expect(canonical('SELEC 1')).toBeUndefined();
  });
});

describe('without the sdk', () => {
  it('there is no canonicalizer, and no failure', async () => {
    const missing = Object.assign(new Error("Cannot find package '@polyglot-sql/sdk' imported from /x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(loadViewCanonicalizer(() => Promise.reject(missing))).resolves.toBeUndefined();
  });
});
