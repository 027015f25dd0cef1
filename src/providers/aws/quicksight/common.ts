/**
 * What the five QuickSight providers share: their options, apply's dispatch of a typed change,
 * ownership by tag, bounded waiting on asynchronous work, and permission syncing.
 *
 * Ownership: QuickSight resources take tags. Everything this tool creates carries
 * `org.ownership.tagKey = tagValue`; a resource is owned when ListTagsForResource shows that tag.
 * read() looks only at resources this tool could own: those whose id starts with `org-compliance`
 * or that a desired resource names. Their tags are read; every other asset of the account (other
 * teams' dashboards and data sets) costs no call beyond the List* page that names it. Update and
 * delete check the tag again right before they write and refuse a resource that does not carry it.
 */

import {
  type DataSetSummary,
  ListDataSetsCommand,
  ListTagsForResourceCommand,
  type QuickSightClient,
  type ResourcePermission,
  type Tag,
} from '@aws-sdk/client-quicksight';
import { assertKind, KINDS } from '../../../model/kinds.js';
import type { Change } from '../../../model/plan.js';
import { mapLimit } from '../../../model/pool.js';
import type { Provider } from '../../../model/provider.js';
import type {
  QuickSightKind,
  QuickSightPermission,
  QuickSightProperties,
} from '../../../model/quicksight.js';
import { type CurrentResource, type DesiredResource, resourceKey } from '../../../model/resources.js';
import { deepEqualJson, type JsonObject, normalizePermissions } from '../../../quicksight/normalize.js';
import { permissionChanges } from '../../../quicksight/permissions.js';
import { quickSightResourceArn } from '../../../quicksight/resolve.js';
import type { AwsClients } from '../clients.js';
import { allPages, nextToken } from '../paging.js';
import { type AwsSend, errorName, realSleep, type SdkCommand, type Sleep } from '../retry.js';

/**
 * The ids this tool's resources are given (quicksight/'s files use them): read() looks at ids with
 * this prefix even when no desired resource names them, so that strays show up and can be deleted.
 */
export const OWNED_ID_PREFIX = 'org-compliance';
/** The List* calls return at most 100 a page. */
export const QUICKSIGHT_PAGE_SIZE = 100;
/** Tag look-ups run at once while reading. */
export const TAG_CONCURRENCY = 4;
export const DEFAULT_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_POLL_MS = 5_000;

/**
 * What reads running at the same time share: the data set and refresh schedule providers both
 * list the data sets and read their tags. Kept only while at least one read is under way, so a
 * later plan sees fresh state; checks right before a write never use it.
 */
export class SharedReads {
  private active = 0;
  private dataSets: Promise<DataSetSummary[]> | undefined;
  private readonly tags = new Map<string, Promise<boolean | undefined>>();

  async during<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      if (--this.active === 0) {
        this.dataSets = undefined;
        this.tags.clear();
      }
    }
  }

  dataSetSummaries(list: () => Promise<DataSetSummary[]>): Promise<DataSetSummary[]> {
    if (this.active === 0) return list();
    this.dataSets ??= list();
    return this.dataSets;
  }

  tag(arn: string, read: () => Promise<boolean | undefined>): Promise<boolean | undefined> {
    if (this.active === 0) return read();
    let answer = this.tags.get(arn);
    if (!answer) {
      answer = read();
      this.tags.set(arn, answer);
    }
    return answer;
  }
}

export interface QuickSightProviderOptions {
  clients: AwsClients;
  /** The send-wrapper; it counts every write request. */
  send: AwsSend;
  /** The account QuickSight runs in (the data account). */
  accountId: string;
  /** The QuickSight region. */
  region: string;
  /** org.ownership: the tag every resource this tool creates carries. */
  ownership: { tagKey: string; tagValue: string };
  now?: () => number;
  sleep?: Sleep;
  /** How long to wait for asynchronous creation and updates. Default 10 minutes. */
  timeoutMs?: number;
  /** How often to look at a resource being created or updated. Default 5 s. */
  pollMs?: number;
  /** Shared by the providers of one account and region (createQuickSightProviders makes one). */
  shared?: SharedReads;
}

