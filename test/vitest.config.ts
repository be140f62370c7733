import { defineConfig } from 'vitest/config';

// Every test file runs once on SQLite and, when TEST_DATABASE_URL names a PostgreSQL server, once
// more on PostgreSQL (each file gets its own scratch database; see helpers/database.ts).
const postgres = process.env.TEST_DATABASE_URL;

const shared = {
  include: ['test/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'sqlite', env: { TEST_DB: 'sqlite' } } },
      ...(postgres ? [{ test: { ...shared, name: 'postgresql', env: { TEST_DB: 'postgresql' } } }] : []),
    ],
  },
});
