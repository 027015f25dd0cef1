import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { formatDiagnostic, loadRepository } from '../../src/load/index.js';
import { CATEGORIES } from '../../src/model/config.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the shipped config/ files', () => {
  test('load with no error and no warning, even with strict', async () => {
    const result = await loadRepository(REPO_ROOT, { strict: true, today: '2026-11-28' });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.repository).toBeDefined();
  });

  test('hold the 68-rule catalog, every category present', async () => {
    const { repository } = await loadRepository(REPO_ROOT, { today: '2026-11-28' });
    const rules = repository?.rules ?? [];
    expect(rules).toHaveLength(68);
    const perCategory = Object.fromEntries(
      CATEGORIES.map((c) => [c, rules.filter((r) => r.category === c).length]),
    );
    // Counted from config/rules.yaml by name prefix.
    expect(perCategory).toEqual({
      security: 38,
      cost: 8,
      performance: 6,
      backup: 8,
      'deletion-protection': 8,
    });
    expect(new Set(rules.map((r) => r.name)).size).toBe(68);
    for (const rule of rules) expect(rule.description.endsWith('[managed by org-compliance]')).toBe(true);
  });

  test('hold the accounts, with the fields people added kept aside', async () => {
    const { repository } = await loadRepository(REPO_ROOT, { today: '2026-11-28' });
    const accounts = repository?.accounts ?? [];
    expect(accounts).toHaveLength(40);
    expect(accounts.filter((a) => a.extra.owner !== undefined)).toHaveLength(18);
    // Leading zeros survive because the ids are quoted.
    expect(accounts.find((a) => a.name === 'imaging-prod')?.id).toBe('005190082127');
    expect(repository?.org).toMatchObject({
      homeRegion: 'eu-west-1',
      regions: ['eu-west-1', 'eu-central-1', 'us-east-1'],
    });
  });
});
