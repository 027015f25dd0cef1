/**
 * Reads the Organization by walking its OU tree: ListRoots, then for every parent (root or OU)
 * its child OUs and its direct accounts. API calls grow with the number of OUs (each parent costs
 * its OU pages plus its account pages), never one call per account.
 */

import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  type OrganizationalUnit,
  type Root,
  type Account as SdkAccount,
} from '@aws-sdk/client-organizations';
import type {
  OrgAccount,
  OrganizationSnapshot,
  OrganizationSource,
  ProgressReporter,
} from '../../model/provider.js';
import { type AwsClients, DEFAULT_ORGANIZATIONS_REGION } from './clients.js';
import { createLimiter, type Limiter } from './limiter.js';
import { allPages, nextToken } from './paging.js';
import type { AwsSend } from './retry.js';

/** ListAccountsForParent and ListOrganizationalUnitsForParent accept at most 20. */
export const ORGANIZATIONS_PAGE_SIZE = 20;

export interface AwsOrganizationOptions {
  clients: AwsClients;
  send: AwsSend;
  /** The region `clients.organizations()` calls (named in errors). Default us-east-1, the aws partition's. */
  region?: string;
  /** Parents (root or OU) read at once. Default 8. */
  concurrency?: number;
  /** Report progress after every this many parents. Default 10. */
  progressEvery?: number;
  /** Used when readOrganization is called without its own reporter. */
  progress?: ProgressReporter;
}

interface Parent {
  id: string;
  /** `/Root/Workloads/Prod`. */
  path: string;
}

export class AwsOrganizationSource implements OrganizationSource {
  readonly #clients: AwsClients;
  readonly #send: AwsSend;
  readonly #region: string;
  readonly #concurrency: number;
  readonly #progressEvery: number;
  readonly #progress: ProgressReporter | undefined;

  constructor(options: AwsOrganizationOptions) {
    this.#clients = options.clients;
    this.#send = options.send;
    this.#region = options.region ?? DEFAULT_ORGANIZATIONS_REGION;
    this.#concurrency = options.concurrency ?? 8;
    this.#progressEvery = options.progressEvery ?? 10;
    this.#progress = options.progress;
  }

  async readOrganization(progress?: ProgressReporter): Promise<OrganizationSnapshot> {
    const report = progress ?? this.#progress;
    // Every call takes a slot, so at most `concurrency` requests are in flight; a child OU is
    // walked as soon as the page that names it arrives, and a parent's OU pages and account
    // pages are read side by side. The longest chain is then the tree's depth in pages.
    const limit = createLimiter(this.#concurrency);
    const [organizationId, roots] = await Promise.all([
      limit(() => this.#organizationId()),
      this.#roots(limit),
    ]);
    const accounts: OrgAccount[] = [];
    let parentsDone = 0;
    // Organizations is a tree; an answer naming an OU twice would otherwise be walked forever.
    const seen = new Map<string, string>(roots.map((root) => [root.id, root.path]));

    const walk = async (parent: Parent): Promise<void> => {
      const children: Promise<void>[] = [];
      const [, found] = await Promise.all([
        this.#childUnits(parent, limit, (units) => {
          for (const unit of units) {
            const before = seen.get(unit.id);
            if (before !== undefined) {
              throw new Error(
                `ListOrganizationalUnitsForParent named ${unit.id} under ${parent.path} after naming it as ${before}: ` +
                  'an organizational unit has one parent, so the answer is not a tree; nothing was read further (run discover again; if it persists, it is an AWS fault to report)',
              );
            }
            seen.set(unit.id, unit.path);
            children.push(walk(unit));
          }
        }),
        this.#childAccounts(parent, limit),
      ]);
      accounts.push(...found);
      parentsDone += 1;
      if (report && parentsDone % this.#progressEvery === 0) {
        report(
          `Organizations: read ${parentsDone} parents (root and OUs), ${accounts.length} accounts so far`,
        );
      }
      await Promise.all(children);
    };

    await Promise.all(roots.map((root) => walk(root)));
    report?.(`Organizations: read ${parentsDone} parents (root and OUs), ${accounts.length} accounts in all`);

    accounts.sort((a, b) => a.id.localeCompare(b.id));
    return { organizationId, accounts };
  }

