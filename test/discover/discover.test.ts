import { describe, expect, it } from 'vitest';
import { compareAccounts } from '../../src/discover/compare.js';
import { updateAccountsYaml } from '../../src/discover/write-accounts.js';
import { parseAccounts } from '../../src/load/accounts.js';
import { YamlFile } from '../../src/load/yaml-file.js';
import type { OrganizationSnapshot } from '../../src/model/provider.js';

const HAND_EDITED = `# Accounts of the Organization.
# Reviewed by the platform team every quarter.
accounts:
  # The payments team's production account: PCI scope.
  - id: '000000000017'
    name: payments-prod
    state: ACTIVE
    ou: /Root/Workloads/Prod
    joined: '2021-04-01'
    owner: team-payments   # paged first
    cost-centre: CC-1042
  - id: '210987654321'
    name: claims-dev
    state: ACTIVE
    ou: /Root/Workloads/NonProd
    joined: '2022-01-15'
    owner: team-claims
  - id: '555555555555'
    name: old-sandbox
    state: ACTIVE
    ou: /Root/Sandbox
    joined: '2020-06-30'
  - id: '123456789012'
    name: log-archive
    state: ACTIVE
    ou: /Root/Security
    joined: '2020-01-02'
`;

const ORG: OrganizationSnapshot = {
  organizationId: 'o-a1b2c3d4e5',
  accounts: [
    {
      id: '000000000017',
      name: 'payments-production',
      state: 'ACTIVE',
      ouPath: '/Root/Workloads/Prod',
      joined: '2021-04-01',
    },
    {
      id: '210987654321',
      name: 'claims-dev',
      state: 'SUSPENDED',
      ouPath: '/Root/Suspended',
      joined: '2022-01-15',
    },
    {
      id: '123456789012',
      name: 'log-archive',
      state: 'ACTIVE',
      ouPath: '/Root/Security',
      joined: '2020-01-02',
    },
    {
      id: '098765432109',
      name: 'imaging-prod',
      state: 'ACTIVE',
      ouPath: '/Root/Workloads/Prod/Imaging',
      joined: '2026-11-27',
    },
    {
      id: '011111111111',
      name: 'identity-prod',
      state: 'ACTIVE',
      ouPath: '/Root/Workloads/Prod',
      joined: '2026-11-26',
    },
  ],
};

function parse(text: string) {
  const file = YamlFile.parse('config/accounts.yaml', text);
  const accounts = parseAccounts(file);
  expect(file.diagnostics).toEqual([]);
  if (!accounts) throw new Error('did not parse');
  return accounts;
}

describe('discover', () => {
  it('reports added, closed, renamed, moved and departed accounts', () => {
    const changes = compareAccounts(parse(HAND_EDITED), ORG, 'o-a1b2c3d4e5');
    expect(changes.changed).toBe(true);
    expect(changes.added.map((a) => a.id)).toEqual(['011111111111', '098765432109']);
    expect(changes.closed).toEqual([
      { id: '210987654321', name: 'claims-dev', from: 'ACTIVE', to: 'SUSPENDED' },
    ]);
    expect(changes.renamed).toEqual([
      { id: '000000000017', name: 'payments-production', from: 'payments-prod', to: 'payments-production' },
    ]);
    expect(changes.moved).toEqual([
      { id: '210987654321', name: 'claims-dev', from: '/Root/Workloads/NonProd', to: '/Root/Suspended' },
    ]);
    expect(changes.left.map((a) => a.id)).toEqual(['555555555555']);
    expect(changes.organizationMismatch).toBeUndefined();
  });

  it('rewrites accounts.yaml keeping comments, order and hand-added fields', () => {
    const changes = compareAccounts(parse(HAND_EDITED), ORG, 'o-a1b2c3d4e5');
    const out = updateAccountsYaml(HAND_EDITED, changes, '2026-11-28');
    expect(out).toBe(`# Accounts of the Organization.
# Reviewed by the platform team every quarter.
accounts:
  # The payments team's production account: PCI scope.
  - id: '000000000017'
    name: payments-production
    state: ACTIVE
    ou: /Root/Workloads/Prod
    joined: '2021-04-01'
    owner: team-payments # paged first
    cost-centre: CC-1042
  - id: '210987654321'
    name: claims-dev
    state: SUSPENDED
    ou: /Root/Suspended
    joined: '2022-01-15'
    owner: team-claims
    closed: '2026-11-28'
  - id: '555555555555'
    name: old-sandbox
    state: CLOSED
    ou: /Root/Sandbox
    joined: '2020-06-30'
    closed: '2026-11-28'
  - id: '123456789012'
    name: log-archive
    state: ACTIVE
    ou: /Root/Security
    joined: '2020-01-02'
  - id: '011111111111'
    name: identity-prod
    state: ACTIVE
    ou: /Root/Workloads/Prod
    joined: '2026-11-26'
  - id: '098765432109'
    name: imaging-prod
    state: ACTIVE
    ou: /Root/Workloads/Prod/Imaging
    joined: '2026-11-27'
`);
    // The result loads, and a second discover finds nothing to change.
    const again = compareAccounts(parse(out), ORG, 'o-a1b2c3d4e5');
    expect(again.changed).toBe(false);
    expect(updateAccountsYaml(out, again, '2026-11-29')).toBe(out);
    expect(parse(out).find((a) => a.id === '000000000017')?.extra).toEqual({
      owner: 'team-payments',
      'cost-centre': 'CC-1042',
    });
  });

  it('reactivation clears the closed date', () => {
    const text = updateAccountsYaml(HAND_EDITED, compareAccounts(parse(HAND_EDITED), ORG), '2026-11-28');
    const back: OrganizationSnapshot = {
      ...ORG,
      accounts: ORG.accounts.map((a) => (a.id === '210987654321' ? { ...a, state: 'ACTIVE' } : a)),
    };
    const changes = compareAccounts(parse(text), back);
    expect(changes.reactivated).toEqual([
      { id: '210987654321', name: 'claims-dev', from: 'SUSPENDED', to: 'ACTIVE' },
    ]);
    const out = updateAccountsYaml(text, changes, '2026-11-29');
    expect(parse(out).find((a) => a.id === '210987654321')).toMatchObject({ state: 'ACTIVE' });
    expect(parse(out).find((a) => a.id === '210987654321')?.closed).toBeUndefined();
  });

  it('flags an organization other than the one in org.yaml', () => {
    const changes = compareAccounts([], { organizationId: 'o-zzzzzzzzzz', accounts: [] }, 'o-a1b2c3d4e5');
    expect(changes.organizationMismatch).toEqual({ expected: 'o-a1b2c3d4e5', actual: 'o-zzzzzzzzzz' });
  });

  it('starts a list in an empty file', () => {
    const out = updateAccountsYaml('accounts: []\n', compareAccounts([], ORG), '2026-11-28');
    expect(parse(out)).toHaveLength(5);
    expect(out).toContain("- id: '011111111111'");
  });
});
