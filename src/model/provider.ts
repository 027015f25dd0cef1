import type { CompactionResult } from '../compact/run.js';
import type { Change } from './plan.js';
import type { CurrentResource, DesiredResource, ResourceKind } from './resources.js';

export type ProgressReporter = (message: string) => void;

/**
 * One resource kind on one target. Reads current state normalised into exactly the
 * shape desired state has, and carries out one change at a time.
 */
export interface Provider<K extends ResourceKind = ResourceKind> {
  readonly kind: K;
  /**
   * Everything of this kind that exists where the desired resources would live:
   * the desired keys that exist, plus every other resource the caller could own.
   */
  read(desired: DesiredResource<K>[]): Promise<CurrentResource<K>[]>;
  apply(change: Change<K>): Promise<void>;
}

/** An organization account as Organizations (or the local org.json) reports it. */
export interface OrgAccount {
  id: string;
  name: string;
  state: string;
  ouPath: string;
  joined: string;
}

export interface OrganizationSnapshot {
  organizationId: string;
  accounts: OrgAccount[];
}

export interface OrganizationSource {
  readOrganization(progress?: ProgressReporter): Promise<OrganizationSnapshot>;
}

/** Runs Athena SQL on the target's engine: Athena itself, or DuckDB on the local target. */
export interface QuerySession {
  query(sql: string, what: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** One provider per kind: adding a kind to the model makes every target name its provider. */
export type Providers = { [K in ResourceKind]: Provider<K> };

/** Who holds the apply lock, and until when (src/apply/lock.ts). */
export interface LockRecord {
  /** Unique per acquisition: a release removes the lock only while it still carries this id. */
  id: string;
  /** Who took it: host and process, or the GitHub run (never a secret). */
  holder: string;
  /** ISO timestamps. After `expires` the lock is stale and the next apply takes it over. */
  acquired: string;
  expires: string;
}

/** A lease on the target's deployed state: one apply at a time. */
export interface ApplyLock {
  /** Where the lock lives, for messages (`<local-dir>/apply.lock`, `s3://…`). */
  readonly location: string;
  /**
   * Takes the lock with this record when it is free or held by an expired record (returned as
   * `replaced`); otherwise returns the record that holds it, untouched.
   */
  acquire(
    record: LockRecord,
    now: Date,
  ): Promise<{ acquired: true; replaced?: LockRecord } | { acquired: false; held: LockRecord }>;
  /** Removes the lock if it still carries this id (never another holder's). */
  release(id: string): Promise<void>;
  /** Removes the lock whoever holds it; returns the record removed, if any. */
  forceUnlock(): Promise<LockRecord | undefined>;
}

export interface Target {
  readonly name: 'aws' | 'local';
  /** The apply lock; absent where the target has none yet (the aws target: issue 14). */
  readonly applyLock?: ApplyLock;
  readonly organization: OrganizationSource;
  readonly providers: Providers;
  /** Write calls made so far at the provider boundary (SDK write commands, or state-file writes). */
  writeCount(): number;
  /** The account QuickSight's ARNs name, unless config/org.yaml's quicksight.accountId does. */
  quickSightAccountId(): Promise<string>;
  /** Opens a session for queries over the deployed table and views. */
  openQuerySession(): Promise<QuerySession>;
  /**
   * Compacts the snapshot files of the trend window into the compacted tables
   * (docs/compaction.md): the days not yet written, and the days whose newest files changed.
   */
  compact(options?: CompactOptions): Promise<CompactionResult>;
  /**
   * Called by apply once every change of a plan was carried out (or failed): what the target
   * derives from what was deployed (the local target draws its dashboard pages again when the
   * data they show changed).
   */
  afterApply?(progress?: ProgressReporter): Promise<void>;
}

export interface CompactOptions {
  progress?: ProgressReporter;
  /** Extraction threads; default one per core (at most 4). */
  workers?: number;
}
