/**
 * The local target's apply lock: `<local-dir>/apply.lock`, a JSON LockRecord (the lease itself is
 * src/apply/lock.ts). It is created whole or not at all (written to a temporary file, then
 * hard-linked into place, which fails when the lock exists), so another process never reads half
 * a lock; an expired lock is moved aside by one rename (only one taker succeeds) before the new
 * one is linked in.
 */

import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LeaseLock, type LockStorage } from '../../apply/lock.js';

export const LOCK_FILE = 'apply.lock';

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

class LockFile implements LockStorage {
  readonly location: string;
  readonly noun = 'file';

  constructor(private readonly dir: string) {
    this.location = join(dir, LOCK_FILE);
  }

  async create(text: string): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.location}.${randomUUID()}.tmp`;
    await writeFile(tmp, text);
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

  /** A file has no ETag: replace moves whatever is there aside in one rename instead. */
  async read(): Promise<{ text: string; version: string } | undefined> {
    try {
      const text = await readFile(this.location, 'utf8');
      return { text, version: text };
    } catch (e) {
      if (code(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  async replace(_version: string, text: string): Promise<boolean> {
    // Moved aside in one rename: of two takers, only one finds it there.
    const aside = `${this.location}.expired-${randomUUID()}`;
    try {
      await rename(this.location, aside);
    } catch (e) {
      if (code(e) === 'ENOENT') return false;
      throw e;
    }
    await rm(aside, { force: true });
    return this.create(text);
  }

  async remove(): Promise<void> {
    await rm(this.location, { force: true });
  }
}

export class LocalApplyLock extends LeaseLock {
  constructor(dir: string) {
    super(new LockFile(dir));
  }
}
