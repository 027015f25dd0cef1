import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { holderOf, LEASE_MS, LockHeldError, withApplyLock } from '../../src/apply/lock.js';
import type { LockRecord, Target } from '../../src/model/provider.js';
import { LocalApplyLock } from '../../src/providers/local/lock.js';

const T0 = new Date('2026-12-02T10:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

function record(id: string, holder = `host pid ${id}`, at = T0): LockRecord {
  return { id, holder, acquired: at.toISOString(), expires: new Date(at.getTime() + LEASE_MS).toISOString() };
}

async function dir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'org-compliance-lock-'));
}

/** A target with nothing but the lock: withApplyLock needs no more. */
function targetWith(lock: LocalApplyLock): Target {
  return { applyLock: lock } as unknown as Target;
}

describe('the local apply lock', () => {
  it('one holder at a time: the second is refused with the first record, untouched', async () => {
    const lock = new LocalApplyLock(await dir());
    expect(await lock.acquire(record('a'), T0)).toEqual({ acquired: true });
    expect(await lock.acquire(record('b'), later(1000))).toEqual({ acquired: false, held: record('a') });
    expect(JSON.parse(await readFile(lock.location, 'utf8'))).toEqual(record('a'));
  });

  it('of ten takers at once exactly one gets it, and no temporary file is left', async () => {
    const d = await dir();
    const takers = Array.from({ length: 10 }, (_, i) => new LocalApplyLock(d).acquire(record(`t${i}`), T0));
    const results = await Promise.all(takers);
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    expect(await readdir(d)).toEqual(['apply.lock']);
  });

  it('an expired lock is taken over and named; a live one is not', async () => {
    const lock = new LocalApplyLock(await dir());
    await lock.acquire(record('old'), T0);
    expect((await lock.acquire(record('new', 'x', later(LEASE_MS - 1)), later(LEASE_MS - 1))).acquired).toBe(
      false,
    );
    const taken = await lock.acquire(record('new', 'x', later(LEASE_MS)), later(LEASE_MS));
    expect(taken).toEqual({ acquired: true, replaced: record('old') });
    expect(JSON.parse(await readFile(lock.location, 'utf8')).id).toBe('new');
  });

  it("a release removes only its own lock, never the next holder's", async () => {
    const d = await dir();
    const lock = new LocalApplyLock(d);
    await lock.acquire(record('a'), T0);
    await lock.release('someone-else');
    expect(await readdir(d)).toEqual(['apply.lock']);
    await lock.release('a');
    expect(await readdir(d)).toEqual([]);
  });

  it('an unreadable lock file holds until forced, and force-unlock says what it removed', async () => {
    const d = await dir();
    const lock = new LocalApplyLock(d);
    await writeFile(lock.location, 'half a lo');
    const refused = await lock.acquire(record('a'), later(10 * LEASE_MS));
    expect(refused.acquired).toBe(false);
    expect(!refused.acquired && refused.held.holder).toBe(
      'an unreadable lock file (9 bytes, not a lock record)',
    );
    expect((await lock.forceUnlock())?.holder).toBe('an unreadable lock file');
    expect(await lock.forceUnlock()).toBeUndefined();
    expect((await lock.acquire(record('a'), T0)).acquired).toBe(true);
  });
});

it('a lock whose expiry is not a time is unreadable: never taken over as if expired', async () => {
  const d = await dir();
  const lock = new LocalApplyLock(d);
  const text = JSON.stringify({ ...record('x'), expires: 'tomorrow' });
  await writeFile(lock.location, text);
  const refused = await lock.acquire(record('a'), later(10 * LEASE_MS));
  expect(refused.acquired).toBe(false);
  expect(!refused.acquired && refused.held.holder).toBe(
    `an unreadable lock file (${text.length} bytes, not a lock record)`,
  );
});

describe('withApplyLock', () => {
  it('runs the work holding the lock and releases it after, also when the work fails', async () => {
    const d = await dir();
    const target = targetWith(new LocalApplyLock(d));
    const seen = await withApplyLock(target, { holder: 'me', now: () => T0 }, async () => readdir(d));
    expect(seen).toEqual(['apply.lock']);
    expect(await readdir(d)).toEqual([]);
    await expect(
      withApplyLock(target, { holder: 'me' }, async () => {
        throw new Error('apply failed');
      }),
    ).rejects.toThrow('apply failed');
    expect(await readdir(d)).toEqual([]);
  });

  it('refuses while another holds it, naming the holder, the times and the way out, and runs nothing', async () => {
    const lock = new LocalApplyLock(await dir());
    await lock.acquire(record('a', 'ci-runner pid 4242'), T0);
    let ran = false;
    const attempt = withApplyLock(targetWith(lock), { holder: 'me', now: () => later(60_000) }, async () => {
      ran = true;
    });
    await expect(attempt).rejects.toThrow(LockHeldError);
    await expect(attempt).rejects.toThrow(
      `Another apply holds the lock (${lock.location}): ci-runner pid 4242, since 2026-12-02T10:00:00.000Z, until 2026-12-02T12:00:00.000Z. Wait for it to finish. If it was killed, the lock expires by itself at 2026-12-02T12:00:00.000Z; --force-unlock removes it now (only when no apply is running).`,
    );
    expect(ran).toBe(false);
  });

  it('--force-unlock removes a held lock first and says whose it was', async () => {
    const lock = new LocalApplyLock(await dir());
    await lock.acquire(record('a', 'killed-host pid 7'), T0);
    const progress: string[] = [];
    await withApplyLock(
      targetWith(lock),
      { holder: 'me', forceUnlock: true, progress: (m) => progress.push(m), now: () => later(1000) },
      async () => {},
    );
    expect(progress).toEqual([
      `removed the apply lock of killed-host pid 7 (since 2026-12-02T10:00:00.000Z) at ${lock.location}`,
    ]);
  });

  it('names a GitHub run by repository and run, a machine by host and process', () => {
    expect(
      holderOf(
        { GITHUB_REPOSITORY: 'acme/org-compliance', GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2' },
        'h',
        1,
      ),
    ).toBe('GitHub run acme/org-compliance #42 attempt 2');
    expect(holderOf({}, 'laptop', 311)).toBe('laptop pid 311');
  });
});