  async #organizationId(): Promise<string> {
    const answer = await this.#send(this.#clients.organizations(), new DescribeOrganizationCommand({}), {
      what: 'describe the organization',
      region: this.#region,
    });
    const id = answer.Organization?.Id;
    if (!id) throw new Error('DescribeOrganization returned no organization id');
    return id;
  }

  async #roots(limit: Limiter): Promise<Parent[]> {
    const pages = await allPages((token) =>
      limit(
        () =>
          this.#send(
            this.#clients.organizations(),
            new ListRootsCommand({ MaxResults: ORGANIZATIONS_PAGE_SIZE, ...nextToken(token) }),
            { what: 'list the organization roots', region: this.#region },
          ),
        { urgent: token !== undefined },
      ),
    );
    const roots: Root[] = pages.flatMap((page) => page.Roots ?? []);
    if (roots.length === 0)
      throw new Error('ListRoots returned no root: is this account in an organization?');
    return roots.map((root) => ({
      id: required(root.Id, 'Id', 'a root'),
      path: `/${required(root.Name, 'Name', `root ${root.Id}`)}`,
    }));
  }

  /** Lists the OUs under a parent, handing each page's OUs to `onPage` as soon as it arrives. */
  async #childUnits(parent: Parent, limit: Limiter, onPage: (units: Parent[]) => void): Promise<void> {
    await allPages(
      (token) =>
        limit(
          () =>
            this.#send(
              this.#clients.organizations(),
              new ListOrganizationalUnitsForParentCommand({
                ParentId: parent.id,
                MaxResults: ORGANIZATIONS_PAGE_SIZE,
                ...nextToken(token),
              }),
              {
                what: `list the organizational units under ${parent.id} (${parent.path})`,
                region: this.#region,
              },
            ),
          { urgent: token !== undefined },
        ),
      (page) =>
        onPage(
          (page.OrganizationalUnits ?? []).map((unit: OrganizationalUnit) => {
            const id = required(unit.Id, 'Id', `an organizational unit under ${parent.path}`);
            return { id, path: `${parent.path}/${required(unit.Name, 'Name', `organizational unit ${id}`)}` };
          }),
        ),
    );
  }

  async #childAccounts(parent: Parent, limit: Limiter): Promise<OrgAccount[]> {
    const pages = await allPages((token) =>
      limit(
        () =>
          this.#send(
            this.#clients.organizations(),
            new ListAccountsForParentCommand({
              ParentId: parent.id,
              MaxResults: ORGANIZATIONS_PAGE_SIZE,
              ...nextToken(token),
            }),
            { what: `list the accounts under ${parent.id} (${parent.path})`, region: this.#region },
          ),
        { urgent: token !== undefined },
      ),
    );
    return pages.flatMap((page) => (page.Accounts ?? []).map((account) => orgAccount(account, parent.path)));
  }
}

/** One account as ListAccountsForParent reports it, with the OU path of its parent. */
export function orgAccount(account: SdkAccount, ouPath: string): OrgAccount {
  const id = required(account.Id, 'Id', `an account under ${ouPath}`);
  if (!account.State) {
    throw new Error(
      `Account ${id} under ${ouPath} has no State in ListAccountsForParent's answer. ` +
        'The retired Status field is not used in its place: update the AWS SDK or check the endpoint.',
    );
  }
  if (!account.JoinedTimestamp) {
    throw new Error(`Account ${id} under ${ouPath} has no JoinedTimestamp in ListAccountsForParent's answer`);
  }
  return {
    id,
    name: account.Name ?? '',
    state: account.State,
    ouPath,
    joined: utcDate(account.JoinedTimestamp),
  };
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

function required(value: string | undefined, field: string, what: string): string {
  if (value === undefined || value === '') throw new Error(`Organizations returned ${what} without ${field}`);
  return value;
}
