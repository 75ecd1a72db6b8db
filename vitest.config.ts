import { configDefaults, defineConfig } from 'vitest/config';

/** Install the packed project with npm (test/integration/package*.test.ts): CPU-heavy for a while. */
const PACKAGE_TESTS = 'test/integration/package*.test.ts';

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
    // Most files spend their time waiting on servers and sockets, so three workers keep two cores busy.
    maxWorkers: 3,
    // The package tests run after the rest: their installs would otherwise take CPU from the tests
    // that count requests made within a batch window or a Redis timeout, on 2 cores.
    projects: [
      // One module graph per worker, not per file: every file cleans up what it starts, so the
      // graph (graphql, Apollo, the data) is loaded once per worker instead of once per file.
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, PACKAGE_TESTS], sequence: { groupOrder: 0 }, isolate: false } },
      { extends: true, test: { name: 'package', include: [PACKAGE_TESTS], sequence: { groupOrder: 1 } } },
    ],
  },
});
