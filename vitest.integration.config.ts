import { defineConfig } from 'vitest/config';

/**
 * The integration suite (`npm run test:integration`): our code against independent
 * implementations (moto for the AWS APIs, Trino for the SQL). It installs and starts what it
 * needs itself; servers run on free loopback ports and are stopped at the end.
 */
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
    teardownTimeout: 60_000,
    fileParallelism: false,
  },
});
