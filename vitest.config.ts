import { configDefaults, defineConfig } from 'vitest/config';

/** Installs the packed project with npm (test/integration/package.test.ts): CPU-heavy for a while. */
const PACKAGE_TEST = 'test/integration/package.test.ts';

export default defineConfig({
  // One copy of graphql, as in production. Node loads graphql's CommonJS build for every importer
  // (the package has no exports map), but Vite resolved our sources' `graphql` to its ESM build (the
  // `module` field), so under vitest our code held other classes than Apollo's and @apollo/subgraph's.
  // The compiled executor (src/graphql/executor.ts) builds GraphQLErrors that Apollo checks with
  // `instanceof` and runs graphql-js on the schema @apollo/subgraph built: both need the same copy.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The package test runs after the rest: its `npm ci` would otherwise take CPU from the tests that
    // count requests made within a batch window or a Redis timeout, on a machine with 2 cores.
    projects: [
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, PACKAGE_TEST], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'package', include: [PACKAGE_TEST], sequence: { groupOrder: 1 } } },
    ],
  },
});
