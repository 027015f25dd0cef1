/**
 * Organizations on moto through the real AWS SDK: the aws target's OU walk (ListRoots,
 * ListOrganizationalUnitsForParent, ListAccountsForParent, 20 a page) reads an organization built
 * with CreateOrganization / CreateOrganizationalUnit / CreateAccount / MoveAccount, and discover
 * (compareAccounts + updateAccountsYaml) round-trips it through config/accounts.yaml.
 *
 * moto differences from AWS seen here (worked around in this test, not in src):
 * - CreateAccount finishes at once (State SUCCEEDED in its answer); AWS answers IN_PROGRESS and
 *   the account appears later (DescribeCreateAccountStatus).
 * - CloseAccount moves the account straight to SUSPENDED; AWS shows PENDING_CLOSURE first.
 * - Accounts carry both State and the retired Status (our code reads only State).
 * - JoinedTimestamp is the moment moto created the account (today), for the management account too.
 * - ListRoots ignores MaxResults (one root either way).
 */
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  DescribeAccountCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareAccounts } from '../../../src/discover/compare.js';
import { updateAccountsYaml } from '../../../src/discover/write-accounts.js';
import { ACCOUNTS_FILE, parseAccounts } from '../../../src/load/accounts.js';
import { YamlFile } from '../../../src/load/yaml-file.js';
import type { Account } from '../../../src/model/config.js';
import type { OrganizationSnapshot } from '../../../src/model/provider.js';
import { createAwsClients } from '../../../src/providers/aws/clients.js';
import { utcDate } from '../../../src/providers/aws/organization.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { MOTO_CREDENTIALS } from '../harness/moto.js';
import { type MotoSession, motoSession, repository } from './support.js';

let session: MotoSession;
let sdk: OrganizationsClient;

interface Expected {
  name: string;
  ouPath: string;
  state: string;
}
/** What the test built, by account id. */
const expected = new Map<string, Expected>();
let organizationId = '';
const ouIds = new Map<string, string>();

beforeAll(async () => {
  session = await motoSession();
  sdk = new OrganizationsClient({
    endpoint: session.moto.endpoint,
    region: 'us-east-1',
    credentials: MOTO_CREDENTIALS,
  });
  const created = await sdk.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  organizationId = created.Organization?.Id ?? '';
  const roots = await sdk.send(new ListRootsCommand({}));
  const root = roots.Roots?.[0];
  if (!root?.Id || !root.Name) throw new Error('moto returned no root');
  ouIds.set(`/${root.Name}`, root.Id);

  // Three levels below the root, and one parent with more OUs than a page holds.
  const ous = [
    '/Root/Workloads',
    '/Root/Workloads/Prod',
    '/Root/Workloads/Prod/Payments',
    '/Root/Workloads/Prod/Claims',
    '/Root/Workloads/Dev',
    '/Root/Security',
    '/Root/Sandbox',
    ...Array.from({ length: 22 }, (_, i) => `/Root/Sandbox/team-${String(i + 1).padStart(2, '0')}`),
    '/Root/Suspended',
  ];
  for (const path of ous) {
    const parent = path.slice(0, path.lastIndexOf('/'));
    const answer = await sdk.send(
      new CreateOrganizationalUnitCommand({
        ParentId: ouIds.get(parent),
        Name: path.slice(path.lastIndexOf('/') + 1),
      }),
    );
    ouIds.set(path, answer.OrganizationalUnit?.Id ?? '');
  }

  // 25 accounts in Payments (two pages of 20), the rest spread out; 50 in all besides the management account.
  const placements: string[] = [
    ...Array.from({ length: 25 }, () => '/Root/Workloads/Prod/Payments'),
    ...Array.from({ length: 6 }, () => '/Root/Workloads/Prod/Claims'),
    ...Array.from({ length: 4 }, () => '/Root/Workloads/Dev'),
    ...Array.from({ length: 3 }, () => '/Root/Security'),
    ...Array.from({ length: 5 }, (_, i) => `/Root/Sandbox/team-${String(i * 4 + 1).padStart(2, '0')}`),
    ...Array.from({ length: 2 }, () => '/Root/Suspended'),
    ...Array.from({ length: 5 }, () => '/Root'),
  ];
  const rootId = root.Id;
  for (const [i, ouPath] of placements.entries()) {
    const name = `acct-${String(i + 1).padStart(2, '0')}-${ouPath.split('/').at(-1)?.toLowerCase()}`;
    const answer = await sdk.send(
      new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
    );
    const id = answer.CreateAccountStatus?.AccountId;
    if (!id) throw new Error(`CreateAccount ${name}: no AccountId in ${JSON.stringify(answer)}`);
    if (ouPath !== '/Root') {
      await sdk.send(
        new MoveAccountCommand({
          AccountId: id,
          SourceParentId: rootId,
          DestinationParentId: ouIds.get(ouPath),
        }),
      );
    }
    expected.set(id, { name, ouPath, state: 'ACTIVE' });
  }
  // The management account sits in the root, as moto (and AWS) put it there.
  const management = created.Organization?.MasterAccountId ?? '';
  expected.set(management, { name: 'master', ouPath: '/Root', state: 'ACTIVE' });
  // One account closed in the Suspended OU.
  const closing = [...expected].find(([, e]) => e.ouPath === '/Root/Suspended')?.[0] ?? '';
  await sdk.send(new CloseAccountCommand({ AccountId: closing }));
  (expected.get(closing) as Expected).state = 'SUSPENDED';
});

