import { defineConfig } from 'vitest/config';

export default defineConfig({
  // One copy of graphql, as in production. Node loads graphql's CommonJS build for every importer
  // (the package has no exports map), but Vite resolved our sources' `graphql` to its ESM build (the
  // `module` field), so under vitest our code held other classes than Apollo's and @apollo/subgraph's.
  // The compiled executor (src/graphql/executor.ts) builds GraphQLErrors that Apollo checks with
  // `instanceof` and runs graphql-js on the schema @apollo/subgraph built: both need the same copy.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