/** What names one resource in a kind's own calls: the account, and the id (DataSetId, AnalysisId, …). */
export interface OwnTarget {
  AwsAccountId: string;
  id: string;
}

/** What an Update*Permissions call changes. */
export interface PermissionUpdate {
  GrantPermissions?: ResourcePermission[];
  RevokePermissions?: ResourcePermission[];
}

/**
 * The calls of a kind whose resources have an id, permissions and a delete of their own (all but
 * refresh schedules): the base class deletes and reads and writes permissions through them. Each
 * builds the SDK command of its kind, with the request member that names the resource.
 */
export interface OwnCalls {
  arnType: 'datasource' | 'dataset' | 'analysis' | 'dashboard';
  delete(target: OwnTarget): SdkCommand<unknown>;
  describePermissions(target: OwnTarget): SdkCommand<{ Permissions?: ResourcePermission[] | undefined }>;
  updatePermissions(target: OwnTarget, update: PermissionUpdate): SdkCommand<unknown>;
}

/** A listed resource that read() looks at, with whether it carries the ownership tag. */
export interface Candidate<T> {
  item: T;
  id: string;
  arn: string;
  owned: boolean;
}

/** Shared plumbing; each kind implements the calls that differ. */
export abstract class QuickSightProviderBase<K extends QuickSightKind> implements Provider<K> {
  abstract readonly kind: K;
  protected readonly clients: AwsClients;
  protected readonly sendCall: AwsSend;
  protected readonly accountId: string;
  protected readonly region: string;
  protected readonly ownership: { tagKey: string; tagValue: string };
  protected readonly now: () => number;
  protected readonly sleep: Sleep;
  protected readonly timeoutMs: number;
  protected readonly pollMs: number;
  protected readonly shared: SharedReads;

  constructor(options: QuickSightProviderOptions) {
    if (options.ownership.tagKey === '' || options.ownership.tagValue === '') {
      throw new Error(
        'ownership.tagKey and ownership.tagValue must not be empty: QuickSight resources are owned by tag',
      );
    }
    if (!/^\d{12}$/.test(options.accountId)) {
      throw new Error(`QuickSight needs the 12-digit AWS account id it runs in, got '${options.accountId}'`);
    }
    this.clients = options.clients;
    this.sendCall = options.send;
    this.accountId = options.accountId;
    this.region = options.region;
    this.ownership = { ...options.ownership };
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.shared = options.shared ?? new SharedReads();
  }

  abstract read(desired: DesiredResource<K>[]): Promise<CurrentResource<K>[]>;
  protected abstract create(properties: QuickSightProperties, change: Change<K>): Promise<void>;
  protected abstract update(
    properties: QuickSightProperties,
    before: QuickSightProperties | undefined,
    change: Change<K>,
  ): Promise<void>;
  /** The kind's own delete and permission calls; absent for refresh schedules, which override them. */
  protected readonly own: OwnCalls | undefined = undefined;

  protected ownCalls(): OwnCalls {
    if (!this.own) throw new Error(`Bug: the ${KINDS[this.kind].label} provider names no calls of its own`);
    return this.own;
  }

  protected arn(id: string): string {
    return quickSightResourceArn(this.region, this.accountId, this.ownCalls().arnType, id);
  }

  /** The account and id a kind's own call names. */
  protected ownTarget(id: string): OwnTarget {
    return { AwsAccountId: this.accountId, id };
  }

  /** Deletes the resource if it exists and carries the ownership tag; refuses it otherwise. */
  protected async remove(properties: QuickSightProperties, _change: Change<K>): Promise<void> {
    const id = properties.id;
    if (!(await this.assertOwned(this.arn(id), id, 'delete'))) return;
    try {
      await this.call(this.ownCalls().delete(this.ownTarget(id)), `delete ${this.subject(id)}`, true);
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFoundException') throw error;
    }
  }

