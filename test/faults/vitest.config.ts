import { defineConfig } from 'vitest/config';

// The fault suite: real PostgreSQL and Redis servers of its own, restarted and stopped under load,
// with gateways as child processes. Files run one at a time; each scenario loads the machine.
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    env: { TEST_DB: 'postgresql' },
  },
});
