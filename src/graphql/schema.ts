import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { withListSizes, type ListSizeLimits } from './cost-hints.js';
import { CANONICAL_NAMING, renameResolvers, renameTypeDefs, schemaNaming, type SchemaNaming } from './naming.js';
import { resolvers } from './resolvers/index.js';
import { guardRootFields } from './root-fields.js';

/** The contract, read relative to this module (src/graphql or dist/graphql), never the working directory. */
export const SCHEMA_FILE = new URL('../../schema.graphql', import.meta.url);
/** schema.graphql, parsed: the canonical names and the limits' default cost hints. */
export const typeDefs = parse(readFileSync(SCHEMA_FILE, 'utf8'));

/** The naming a prefix gives this subgraph's schema (`''`: the canonical names). */
export const namingFor = (prefix: string): SchemaNaming => schemaNaming(typeDefs, prefix);

export interface SchemaOptions {
  /** The names served (`SCHEMA_PREFIX`); the canonical names by default. */
  readonly naming?: SchemaNaming;
  /** The limits the cost hints state; the defaults written in schema.graphql when omitted. */
  readonly limits?: ListSizeLimits;
}

/** The type definitions served: schema.graphql with the configured cost hints, under the configured names. */
export function servedTypeDefs({ naming = CANONICAL_NAMING, limits }: SchemaOptions = {}): DocumentNode {
  return renameTypeDefs(limits ? withListSizes(typeDefs, limits) : typeDefs, naming);
}

/** Builds the executable subgraph schema; `_service { sdl }` prints {@link servedTypeDefs}. */
export function createSchema(options: SchemaOptions = {}): GraphQLSchema {
  // The generated resolver types are stricter than @apollo/subgraph's `unknown`-context map; the shapes agree at run time.
  const served = renameResolvers(resolvers, options.naming ?? CANONICAL_NAMING) as GraphQLResolverMap<unknown>;
  return guardRootFields(buildSubgraphSchema({ typeDefs: servedTypeDefs(options), resolvers: served }));
}
