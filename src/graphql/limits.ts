/**
 * Limits against abusive operations, applied before execution.
 *
 * Depth, aliases, directives and cost come from GraphQL Armor's validation rules. Tokens are
 * bounded by graphql-js's own `maxTokens` parse option (passed as Apollo's `parseOptions`): Armor's
 * Apollo token plugin would parse every document a second time to count them.
 * List sizes are checked where the lists are read: `distances` and `distanceMatrix` in their
 * resolvers, `_entities` by `limitEntities` below.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { defaultFieldResolver, type GraphQLSchema, type ValidationRule } from 'graphql';
import { AppError } from '../errors.js';
import { defineSettings, int, type OptionsOf } from '../settings.js';
import type { Context } from './context.js';

export const limitSettings = defineSettings({
  title: 'Limits, checked before execution',
  variables: {
    MAX_DISTANCE_PAIRS: int(1, 100_000, 1_000).describe('Most pairs in one `distances` call.'),
    MAX_MATRIX_CELLS: int(1, 1_000_000, 2_500).describe('Most cells (origins × destinations) in one `distanceMatrix` call.'),
    MAX_ENTITIES: int(1, 100_000, 1_000).describe('Most representations in one `_entities` call.'),
    MAX_POSTAL_CODES: int(1, 1_000_000, 3_000).describe(
      'Most distinct postal codes one operation may look up (protects a paid geocoder from alias and list floods).',
    ),
    MAX_DEPTH: int(1, 100, 10).describe(
      'Deepest field nesting (GraphQL Armor). Routers wrap entity fields in an inline fragment that counts as a level, so two `distanceTo` hops through a router arrive 7 deep.',
    ),
    MAX_ALIASES: int(0, 1_000, 15).describe('Most aliases per operation (GraphQL Armor).'),
    MAX_DIRECTIVES: int(0, 1_000, 50).describe('Most directives per operation (GraphQL Armor).'),
    MAX_COST: int(1, 1_000_000, 5_000).describe("Highest static cost of an operation (GraphQL Armor's cost model)."),
    MAX_TOKENS: int(100, 1_000_000, 15_000).describe('Most lexical tokens in a document (graphql-js parser; the same default as Apollo Router).'),
  },
  read: (env) => ({
    maxDistancePairs: env.MAX_DISTANCE_PAIRS,
    maxMatrixCells: env.MAX_MATRIX_CELLS,
    maxEntities: env.MAX_ENTITIES,
    maxPostalCodes: env.MAX_POSTAL_CODES,
    maxDepth: env.MAX_DEPTH,
    maxAliases: env.MAX_ALIASES,
    maxDirectives: env.MAX_DIRECTIVES,
    maxCost: env.MAX_COST,
    maxTokens: env.MAX_TOKENS,
  }),
});

export type Limits = OptionsOf<typeof limitSettings>;

export interface OperationLimits {
  readonly plugins: ApolloServerPlugin<Context>[];
  readonly validationRules: ValidationRule[];
  readonly parseOptions: { readonly maxTokens: number };
}

export function operationLimits(limits: Limits, maskFieldSuggestions: boolean): OperationLimits {
  const protection = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    maxTokens: { enabled: false }, // see the header: parseOptions.maxTokens instead
    blockFieldSuggestion: { enabled: maskFieldSuggestions },
  }).protect();
  return {
    // Armor types its plugins for any context; ours is a subtype of theirs.
    plugins: protection.plugins as ApolloServerPlugin<Context>[],
    validationRules: protection.validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

/**
 * Bounds `_entities(representations:)`, which @apollo/subgraph leaves unbounded, by wrapping its
 * resolver in the built schema: the check runs once per call, before any representation resolves.
 */
export function limitEntities(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  if (!field) return schema;
  const resolve = field.resolve ?? defaultFieldResolver;
  field.resolve = (source, args: { representations?: unknown[] }, context: Context, info) => {
    const count = args.representations?.length ?? 0;
    const max = context.limits.maxEntities;
    if (count > max) {
      throw new AppError('BAD_USER_INPUT', `Too many representations: ${count} given, at most ${max} per _entities call.`);
    }
    return resolve(source, args, context, info);
  };
  return schema;
}
