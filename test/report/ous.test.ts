import { describe, expect, it } from 'vitest';
import { percent } from '../../src/report/compliance.js';
import { ouLines, ousHtml, ousMarkdown, ousShown } from '../../src/report/ous.js';

/** A row of ou_summary as an engine returns it (counts may come as bigint or text). */
function row(ou: string, accounts: number, failing: number, compliant: number, nonCompliant: number) {
  const parts = ou.split('/').filter(Boolean);
  return {
    ou,
    parent: parts.length === 1 ? null : `/${parts.slice(0, -1).join('/')}`,
    depth: BigInt(parts.length),
    accounts: String(accounts),
    accounts_non_compliant: failing,
    compliant,
    non_compliant: nonCompliant,
    excluded: 0,
    score: 0.123, // computed again from the counts
  };
}

const ROWS = [
  row('/Root/Workloads/Prod', 3, 2, 60, 40),
  row('/Root/Workloads-Legacy', 1, 1, 10, 30),
  row('/Root', 6, 4, 100, 80),
  row('/Root/Workloads', 4, 3, 70, 50),
  row('/Root/Sandbox', 1, 1, 20, 20),
  row('/Root/Workloads/Prod/Payments', 1, 1, 5, 15),
  row('/Root/Workloads/NonProd', 1, 1, 10, 10),
];

describe('ouLines', () => {
  it("tree order: parents before children, siblings by name ('Workloads/…' before 'Workloads-Legacy')", () => {
    expect(ouLines(ROWS).map((o) => o.ou)).toEqual([
      '/Root',
      '/Root/Sandbox',
      '/Root/Workloads',
      '/Root/Workloads/NonProd',
      '/Root/Workloads/Prod',
      '/Root/Workloads/Prod/Payments',
      '/Root/Workloads-Legacy',
    ]);
  });

  it('numbers from the engine become numbers, the score from the counts', () => {
    const [root] = ouLines(ROWS);
    expect(root).toEqual({
      ou: '/Root',
      parent: null,
      depth: 1,
      accounts: 6,
      accountsNonCompliant: 4,
      compliant: 100,
      nonCompliant: 80,
      excluded: 0,
      score: 100 / 180,
    });
    expect(ouLines([{ ...row('/Root', 1, 0, 0, 0) }])[0]?.score).toBeNull();
  });

  it('a count that is not a number is an error naming the OU', () => {
    expect(() => ouLines([{ ...row('/Root', 1, 0, 0, 0), compliant: 'many' }])).toThrow(
      `ou_summary: compliant of '/Root' is not a number: "many"`,
    );
  });
});

describe('ousShown: the top N of a tree', () => {
  it('upper levels first; of the level that is cut, the worst scores; shown in tree order', () => {
    const ous = ouLines(ROWS);
    // Level 1: /Root; level 2: Workloads-Legacy 25 %, Sandbox 50 %, Workloads 58 %; level 3:
    // NonProd 50 %, Prod 60 %.
    expect(ousShown(ous, 5).map((o) => o.ou)).toEqual([
      '/Root',
      '/Root/Sandbox',
      '/Root/Workloads',
      '/Root/Workloads/NonProd',
      '/Root/Workloads-Legacy',
    ]);
    expect(ousShown(ous, 3).map((o) => o.ou)).toEqual(['/Root', '/Root/Sandbox', '/Root/Workloads-Legacy']);
    expect(ousShown(ous, 10)).toEqual(ous);
  });
});

describe('rendering', () => {
  it('Markdown: indented by depth, the leaf name below the root, "N of M shown"', () => {
    const lines = ousMarkdown(ouLines(ROWS), 3, percent);
    expect(lines.slice(2)).toEqual([
      '| OU | score | accounts failing | accounts | non-compliant | compliant | excluded |',
      '|---|---|---|---|---|---|---|',
      '| `/Root` | 55.6% | 4 | 6 | 80 | 100 | 0 |',
      '| \u00a0\u00a0`Sandbox` | 50.0% | 1 | 1 | 20 | 20 | 0 |',
      '| \u00a0\u00a0`Workloads-Legacy` | 25.0% | 1 | 1 | 30 | 10 | 0 |',
      '',
      '_3 of 7 shown; report --format json lists them all. Upper levels first, then the worst scores._',
    ]);
    expect(ousMarkdown(ouLines(ROWS), 10, percent).some((l) => l.includes('shown'))).toBe(false);
    expect(ousMarkdown([], 10, percent)).toEqual(['No active account in the projection.']);
  });

  it('HTML: escaped, indented by depth, the full path as the title', () => {
    const table = (head: string[], body: string[][]) =>
      `${head.join(',')}\n${body.map((r) => r.join(',')).join('\n')}`;
    const html = ousHtml(
      ouLines([row('/Root', 1, 0, 1, 0), row('/Root/<b>', 1, 0, 1, 0)]),
      25,
      table,
      percent,
    );
    expect(html).toContain(
      '<span style="padding-left:1.2em" title="/Root/&lt;b&gt;"><code>&lt;b&gt;</code></span>,100.0%,0,1,0,1,0',
    );
    expect(html).not.toContain('shown');
  });
});
