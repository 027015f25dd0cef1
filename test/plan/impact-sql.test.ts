/**
 * The impact query as Athena gets it: one query Trino's grammar parses, with none of what Trino
 * refuses though DuckDB takes it (the checks `validate` runs on sql/views/); the repository's
 * exceptions inlined as data, quoted; and a size that grows with them only.
 */
import { describe, expect, it } from 'vitest';
import { loadRepository } from '../../src/load/index.js';
import { checkViewSyntax } from '../../src/load/view-syntax.js';
import type { ImpactChanges } from '../../src/model/impact.js';
import { impactSql } from '../../src/plan/impact-sql.js';
import { REPO_ROOT } from '../helpers/repo.js';

async function repository() {
  const { repository, diagnostics } = await loadRepository(REPO_ROOT);
  if (!repository) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return repository;
}

const CHANGES: ImpactChanges = {
  exceptions: [
    { id: 'legacy-volumes', change: 'new' },
    { id: 'sandbox-cost-checks', change: 'removed' },
  ],
  tag: { key: 'compliance:exclude', value: 'true' },
  removedRules: ['backup-db-instance-backup-enabled'],
  newRules: [],
  excludedAccounts: [{ rule: 'security-s3-bucket-ssl-requests-only', added: ['123456789012'], removed: [] }],
};

describe('the impact query', () => {
  it('is one query Trino parses, with nothing Trino refuses', async () => {
    const repo = await repository();
    repo.exceptions.push({
      id: 'legacy-volumes',
      rules: ['backup-*'],
      accounts: [],
      resourceId: "it's_100%",
      tags: { Team: "o'brien" },
      reason: 'Legacy volumes, moved off by the storage migration.',
      owner: 'team-storage',
      expires: '2099-12-31',
    });
    const sql = impactSql(repo, CHANGES);
    const checked = await checkViewSyntax([{ name: 'impact', file: 'impact.sql', text: sql }], repo.org, {
      grammar: 'required',
    });
    expect(checked.diagnostics).toEqual([]);
    // The same check refuses the query cut short.
    const cut = await checkViewSyntax(
      [{ name: 'impact', file: 'impact.sql', text: `${sql.slice(0, sql.lastIndexOf('GROUP BY'))}GROUP` }],
      repo.org,
      { grammar: 'required' },
    );
    expect(cut.diagnostics).toHaveLength(1);
    // The exception's patterns as LIKE patterns, quotes doubled; its tag as a row of its own.
    expect(sql).toContain("'it''s\\_100\\%'");
    expect(sql).toContain("CAST('Team' AS varchar), CAST('o''brien' AS varchar)");
    // Subjects: the changed exceptions, the tag, the removed rule, the newly excluded accounts.
    expect(sql).toContain(
      "IN ('exception:legacy-volumes', 'exception:sandbox-cost-checks', 'tag', 'rule:backup-db-instance-backup-enabled', 'excluded:security-s3-bucket-ssl-requests-only')",
    );
  });

  it('grows with the new and changed exceptions only: the deployed ones it keeps are read from the exceptions view', async () => {
    const repo = await repository();
    const base = Buffer.byteLength(impactSql(repo, CHANGES));
    const bulk = Array.from({ length: 100 }, (_, i) => ({
      id: `bulk-${String(i).padStart(3, '0')}`,
      rules: ['cost-a', 'cost-b', 'cost-c', 'cost-d', 'cost-e'],
      accounts: Array.from({ length: 10 }, (_, k) => String(100000000000 + k)),
      tags: {},
      reason: 'Bulk.',
      owner: 'team',
      expires: '2099-12-31',
    }));
    repo.exceptions.push(...bulk);
    // Unchanged (deployed as they are): not in the query.
    expect(Buffer.byteLength(impactSql(repo, CHANGES))).toBe(base);
    const changes = {
      ...CHANGES,
      exceptions: [...CHANGES.exceptions, ...bulk.map((e) => ({ id: e.id, change: 'new' as const }))],
    };
    const sql = impactSql(repo, changes);
    expect(sql).toContain(
      `FROM "${repo.org.glue.database}".exceptions\nWHERE exception_id NOT IN ('legacy-volumes', 'sandbox-cost-checks', 'bulk-000'`,
    );
    // 5,000 rows of (id, rule pattern, account, two patterns, no tag, expiry), and the 100 ids.
    const grown = Buffer.byteLength(sql) - base;
    expect(grown).toBeGreaterThan(5000 * 60);
    expect(grown).toBeLessThan(5000 * 130);
  });
});
