import {
  type Account,
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  type ListAccountsForParentCommandInput,
  ListOrganizationalUnitsForParentCommand,
  type ListOrganizationalUnitsForParentCommandInput,
  ListRootsCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsOrganizationSource } from '../../../src/providers/aws/organization.js';
import { AwsCallError, createSend } from '../../../src/providers/aws/retry.js';
import { fakeTime, metadata, regionalClients } from './fakes.js';

const MANAGEMENT = '111111111111';

function account(id: string, name: string, joined = '2021-03-04T10:00:00Z', state = 'ACTIVE'): Account {
  return {
    Id: id,
    Arn: `arn:aws:organizations::${MANAGEMENT}:account/o-a1b2c3d4e5/${id}`,
    Email: `aws+${name}@acme.example`,
    Name: name,
    // The retired field, deliberately out of step with State: the reader must use State.
    Status: state === 'ACTIVE' ? 'ACTIVE' : 'SUSPENDED',
    State: state as Account['State'],
    JoinedMethod: 'CREATED',
    JoinedTimestamp: new Date(joined),
  };
}

interface FakeParent {
  id: string;
  name: string;
  accounts: Account[];
  /** Explicit account pages (NextToken chains) instead of slicing `accounts`. */
  accountPages?: Account[][];
  children: FakeParent[];
}

function ou(id: string, name: string, accounts: Account[], children: FakeParent[] = []): FakeParent {
  return { id, name, accounts, children };
}

function prodAccounts(count: number): Account[] {
  return Array.from({ length: count }, (_, i) =>
    account(`0123456789${String(i).padStart(2, '0')}`.slice(-12), `prod-${i}`, '2022-06-15T08:30:00Z'),
  );
}

/**
 * Root (r-ab12)
 * ├── 2 accounts directly under the root, served as [1 account] → [] → [1 account]
 * ├── Workloads
 * │   ├── Prod: `prodCount` accounts
 * │   └── Dev: 2 accounts
 * │       └── Experiments: 1 account
 * ├── Sandbox: 22 child OUs (Team01 … Team22), Team07 holds 1 account
 * └── Closed: 1 CLOSED account
 */
function organizationTree(prodCount = 23): FakeParent {
  const teams = Array.from({ length: 22 }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return ou(
      `ou-ab12-team00${n}`,
      `Team${n}`,
      n === '07' ? [account('345678901234', 'team07-sandbox')] : [],
    );
  });
  const root: FakeParent = {
    id: 'r-ab12',
    name: 'Root',
    accounts: [],
    accountPages: [
      [account(MANAGEMENT, 'management', '2019-11-20T23:30:00Z')],
      [],
      [account('222222222222', 'log-archive', '2019-11-21T00:15:00+02:00')],
    ],
    children: [
      ou(
        'ou-ab12-wkld0001',
        'Workloads',
        [],
        [
          ou('ou-ab12-prod0001', 'Prod', prodAccounts(prodCount)),
          ou(
            'ou-ab12-dev00001',
            'Dev',
            [account('456789012345', 'dev-a'), account('567890123456', 'dev-b')],
            [ou('ou-ab12-exp00001', 'Experiments', [account('678901234567', 'experiment-1')])],
          ),
        ],
      ),
      ou('ou-ab12-sbx00001', 'Sandbox', [], teams),
      ou('ou-ab12-clsd0001', 'Closed', [
        account('789012345678', 'retired', '2020-01-01T00:00:00Z', 'CLOSED'),
      ]),
    ],
  };
  return root;
}

function index(root: FakeParent): Map<string, FakeParent> {
  const byId = new Map<string, FakeParent>();
  const visit = (parent: FakeParent) => {
    if (byId.has(parent.id)) return; // A parent named twice (the not-a-tree test) is indexed once.
    byId.set(parent.id, parent);
    parent.children.forEach(visit);
  };
  visit(root);
  return byId;
}

/** Serves one page the way Organizations does: at most MaxResults (1–20) items, NextToken while more remain. */
function page<T>(items: T[], maxResults: number | undefined, token: string | undefined) {
  if (maxResults === undefined || maxResults < 1 || maxResults > 20) {
    throw new Error(`MaxResults must be 1–20, got ${maxResults}`);
  }
  const offset = token ? Number(token.replace('page-from-', '')) : 0;
  const next = offset + maxResults;
  return {
    items: items.slice(offset, next),
    NextToken: next < items.length ? `page-from-${next}` : undefined,
  };
}

const orgMock = (() => {
  const { clients, organizations } = regionalClients([]);
  return { clients, mock: mockClient(organizations) };
})();

