import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../../src/providers/aws/limiter.js';

describe('createLimiter', () => {
  it('runs at most N tasks at once, in arrival order, and passes results and errors through', async () => {
    const limit = createLimiter(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const task = (n: number) => async () => {
      started.push(n);
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      if (n === 3) throw new Error('task 3 failed');
      return n * 10;
    };

    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((n) => limit(task(n))));

    expect(most).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5, 6]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      10,
      20,
      'task 3 failed',
      40,
      50,
      60,
    ]);
  });

  it('refuses a limit below one', () => {
    expect(() => createLimiter(0)).toThrow('Concurrency must be a whole number of at least 1, got 0');
  });

  it('starts an urgent task (the next page of a list under way) before the ones already waiting', async () => {
    const limit = createLimiter(1);
    const started: string[] = [];
    const task = (name: string) => async () => {
      started.push(name);
      await new Promise((resolve) => setImmediate(resolve));
    };
    await Promise.all([
      limit(task('first page A')),
      limit(task('first page B')),
      limit(task('first page C')),
      limit(task('second page A'), { urgent: true }),
    ]);
    expect(started).toEqual(['first page A', 'second page A', 'first page B', 'first page C']);
  });
});
