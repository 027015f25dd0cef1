/**
 * One apply at a time on a target: `plan` and `apply` of one run hold a lease on the target's
 * deployed state (src/model/provider.ts ApplyLock), so a second apply started meanwhile refuses
 * with who holds it and until when, and never writes. A lease expires by itself (a killed apply
 * cannot hold it forever); `--force-unlock` removes it at once. Pure: the target stores the lock.
 */

import { randomUUID } from 'node:crypto';
import type { ApplyLock, LockRecord, ProgressReporter, Target } from '../model/provider.js';

/** How long a lease lasts: far longer than an apply (minutes at 5,000 accounts), short enough to recover from a kill. */
export const LEASE_MS = 2 * 60 * 60 * 1000;

export class LockHeldError extends Error {
  constructor(
    readonly held: LockRecord,
    location: string,
    forceSetting: string,
  ) {
    super(
      `Another apply holds the lock (${location}): ${held.holder}, since ${held.acquired}, until ${held.expires}. ` +
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
