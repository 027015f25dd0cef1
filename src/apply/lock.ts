/**
 * One apply at a time on a target: `plan` and `apply` of one run hold a lease on the target's
 * deployed state (src/model/provider.ts ApplyLock), so a second apply started meanwhile refuses
 * with who holds it and until when, and never writes. A lease expires by itself (a killed apply
 * cannot hold it forever); `--force-unlock` removes it at once. Pure: the target stores the lock.
 */

import { randomUUID } from 'node:crypto';
import type { ApplyLock, LockRecord, ProgressReporter, Target } from '../model/provider.js';
import { isRecord } from '../model/values.js';

/** How long a lease lasts: far longer than an apply (minutes at 5,000 accounts), short enough to recover from a kill. */
export const LEASE_MS = 2 * 60 * 60 * 1000;

export class LockHeldError extends Error {
  constructor(
    readonly held: LockRecord,
    location: string,
    forceSetting: string,
  ) {
    super(
      held.id === ''
        ? // The stand-in of LeaseLock.acquire for a lock that is not a record: it never expires.
          `The apply lock at ${location} is ${held.holder}: nothing was written, and it does not expire by itself. ` +
            `If no apply is running, ${forceSetting} removes it (a lock is the JSON {id, holder, acquired, expires} that apply writes).`
        : `Another apply holds the lock (${location}): ${held.holder}, since ${held.acquired}, until ${held.expires}. ` +
            `Wait for it to finish. If it was killed, the lock expires by itself at ${held.expires}; ${forceSetting} removes it now (only when no apply is running).`,
    );
    this.name = 'LockHeldError';
  }
}

export interface LockOptions {
  /** Who is asking (host and pid, or the GitHub run); see holderOf. */
  holder: string;
  /** Remove any lock first, whoever holds it. */
  forceUnlock?: boolean;
  /** How the refusal names the setting that removes a lock: `--force-unlock` (CLI, the default) or an action input. */
  forceSetting?: string;
  progress?: ProgressReporter;
  now?: () => Date;
}

/** `<host> pid <pid>`, or the GitHub run when in Actions: names a holder without any secret. */
export function holderOf(env: NodeJS.ProcessEnv, host: string, pid: number): string {
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY)
    return `GitHub run ${env.GITHUB_REPOSITORY} #${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? ` attempt ${env.GITHUB_RUN_ATTEMPT}` : ''}`;
  return `${host} pid ${pid}`;
}

/** Runs `fn` holding the target's apply lock (when the target has one), and releases it after, whatever happens. */
export async function withApplyLock<T>(
  target: Target,
  options: LockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const lock: ApplyLock | undefined = target.applyLock;
  if (!lock) return fn();
  const now = options.now ?? (() => new Date());
  const progress = options.progress ?? (() => {});
  if (options.forceUnlock) {
    const removed = await lock.forceUnlock();
    if (removed)
      progress(`removed the apply lock of ${removed.holder} (since ${removed.acquired}) at ${lock.location}`);
  }
  const at = now();
  const record: LockRecord = {
    id: randomUUID(),
    holder: options.holder,
    acquired: at.toISOString(),
    expires: new Date(at.getTime() + LEASE_MS).toISOString(),
  };
  const taken = await lock.acquire(record, at);
  if (!taken.acquired)
    throw new LockHeldError(taken.held, lock.location, options.forceSetting ?? '--force-unlock');
  if (taken.replaced)
    progress(
      `took over an expired apply lock of ${taken.replaced.holder} (expired ${taken.replaced.expires})`,
    );
  try {
    return await fn();
  } finally {
    await lock.release(record.id);
  }
}

/** Where a lock is kept: the few conditional operations a lease needs, over a file or an object. */
export interface LockStorage {
  /** `<local-dir>/apply.lock`, `s3://…`: for messages. */
  readonly location: string;
  /** What the lock is, for messages: `file`, `object`. */
  readonly noun: string;
  /** Writes the text when nothing is there; false when a lock is. */
  create(text: string): Promise<boolean>;
  /** The text there and a token of that version, or undefined when there is none. */
  read(): Promise<{ text: string; version: string } | undefined>;
  /** Writes the text only over that version (it may be moved aside first); false when it changed meanwhile. */
  replace(version: string, text: string): Promise<boolean>;
  remove(): Promise<void>;
}

/** A lock record from its text, or undefined when the text is not one. */
export function parseLockRecord(text: string): LockRecord | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (
      isRecord(v) &&
      typeof v.id === 'string' &&
      typeof v.holder === 'string' &&
      typeof v.acquired === 'string' &&
      typeof v.expires === 'string' &&
      // An expiry that is not a time would compare as already past: such a lock is unreadable,
      // removed only by --force-unlock, never taken over as if expired.
      !Number.isNaN(Date.parse(v.expires))
    )
      return { id: v.id, holder: v.holder, acquired: v.acquired, expires: v.expires };
  } catch {
    // Not JSON: the caller names it as unreadable.
  }
  return undefined;
}

/** The lease over any storage: take when free or expired (of two takers, one wins), release only one's own. */
export class LeaseLock implements ApplyLock {
  readonly location: string;

  constructor(private readonly storage: LockStorage) {
    this.location = storage.location;
  }

  async acquire(
    record: LockRecord,
    now: Date,
  ): Promise<{ acquired: true; replaced?: LockRecord } | { acquired: false; held: LockRecord }> {
    const text = `${JSON.stringify(record, null, 2)}\n`;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.storage.create(text)) return { acquired: true };
      const found = await this.storage.read();
      if (!found) continue; // Released meanwhile: try again.
      const held = parseLockRecord(found.text);
      // Our own put went through and its answer was lost (a reset after S3 wrote it): it is ours.
      if (held?.id === record.id) return { acquired: true };
      if (!held)
        return {
          acquired: false,
          held: {
            id: '',
            holder: `an unreadable lock ${this.storage.noun} (${found.text.length} bytes, not a lock record)`,
            acquired: 'unknown',
            expires: 'never (remove it with --force-unlock)',
          },
        };
      if (Date.parse(held.expires) > now.getTime()) return { acquired: false, held };
      if (await this.storage.replace(found.version, text)) return { acquired: true, replaced: held };
    }
    throw new Error(
      `Could not take the apply lock at ${this.location}: it changed hands while being taken; try again.`,
    );
  }

  async release(id: string): Promise<void> {
    const found = await this.storage.read();
    if (found && parseLockRecord(found.text)?.id === id) await this.storage.remove();
  }

  async forceUnlock(): Promise<LockRecord | undefined> {
    const found = await this.storage.read();
    if (!found) return undefined;
    await this.storage.remove();
    return (
      parseLockRecord(found.text) ?? {
        id: '',
        holder: `an unreadable lock ${this.storage.noun}`,
        acquired: 'unknown',
        expires: 'unknown',
      }
    );
  }
}
