import { describe, expect, it } from 'vitest';
import { LEASE_MS, LockHeldError, withApplyLock } from '../../../src/apply/lock.js';
import { FakeAws } from '../../../src/bench/fake-aws.js';
import { DEMO_ORG } from '../../../src/demo/run.js';
import { syntheticOrganization } from '../../../src/demo/synthetic-org.js';
import { loadRepository } from '../../../src/load/index.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { REPO_ROOT } from '../../helpers/repo.js';

const T0 = new Date('2026-12-02T10:00:00.000Z');

async function setUp() {
  const { repository } = await loadRepository(REPO_ROOT);
  if (!repository) throw new Error('the repository does not load');
  const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
  const target = () =>
    createAwsTarget(repository.org, { mode: 'write', clients: fake.clients(), sleep: async () => {} });
  return { fake, target };
}

describe('the aws apply lock against the in-process fake (as strict as S3 on conditional writes)', () => {
  it('a second apply is refused while the first holds the lock; an expired lock is taken over', async () => {
    const { fake, target } = await setUp();
    const first = target();
    const second = target();
    await withApplyLock(first, { holder: 'first', now: () => T0 }, async () => {
      await expect(
        withApplyLock(second, { holder: 'second', now: () => T0 }, async () => {}),
      ).rejects.toThrow(LockHeldError);
    });
    // Released: the object is gone, and the refused apply wrote nothing but its refused put.
    expect([...fake.objects.keys()].filter((k) => k.endsWith('/locks/apply.json'))).toEqual([]);
    const puts = fake.calls.filter((c) => c.service === 's3' && c.operation === 'PutObject');
    expect(puts.map((c) => c.input.IfNoneMatch ?? c.input.IfMatch)).toEqual(['*', '*']);

    // A killed apply's lock, expired: the next takes it over with a put on its ETag.
    const lock = first.applyLock;
    if (!lock) throw new Error('a write target has an apply lock');
    await lock.acquire(
      {
        id: 'killed',
        holder: 'killed',
        acquired: T0.toISOString(),
        expires: new Date(T0.getTime() + 1000).toISOString(),
      },
      T0,
    );
    const progress: string[] = [];
    await withApplyLock(
      second,
      { holder: 'second', now: () => new Date(T0.getTime() + LEASE_MS), progress: (m) => progress.push(m) },
      async () => {},
    );
    expect(progress).toEqual([
      'took over an expired apply lock of killed (expired 2026-12-02T10:00:01.000Z)',
    ]);
    expect(fake.calls.filter((c) => c.operation === 'PutObject').at(-1)?.input.IfMatch).toMatch(
      /^"[0-9a-f]{32}"$/,
    );
  });
});
