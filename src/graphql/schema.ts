import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { withListSizes, type ListSizeLimits } from './cost-hints.js';
import { limitEntities } from './limits.js';
import { resolvers } from './resolvers/index.js';

/** The contract, read relative to this module (src/graphql or dist/graphql), never the working directory. */
export const SCHEMA_FILE = new URL('../../schema.graphql', import.meta.url);
/** schema.graphql, parsed: the limits' default cost hints. */
export const typeDefs = parse(readFileSync(SCHEMA_FILE, 'utf8'));

export interface SchemaOptions {
  /** The limits the cost hints state; the defaults written in schema.graphql when omitted. */
  readonly limits?: ListSizeLimits;
}

/** The type definitions served: schema.graphql with the configured cost hints. */
export function servedTypeDefs({ limits }: SchemaOptions = {}): DocumentNode {
  return limits ? withListSizes(typeDefs, limits) : typeDefs;
}

/** Builds the executable subgraph schema; `_service { sdl }` prints {@link servedTypeDefs}. */
export function createSchema(options: SchemaOptions = {}): GraphQLSchema {
  // The generated resolver types are stricter than @apollo/subgraph's loose map (typed by `unknown` context);
  // the shapes agree at run time.
  return limitEntities(buildSubgraphSchema({ typeDefs: servedTypeDefs(options), resolvers: resolvers as GraphQLResolverMap<unknown> }));
}
