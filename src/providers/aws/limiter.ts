/** Runs at most `concurrency` tasks at once; the rest wait in arrival order. */
export type Limiter = <T>(task: () => Promise<T>, options?: { urgent?: boolean }) => Promise<T>;

export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`Concurrency must be a whole number of at least 1, got ${concurrency}`);
  }
  let running = 0;
  const waiting: Array<() => void> = [];

  const acquire = async (urgent: boolean): Promise<void> => {
    if (running < concurrency) {
      running += 1;
      return;
    }
    // The finishing task hands its slot over directly, so `running` stays the same.
    // Urgent tasks (the next page of a list already under way) go to the front of the queue.
    await new Promise<void>((resolve) => (urgent ? waiting.unshift(resolve) : waiting.push(resolve)));
  };

  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };

  return async <T>(task: () => Promise<T>, options?: { urgent?: boolean }): Promise<T> => {
    await acquire(options?.urgent ?? false);
    try {
      return await task();
    } finally {
      release();
    }
  };
}