function serve(root: FakeParent, options: { inFlight?: { now: number; max: number } } = {}) {
  const byId = index(root);
  const { mock } = orgMock;
  const track = async <T>(answer: () => T): Promise<T> => {
    const inFlight = options.inFlight;
    if (!inFlight) return answer();
    inFlight.now += 1;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight.now -= 1;
    return answer();
  };
  mock.on(DescribeOrganizationCommand).resolves({
    Organization: {
      Id: 'o-a1b2c3d4e5',
      Arn: `arn:aws:organizations::${MANAGEMENT}:organization/o-a1b2c3d4e5`,
      MasterAccountId: MANAGEMENT,
      FeatureSet: 'ALL',
    },
  });
  mock.on(ListRootsCommand).resolves({
    Roots: [
      {
        Id: root.id,
        Name: root.name,
        Arn: `arn:aws:organizations::${MANAGEMENT}:root/o-a1b2c3d4e5/${root.id}`,
      },
    ],
  });
  mock
    .on(ListOrganizationalUnitsForParentCommand)
    .callsFake((input: ListOrganizationalUnitsForParentCommandInput) =>
      track(() => {
        const parent = byId.get(input.ParentId ?? '');
        if (!parent) throw new Error(`unknown parent ${input.ParentId}`);
        const { items, NextToken } = page(parent.children, input.MaxResults, input.NextToken);
        return { OrganizationalUnits: items.map((child) => ({ Id: child.id, Name: child.name })), NextToken };
      }),
    );
  mock.on(ListAccountsForParentCommand).callsFake((input: ListAccountsForParentCommandInput) =>
    track(() => {
      const parent = byId.get(input.ParentId ?? '');
      if (!parent) throw new Error(`unknown parent ${input.ParentId}`);
      if (parent.accountPages) {
        const at = input.NextToken ? Number(input.NextToken.replace('explicit-', '')) : 0;
        const more = at + 1 < parent.accountPages.length;
        return { Accounts: parent.accountPages[at], NextToken: more ? `explicit-${at + 1}` : undefined };
      }
      const { items, NextToken } = page(parent.accounts, input.MaxResults, input.NextToken);
      return { Accounts: items, NextToken };
    }),
  );
}

function source(options: { maxAttempts?: number; concurrency?: number; progressEvery?: number } = {}) {
  const time = fakeTime();
  const send = createSend({
    retry: {
      sleep: time.sleep,
      random: () => 0.5,
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    },
  });
  const reader = new AwsOrganizationSource({
    clients: orgMock.clients,
    send,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.progressEvery ? { progressEvery: options.progressEvery } : {}),
  });
  return { reader, time };
}

afterEach(() => {
  orgMock.mock.reset();
});

