import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { parse, type GraphQLSchema } from 'graphql';
import { checkRepresentations } from './limits.js';
import { resolvers } from './resolvers/index.js';

/** The contract, read relative to this module (src/graphql or dist/graphql), never the working directory. */
export const SCHEMA_FILE = new URL('../../schema.graphql', import.meta.url);
export const typeDefs = parse(readFileSync(SCHEMA_FILE, 'utf8'));

export function createSchema(): GraphQLSchema {
  // The generated resolver types are stricter than @apollo/subgraph's loose map (typed by `unknown` context);
  // the shapes agree at run time.
  return checkRepresentations(buildSubgraphSchema({ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }));
}