afterAll(async () => {
  sdk?.destroy();
  await session?.close();
});

/** The target's OU walk, with every Organizations call it made (operation and parent). */
async function readThroughTarget(): Promise<{ org: OrganizationSnapshot; calls: string[] }> {
  const repo = await repository();
  const clients = createAwsClients({ endpoint: session.moto.endpoint });
  const calls: string[] = [];
  clients.organizations().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ParentId?: string; NextToken?: string };
      calls.push(
        `${(context.commandName ?? '').replace(/Command$/, '')}${input.ParentId ? ` ${input.ParentId}` : ''}${input.NextToken ? ' (next page)' : ''}`,
      );
      return next(args);
    },
    { step: 'initialize', name: 'recordCalls' },
  );
  const target = createAwsTarget({ ...repo.org, organizationId }, { clients });
  const org = await target.organization.readOrganization();
  return { org, calls };
}

describe('Organizations on moto', () => {
  it('readOrganization returns every account with its OU path, State and joined date', async () => {
    const { org, calls } = await readThroughTarget();
    expect(org.organizationId).toBe(organizationId);
    expect(org.accounts).toHaveLength(expected.size);
    expect(expected.size).toBeGreaterThanOrEqual(45);
    for (const account of org.accounts) {
      const want = expected.get(account.id);
      expect(want, `account ${account.id} was not created by the test`).toBeDefined();
      expect({ name: account.name, ouPath: account.ouPath, state: account.state }).toEqual(want);
    }
    // Sorted by id, ids are 12-digit strings.
    expect(org.accounts.map((a) => a.id)).toEqual(org.accounts.map((a) => a.id).sort());
    for (const a of org.accounts) expect(a.id).toMatch(/^\d{12}$/);

    // joined is the UTC date of JoinedTimestamp as DescribeAccount reports it.
    for (const account of org.accounts.slice(0, 5)) {
      const described = await sdk.send(new DescribeAccountCommand({ AccountId: account.id }));
      const stamp = described.Account?.JoinedTimestamp;
      expect(stamp).toBeInstanceOf(Date);
      expect(account.joined).toBe(utcDate(stamp as Date));
    }

    // Pages of 20 were crossed both for accounts (Payments holds 25) and for OUs (Sandbox holds 22),
    // and every parent was asked once for each (plus its further pages), never once per account.
    const payments = ouIds.get('/Root/Workloads/Prod/Payments');
    const sandbox = ouIds.get('/Root/Sandbox');
    expect(calls.filter((c) => c.startsWith(`ListAccountsForParent ${payments}`))).toEqual([
      `ListAccountsForParent ${payments}`,
      `ListAccountsForParent ${payments} (next page)`,
    ]);
    expect(calls.filter((c) => c.startsWith(`ListOrganizationalUnitsForParent ${sandbox}`))).toEqual([
      `ListOrganizationalUnitsForParent ${sandbox}`,
      `ListOrganizationalUnitsForParent ${sandbox} (next page)`,
    ]);
    const parents = ouIds.size;
    expect(calls.filter((c) => c.startsWith('ListAccountsForParent'))).toHaveLength(parents + 1);
    expect(calls.filter((c) => c.startsWith('ListOrganizationalUnitsForParent'))).toHaveLength(parents + 1);
    expect(calls.filter((c) => c.startsWith('DescribeOrganization'))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('ListRoots'))).toHaveLength(1);
  });

  it('discover round-trips: accounts.yaml written from moto compares equal, then follows a move and a closure', async () => {
    // moto stamps JoinedTimestamp with the real clock, so discover runs on the real day here (a
    // closure dated before the join is refused by the loader).
    const today = new Date().toISOString().slice(0, 10);
    const first = await readThroughTarget();
    const fromNothing = compareAccounts([], first.org, organizationId);
    expect(fromNothing.organizationMismatch).toBeUndefined();
    expect(fromNothing.added).toHaveLength(expected.size);
    const text = updateAccountsYaml('accounts: []\n', fromNothing, today);
    const accounts = parseValid(text);
    expect(accounts).toHaveLength(expected.size);
    expect(compareAccounts(accounts, first.org, organizationId).changed).toBe(false);
    // The suspended account is written with the day discover saw it closed.
    const suspended = accounts.find((a) => a.state === 'SUSPENDED');
    expect(suspended?.closed).toBe(today);

    // In moto: one account moves from Payments to Dev, another one is closed.
    const [moving, closing] = [...expected]
      .filter(([, e]) => e.ouPath === '/Root/Workloads/Prod/Payments')
      .map(([id]) => id);
    await sdk.send(
      new MoveAccountCommand({
        AccountId: moving,
        SourceParentId: ouIds.get('/Root/Workloads/Prod/Payments'),
        DestinationParentId: ouIds.get('/Root/Workloads/Dev'),
      }),
    );
    await sdk.send(new CloseAccountCommand({ AccountId: closing }));

    const second = await readThroughTarget();
    const changes = compareAccounts(accounts, second.org, organizationId);
    expect(changes.added).toEqual([]);
    expect(changes.left).toEqual([]);
    expect(changes.moved).toEqual([
      expect.objectContaining({
        id: moving,
        from: '/Root/Workloads/Prod/Payments',
        to: '/Root/Workloads/Dev',
      }),
    ]);
    expect(changes.closed).toEqual([
      expect.objectContaining({ id: closing, from: 'ACTIVE', to: 'SUSPENDED' }),
    ]);

    const updated = updateAccountsYaml(text, changes, today);
    const after = parseValid(updated);
    expect(compareAccounts(after, second.org, organizationId).changed).toBe(false);
    expect(after.find((a) => a.id === closing)).toMatchObject({ state: 'SUSPENDED', closed: today });
    expect(after.find((a) => a.id === moving)?.ouPath).toBe('/Root/Workloads/Dev');
  });

  it('a target configured for another organization sees the mismatch', async () => {
    const { org } = await readThroughTarget();
    const changes = compareAccounts([], org, 'o-a1b2c3d4e5');
    expect(changes.organizationMismatch).toEqual({ expected: 'o-a1b2c3d4e5', actual: organizationId });
  });
});

function parseValid(text: string): Account[] {
  const file = YamlFile.parse(ACCOUNTS_FILE, text);
  const accounts = parseAccounts(file);
  const errors = file.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.line}:${d.column} ${d.field}: ${d.message}`)).toEqual([]);
  if (!accounts) throw new Error('accounts.yaml did not parse');
  return accounts;
}
