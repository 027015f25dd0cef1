import { defineConfig } from 'vitest/config';

/**
 * The Trino benchmark (`npm run bench:trino`, issue 13): not part of `npm run test:integration`
 * nor of CI. It builds the integration suite's world and measures the dashboard queries against
 * the size of the projection's account enum; see test/integration/trino/projection-enum.bench.ts.
 */
export default defineConfig({
  test: {
    include: ['test/integration/trino/projection-enum.bench.ts'],
    testTimeout: 2 * 3_600_000,
    hookTimeout: 1_800_000,
    teardownTimeout: 60_000,
    fileParallelism: false,
  },
});