describe('AwsOrganizationSource', () => {
  it('walks a three-level OU tree into accounts with OU paths, State and UTC join dates', async () => {
    serve(organizationTree());
    const { reader } = source();

    const snapshot = await reader.readOrganization();

    expect(snapshot.organizationId).toBe('o-a1b2c3d4e5');
    expect(snapshot.accounts).toHaveLength(30);
    const byId = new Map(snapshot.accounts.map((a) => [a.id, a]));
    expect(byId.get(MANAGEMENT)).toEqual({
      id: MANAGEMENT,
      name: 'management',
      state: 'ACTIVE',
      ouPath: '/Root',
      joined: '2019-11-20',
    });
    // 00:15 at UTC+2 is still the 20th in UTC.
    expect(byId.get('222222222222')?.joined).toBe('2019-11-20');
    expect(byId.get('012345678900')).toMatchObject({ ouPath: '/Root/Workloads/Prod', joined: '2022-06-15' });
    expect(byId.get('012345678922')?.ouPath).toBe('/Root/Workloads/Prod');
    expect(byId.get('678901234567')?.ouPath).toBe('/Root/Workloads/Dev/Experiments');
    expect(byId.get('345678901234')?.ouPath).toBe('/Root/Sandbox/Team07');
    // State, not the retired Status (which says SUSPENDED here).
    expect(byId.get('789012345678')).toMatchObject({ state: 'CLOSED', ouPath: '/Root/Closed' });
    expect(snapshot.accounts.map((a) => a.id)).toEqual([...snapshot.accounts.map((a) => a.id)].sort());
  });

  it('pages through 20-item pages, asks for MaxResults 20 and follows a NextToken after an empty page', async () => {
    serve(organizationTree());
    const { reader } = source();

    await reader.readOrganization();

    const { mock } = orgMock;
    const accountCalls = mock.commandCalls(ListAccountsForParentCommand).map((call) => call.args[0].input);
    const ouCalls = mock
      .commandCalls(ListOrganizationalUnitsForParentCommand)
      .map((call) => call.args[0].input);
    for (const input of [
      ...accountCalls,
      ...ouCalls,
      ...mock.commandCalls(ListRootsCommand).map((c) => c.args[0].input),
    ]) {
      expect(input.MaxResults).toBe(20);
    }
    // Prod holds 23 accounts: two pages.
    expect(accountCalls.filter((input) => input.ParentId === 'ou-ab12-prod0001')).toEqual([
      { ParentId: 'ou-ab12-prod0001', MaxResults: 20 },
      { ParentId: 'ou-ab12-prod0001', MaxResults: 20, NextToken: 'page-from-20' },
    ]);
    // Sandbox holds 22 OUs: two pages.
    expect(ouCalls.filter((input) => input.ParentId === 'ou-ab12-sbx00001')).toEqual([
      { ParentId: 'ou-ab12-sbx00001', MaxResults: 20 },
      { ParentId: 'ou-ab12-sbx00001', MaxResults: 20, NextToken: 'page-from-20' },
    ]);
    // The root's second page is empty but carries a NextToken: the third page is still read.
    expect(accountCalls.filter((input) => input.ParentId === 'r-ab12')).toEqual([
      { ParentId: 'r-ab12', MaxResults: 20 },
      { ParentId: 'r-ab12', MaxResults: 20, NextToken: 'explicit-1' },
      { ParentId: 'r-ab12', MaxResults: 20, NextToken: 'explicit-2' },
    ]);
  });

  it('makes a number of calls that grows with OUs and pages, not with accounts', async () => {
    // 29 parents (root + 28 OUs). OU pages: 29 + 1 extra for Sandbox. Account pages: 29 + 2 extra for
    // the root's chain + 1 extra for Prod's 23 accounts. Plus DescribeOrganization and ListRoots.
    serve(organizationTree(23));
    await source().reader.readOrganization();
    expect(orgMock.mock.calls()).toHaveLength(2 + 30 + 32);
    expect(orgMock.mock.commandCalls(DescribeOrganizationCommand)).toHaveLength(1);
    expect(orgMock.mock.commandCalls(ListRootsCommand)).toHaveLength(1);

    // Ten times the accounts in Prod (230): only ten more account pages, not 207 more calls.
    orgMock.mock.reset();
    serve(organizationTree(230));
    const bigger = await source().reader.readOrganization();
    expect(bigger.accounts).toHaveLength(237);
    expect(orgMock.mock.calls()).toHaveLength(2 + 30 + 32 + 10);
  });

  it('reads parents in parallel but never more than the concurrency limit at once', async () => {
    const inFlight = { now: 0, max: 0 };
    serve(organizationTree(), { inFlight });
    await source({ concurrency: 3 }).reader.readOrganization();
    expect(inFlight.max).toBeGreaterThan(1);
    expect(inFlight.max).toBeLessThanOrEqual(3);
  });

  it('reports progress every N parents and once at the end', async () => {
    serve(organizationTree());
    const messages: string[] = [];
    await source({ progressEvery: 10 }).reader.readOrganization((message) => messages.push(message));
    expect(messages).toEqual([
      expect.stringContaining('read 10 parents'),
      expect.stringContaining('read 20 parents'),
      'Organizations: read 29 parents (root and OUs), 30 accounts in all',
    ]);
  });

  it('retries TooManyRequestsException with backoff and without really waiting', async () => {
    serve(organizationTree());
    const throttled = () =>
      new TooManyRequestsException({
        message:
          'AWS Organizations can\u2019t complete your request because another request is already in progress.',
        $metadata: metadata(400),
      });
    orgMock.mock
      .on(ListRootsCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolvesOnce({ Roots: [{ Id: 'r-ab12', Name: 'Root' }] });
    const { reader, time } = source();

    const started = Date.now();
    const snapshot = await reader.readOrganization();

    expect(snapshot.accounts).toHaveLength(30);
    expect(orgMock.mock.commandCalls(ListRootsCommand)).toHaveLength(3);
    // Full jitter with random() = 0.5: half of 100 ms, then half of 200 ms.
    expect(time.sleeps).toEqual([50, 100]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives up after the configured attempts with an error that says what it was doing', async () => {
    serve(organizationTree());
    const cause = new TooManyRequestsException({ message: 'Rate exceeded', $metadata: metadata(400) });
    orgMock.mock.on(ListRootsCommand).rejects(cause);
    const { reader, time } = source({ maxAttempts: 3 });

    const error = await reader.readOrganization().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as AwsCallError).message).toBe(
      'Could not list the organization roots (ListRoots in us-east-1): Rate exceeded (gave up after 3 attempts)',
    );
    expect((error as AwsCallError).name).toBe('TooManyRequestsException');
    expect((error as AwsCallError).cause).toBe(cause);
    expect(orgMock.mock.commandCalls(ListRootsCommand)).toHaveLength(3);
    expect(time.sleeps).toEqual([50, 100]);
  });

  it('refuses to guess when an account has no State', async () => {
    const tree = organizationTree();
    const noState = account('890123456789', 'legacy');
    delete noState.State;
    tree.children[2]?.accounts.push(noState);
    serve(tree);

    await expect(source().reader.readOrganization()).rejects.toThrow(
      /Account 890123456789 under \/Root\/Closed has no State in ListAccountsForParent's answer/,
    );
  });

  it('refuses an answer that names an OU under two parents (not a tree) instead of walking it forever', async () => {
    const tree = organizationTree();
    const workloads = tree.children[0] as FakeParent;
    const dev = workloads.children[1] as FakeParent;
    // Experiments, under Dev, names Workloads as its child: Workloads → Dev → Experiments → Workloads.
    (dev.children[0] as FakeParent).children.push(workloads);
    serve(tree);

    await expect(source().reader.readOrganization()).rejects.toThrow(
      `ListOrganizationalUnitsForParent named ${workloads.id} under /Root/Workloads/Dev/Experiments after naming it as /Root/Workloads`,
    );
  });
});
