/**
 * The local target's apply lock: `<local-dir>/apply.lock`, a JSON LockRecord. It is created
 * whole or not at all (written to a temporary file, then hard-linked into place, which fails when
 * the lock exists), so another process never reads half a lock; an expired lock is moved aside by
 * one rename (only one taker succeeds) before the new one is linked in.
 */

import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApplyLock, LockRecord } from '../../model/provider.js';
import { isRecord } from '../../model/values.js';

export const LOCK_FILE = 'apply.lock';

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** What a lock file holds: its record, or a stand-in naming it as unreadable (kept until forced). */
function parseRecord(text: string): LockRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (
      isRecord(value) &&
      typeof value.id === 'string' &&
      typeof value.holder === 'string' &&
      typeof value.acquired === 'string' &&
      typeof value.expires === 'string'
    )
      return { id: value.id, holder: value.holder, acquired: value.acquired, expires: value.expires };
  } catch {
    // Not JSON: below.
  }
  return undefined;
}

export class LocalApplyLock implements ApplyLock {
  readonly location: string;

  constructor(private readonly dir: string) {
    this.location = join(dir, LOCK_FILE);
  }

  private async read(): Promise<{ record: LockRecord | undefined; text: string } | undefined> {
    try {
      const text = await readFile(this.location, 'utf8');
      return { record: parseRecord(text), text };
    } catch (e) {
      if (code(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Links a complete lock file into place; false when one is there. */
  private async create(record: LockRecord): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.location}.${record.id}.tmp`;
    await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
    try {
      await link(tmp, this.location);
      return true;
    } catch (e) {
      if (code(e) === 'EEXIST') return false;
      throw e;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async acquire(
    record: LockRecord,
    now: Date,
  ): Promise<{ acquired: true; replaced?: LockRecord } | { acquired: false; held: LockRecord }> {
    // Twice at most: a lock that expires between the two reads is taken over on the second pass.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.create(record)) return { acquired: true };
      const found = await this.read();
      if (!found) continue; // Released meanwhile: try again.
      const held = found.record;
      if (!held)
        return {
          acquired: false,
          held: {
            id: '',
            holder: `an unreadable lock file (${found.text.length} bytes, not a lock record)`,
            acquired: 'unknown',
            expires: 'never (remove it with --force-unlock)',
          },
        };
      if (Date.parse(held.expires) > now.getTime()) return { acquired: false, held };
      // Expired: move it aside in one rename; of two takers, only one finds it there.
      const aside = `${this.location}.expired-${held.id || 'unknown'}`;
      try {
        await rename(this.location, aside);
      } catch (e) {
        if (code(e) === 'ENOENT') continue;
        throw e;
      }
      await rm(aside, { force: true });
      if (await this.create(record)) return { acquired: true, replaced: held };
    }
    const found = await this.read();
    throw new Error(
      `Could not take the apply lock at ${this.location}: it changed hands while being taken${found?.record ? ` (now ${found.record.holder})` : ''}; try again.`,
    );
  }

  async release(id: string): Promise<void> {
    const found = await this.read();
    if (found?.record?.id === id) await rm(this.location, { force: true });
  }

  async forceUnlock(): Promise<LockRecord | undefined> {
    const found = await this.read();
    if (!found) return undefined;
    await rm(this.location, { force: true });
    return (
      found.record ?? { id: '', holder: 'an unreadable lock file', acquired: 'unknown', expires: 'unknown' }
    );
  }
}
