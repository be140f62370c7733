import { defineConfig } from 'vitest/config';

// Every test file runs once on SQLite and, when TEST_DATABASE_URL names a PostgreSQL server, once
// more on PostgreSQL (each file gets its own scratch database; see helpers/database.ts).
const postgres = process.env.TEST_DATABASE_URL;

const shared = {
  include: ['test/**/*.test.ts'],
  // The fault suite restarts servers of its own and runs on its own (npm run test:faults).
  exclude: ['test/faults/**', '**/node_modules/**'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

// graphql 16 ships CommonJS (main) and ESM (module) builds without an exports map: Node loads the
// CommonJS one for the libraries (Pothos, yoga), Vite would hand our sources the ESM one, and the two
// copies reject each other's schema objects. Resolve our imports the way Node does.
const resolve = { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] };

export default defineConfig({
  test: {
    projects: [
      { resolve, test: { ...shared, name: 'sqlite', env: { TEST_DB: 'sqlite' } } },
      ...(postgres ? [{ resolve, test: { ...shared, name: 'postgresql', env: { TEST_DB: 'postgresql' } } }] : []),
    ],
  },
});