  async apply(change: Change<K>): Promise<void> {
    assertKind(change, this.kind);
    if (change.region !== this.region) {
      throw new Error(`${change.key} is in ${change.region}, but QuickSight is managed in ${this.region}`);
    }
    const before: QuickSightProperties | undefined = change.before;
    switch (change.action) {
      case 'no-op':
        return;
      case 'create':
        return this.create(this.properties(change, 'after'), change);
      case 'update':
        return this.update(this.properties(change, 'after'), before, change);
      case 'delete':
        return this.remove(this.properties(change, 'before'), change);
    }
  }

  protected properties(change: Change<K>, side: 'before' | 'after'): QuickSightProperties {
    const value: QuickSightProperties | undefined = change[side];
    if (value === undefined) {
      throw new Error(
        `Change ${change.key} (${change.action}) carries no ${KINDS[this.kind].label} properties`,
      );
    }
    return value;
  }

  protected subject(id: string): string {
    return `${KINDS[this.kind].label} ${id} (${this.region})`;
  }

  protected client(): QuickSightClient {
    return this.clients.quicksight(this.region);
  }

  protected call<Output>(command: SdkCommand<Output>, what: string, write = false): Promise<Output> {
    return this.sendCall(this.client(), command, { what, region: this.region, ...(write ? { write } : {}) });
  }

  protected ownershipTags(): Tag[] {
    return [{ Key: this.ownership.tagKey, Value: this.ownership.tagValue }];
  }

