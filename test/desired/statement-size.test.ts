/**
 * Athena refuses a query string over 262,144 bytes. With the reference data in tables, no statement
 * apply sends grows with the organization: proven at 10,000 accounts, where the former VALUES views
 * were megabytes. A view that would still be too long is refused by the loader, naming it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../../src/demo/workspace.js';
import { desiredResources } from '../../src/desired/index.js';
import { ATHENA_QUERY_MAX_BYTES, createViewStatement } from '../../src/desired/views.js';
import { loadRepository } from '../../src/load/index.js';
import { GENERATED_VIEWS } from '../../src/load/views.js';
import type { Repository } from '../../src/model/config.js';
import { resourcesOfKind } from '../../src/model/resources.js';
import { encodeJsonLines } from '../../src/model/table-data.js';
import { REPO_ROOT, scratchRepo } from '../helpers/repo.js';

const TODAY = '2026-11-30';
const ACCOUNTS = 10_000;

async function workspace(accounts: number): Promise<string> {
  const { root } = await scratchRepo();
  const organization = syntheticOrganization({
    organizationId: 'o-a1b2c3d4e5',
    accounts,
    ous: 40,
    seed: 12,
    until: TODAY,
  });
  await prepareDemoWorkspace({
    sourceRoot: REPO_ROOT,
    root,
    organization,
    notYetListed: [],
    regions: 4,
    today: TODAY,
  });
  return root;
}

describe(`every statement apply sends, for ${ACCOUNTS.toLocaleString('en-US')} accounts`, () => {
  let repo: Repository;

  beforeAll(async () => {
    const loaded = await loadRepository(await workspace(ACCOUNTS), { today: TODAY });
    if (!loaded.repository) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    repo = loaded.repository;
  }, 120_000);

  it('fits in Athena’s limit, the largest far below it, while the accounts go to S3 as data', () => {
    expect(repo.accounts).toHaveLength(ACCOUNTS);
    const desired = desiredResources(repo, TODAY, { quickSightAccountId: '111111111111' });
    const statements = resourcesOfKind(desired, 'athena-view').map((v) => ({
      name: v.properties.name,
      bytes: new TextEncoder().encode(createViewStatement(v.properties)).length,
    }));
    // One CREATE VIEW per generated view and per file of sql/views/, none twice.
    expect(statements.map((s) => s.name).sort()).toEqual(
      [...GENERATED_VIEWS, ...repo.views.map((v) => v.name)].sort(),
    );
    const largest = Math.max(...statements.map((s) => s.bytes));
    // The generated views name columns only; the largest statement is a view file of sql/views/.
    expect(largest).toBeLessThan(ATHENA_QUERY_MAX_BYTES / 10);
    const accounts = statements.find((s) => s.name === 'accounts');
    const projection = statements.find((s) => s.name === 'projection');
    expect(accounts?.bytes).toBeLessThan(1_000);
    expect(projection?.bytes).toBeLessThan(1_000);

    const data = resourcesOfKind(desired, 'table-data').find((d) =>
      d.properties.table.endsWith('.ref_accounts'),
    );
    expect(data?.properties.rows).toHaveLength(ACCOUNTS);
    // What the accounts weigh as data: far more than one statement could carry.
    const object = encodeJsonLines(data?.properties.columns ?? [], data?.properties.rows ?? []);
    expect(new TextEncoder().encode(object).length).toBeGreaterThan(ATHENA_QUERY_MAX_BYTES * 4);
  });
});

describe('a view over the limit', () => {
  it('is refused by validate (the loader) naming the view and its file, and nothing loads', async () => {
    const root = await workspace(12);
    // A list of 30,000 literals: valid SQL, 300,000-odd bytes.
    const ids = Array.from({ length: 30_000 }, (_, i) => `'${String(100_000_000_000 + i)}'`).join(', ');
    await writeFile(
      join(root, 'sql/views/watched_accounts.sql'),
      `SELECT account_id\nFROM {{db}}.accounts\nWHERE account_id IN (${ids})\n`,
    );
    const loaded = await loadRepository(root, { today: TODAY });
    expect(loaded.repository).toBeUndefined();
    const bytes = new TextEncoder().encode(
      `CREATE OR REPLACE VIEW "org_compliance"."watched_accounts" AS\nSELECT account_id\nFROM "org_compliance".accounts\nWHERE account_id IN (${ids})`,
    ).length;
    expect(bytes).toBeGreaterThan(ATHENA_QUERY_MAX_BYTES);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      {
        severity: 'error',
        file: 'sql/views/watched_accounts.sql',
        line: 1,
        column: 1,
        field: '',
        message: `view watched_accounts: its CREATE VIEW statement would be ${bytes.toLocaleString('en-US')} bytes, over Athena's limit of 262,144 bytes for one query; move data out of the SQL (a table) or split the view`,
      },
    ]);
  });
});