  /** Whether the resource carries the ownership tag; undefined when it does not exist. */
  protected async tagged(arn: string, id: string): Promise<boolean | undefined> {
    try {
      const answer = await this.call(
        new ListTagsForResourceCommand({ ResourceArn: arn }),
        `read the tags of ${this.subject(id)}`,
      );
      return (answer.Tags ?? []).some(
        (tag) => tag.Key === this.ownership.tagKey && tag.Value === this.ownership.tagValue,
      );
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  /**
   * The listed resources read() reports: those this tool could own (ids with the org-compliance
   * prefix, and desired ids), each with whether it carries the ownership tag. Only their tags are
   * read: an account's other assets, however many, cost no ListTagsForResource.
   */
  protected async candidates<T>(
    items: readonly T[],
    idOf: (item: T) => string,
    arnOf: (item: T) => string,
    desiredIds: ReadonlySet<string>,
  ): Promise<Candidate<T>[]> {
    const ours = items.filter((item) => couldBeOurs(idOf(item), desiredIds));
    const looked = await mapLimit(ours, TAG_CONCURRENCY, async (item) => {
      const id = idOf(item);
      const arn = arnOf(item);
      const owned = await this.shared.tag(arn, () => this.tagged(arn, id));
      return owned === undefined ? undefined : { item, id, arn, owned };
    });
    return looked.filter((c): c is Candidate<T> => c !== undefined);
  }

  /**
   * Throws unless the resource carries the ownership tag. Returns false when it does not exist
   * (a delete then has nothing left to do).
   */
  protected async assertOwned(arn: string, id: string, action: 'update' | 'delete'): Promise<boolean> {
    const owned = await this.tagged(arn, id);
    if (owned === undefined) return false;
    if (!owned) {
      throw new Error(
        `Refusing to ${action} ${this.subject(id)}: it does not carry the ownership tag ` +
          `${this.ownership.tagKey}=${this.ownership.tagValue}, so org-compliance did not create it`,
      );
    }
    return true;
  }

  /** Before an update: the resource must still exist and carry the ownership tag. */
  protected async assertUpdatable(id: string, arn: string): Promise<void> {
    if (!(await this.assertOwned(arn, id, 'update'))) {
      throw new Error(`Cannot update ${this.subject(id)}: it no longer exists; run plan again`);
    }
  }

  /**
   * Looks at `state()` until it leaves `*_IN_PROGRESS`, sleeping pollMs
   * between looks, for at most timeoutMs. Returns the last state.
   */
  protected async waitWhileInProgress(id: string, state: () => Promise<string>): Promise<string> {
    const started = this.now();
    for (;;) {
      const current = await state();
      if (!current.endsWith('_IN_PROGRESS')) return current;
      const waited = this.now() - started;
      if (waited >= this.timeoutMs) {
        throw new Error(
          `${this.subject(id)} is still ${current} after waiting ${duration(waited)} ` +
            `(limit ${duration(this.timeoutMs)}). QuickSight may still finish it: run plan again to see where it ended.`,
        );
      }
      await this.sleep(this.pollMs);
    }
  }

  /** Grants and revokes so that the resource's permissions become `desired`; no call when they already are. */
  protected async syncPermissions(id: string, desired: readonly QuickSightPermission[]): Promise<void> {
    const current = normalizePermissions(await this.describePermissions(id));
    const { grant, revoke } = permissionChanges(current, desired);
    if (grant.length === 0 && revoke.length === 0) return;
    await this.updatePermissions(id, grant, revoke);
  }

  /** Describe*Permissions; none for a kind without calls of its own (refresh schedules). */
  protected async describePermissions(id: string): Promise<ResourcePermission[]> {
    if (!this.own) return [];
    const answer = await this.call(
      this.own.describePermissions(this.ownTarget(id)),
      `read the permissions of ${this.subject(id)}`,
    );
    return answer.Permissions ?? [];
  }

  protected async updatePermissions(
    id: string,
    grant: ResourcePermission[],
    revoke: ResourcePermission[],
  ): Promise<void> {
    if (!this.own) throw new Error(`${this.subject(id)} has no permissions of its own`);
    await this.call(
      this.own.updatePermissions(this.ownTarget(id), {
        ...(grant.length > 0 ? { GrantPermissions: grant } : {}),
        ...(revoke.length > 0 ? { RevokePermissions: revoke } : {}),
      }),
      `update the permissions of ${this.subject(id)}`,
      true,
    );
  }

  /** Every data set summary of the account (ListDataSets, all pages). */
  protected async listDataSetSummaries(): Promise<DataSetSummary[]> {
    return this.shared.dataSetSummaries(() => this.#listDataSetSummaries());
  }

  async #listDataSetSummaries(): Promise<DataSetSummary[]> {
    const pages = await allPages((token) =>
      this.call(
        new ListDataSetsCommand({
          AwsAccountId: this.accountId,
          MaxResults: QUICKSIGHT_PAGE_SIZE,
          ...nextToken(token),
        }),
        'list QuickSight data sets',
      ),
    );
    return pages.flatMap((page) => page.DataSetSummaries ?? []);
  }

  /** The desired resource's key when there is one, so plan pairs them; otherwise the kind's own. */
  protected keyOf(desired: ReadonlyMap<string, { key: string }>, id: string): string {
    return desired.get(id)?.key ?? resourceKey(this.kind, this.region, id);
  }
}

/** Whether a listed resource could be this tool's: its id has our prefix, or a desired resource names it. */
export function couldBeOurs(id: string, desiredIds: ReadonlySet<string>): boolean {
  return id.startsWith(OWNED_ID_PREFIX) || desiredIds.has(id);
}

/** Body members other than the id that differ, for deciding whether a write is needed at all. */
export function bodyChanged(before: QuickSightProperties | undefined, after: QuickSightProperties): boolean {
  return before === undefined || !deepEqualJson(before.body, after.body);
}

/** `{…body, AwsAccountId}` as a request; the body's members are the request's by construction. */
export function requestOf<Request>(accountId: string, body: JsonObject, extra: JsonObject = {}): Request {
  return { ...body, ...extra, AwsAccountId: accountId } as Request;
}

export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}
